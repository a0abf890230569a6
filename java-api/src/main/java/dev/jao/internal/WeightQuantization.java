package dev.jao.internal;

import dev.jao.bindings.JaoAbi;
import dev.jao.bindings.jao_affine_params;
import dev.jao.quant.AffineQuantization;
import dev.jao.quant.AffineSpec;
import dev.jao.quant.DType;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Groupwise weight quantization as torchao's {@code IntxUnpackedToInt8Tensor.from_hp}:
 * AFFINE is choose_qparams_affine + quantize_affine with block (1, group) (a scale dtype
 * other than the weight's is applied as torchao does: zero points from the unrounded scale,
 * qdata re-quantized with the cast scale); HQQ_SCALE_ONLY is torchao's least-squares search.
 */
final class WeightQuantization {
    private WeightQuantization() {}

    /**
     * Quantized weight.
     *
     * @param qdata [N, K] values in the target range
     * @param scales [N, K/group], exactly representable in the scale dtype
     * @param zeroPoints [N, K/group]
     */
    record Result(byte[] qdata, float[] scales, byte[] zeroPoints) {}

    static Result quantize(Tensor weight, long group, DType target, MappingType mapping,
                           IntxChooseQParamsAlgorithm algorithm, DType scaleDtype) {
        AffineSpec spec = AffineSpec.of(new long[] {1, group}, target, mapping).withScaleDtype(scaleDtype);
        if (algorithm == IntxChooseQParamsAlgorithm.HQQ_SCALE_ONLY) return hqq(weight, group, spec);
        AffineQuantization.QParams qp = AffineQuantization.chooseQParams(weight, spec);
        Tensor q = AffineQuantization.quantize(weight, spec, qp);
        float[] zp = qp.zeroPoint().toFloatArray();  // integers in the weight's range
        byte[] zpBytes = new byte[zp.length];
        for (int i = 0; i < zp.length; i++) zpBytes[i] = (byte) zp[i];
        return new Result(bytes(q), qp.scale().toFloatArray(), zpBytes);
    }

    /**
     * HQQ: scales in the weight's dtype and qdata from the float32 scales; a different scale
     * dtype re-quantizes with the cast scales and zero points 0, as torchao's config does.
     */
    private static Result hqq(Tensor weight, long group, AffineSpec spec) {
        Native.ready();
        long n = weight.dim(0), k = weight.dim(1), groups = n * (k / group);
        float[] scales;
        byte[] q;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = jao_affine_params.allocate(arena);
            jao_affine_params.rows(p, n);
            jao_affine_params.cols(p, k);
            jao_affine_params.group_size(p, group);
            int type = weight.dtype() == DType.BFLOAT16 ? JaoAbi.JAO_BF16()
                    : weight.dtype() == DType.FLOAT16 ? JaoAbi.JAO_F16() : JaoAbi.JAO_F32();
            jao_affine_params.input_type(p, type);
            jao_affine_params.scale_type(p, type);
            jao_affine_params.quant_min(p, spec.quantMin());
            jao_affine_params.quant_max(p, spec.quantMax());
            MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT, groups), qs = arena.allocate(n * k);
            Native.check(JaoAbi.jao_affine_hqq_scale_only(p, Tensors.toNative(weight, arena), s, qs),
                    "jao_affine_hqq_scale_only");
            scales = s.toArray(ValueLayout.JAVA_FLOAT);
            q = qs.toArray(ValueLayout.JAVA_BYTE);
        }
        byte[] zeros = new byte[Math.toIntExact(groups)];
        if (spec.scaleDtype() != weight.dtype()) {
            Tensor cast = Tensors.fromFloats(castTo(scales, spec.scaleDtype()), spec.scaleDtype(), n, k / group);
            Tensor zp = Tensor.ofFloats(new float[zeros.length], n, k / group);
            q = bytes(AffineQuantization.quantize(weight, spec, new AffineQuantization.QParams(cast, zp)));
            scales = cast.toFloatArray();
        }
        return new Result(q, scales, zeros);
    }

    private static float[] castTo(float[] v, DType to) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = switch (to) {
                case BFLOAT16 -> Tensors.roundBf16(v[i]);
                case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16(v[i]));
                default -> v[i];
            };
        }
        return out;
    }

    private static byte[] bytes(Tensor t) {
        return t.data().toArray(ValueLayout.JAVA_BYTE);
    }
}
