package dev.jao.internal;

import dev.jao.bindings.JaoAbi;
import dev.jao.bindings.jao_affine_params;
import dev.jao.quant.DType;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Groupwise weight quantization as torchao's {@code IntxUnpackedToInt8Tensor.from_hp},
 * computed natively ({@code jao_affine.h}): choose_qparams_affine with block (1, group),
 * int8 zero points, eps = FLT_MIN, then quantize_affine. A scale dtype other than the
 * weight's is applied as torchao does: zero points from the unrounded scale, qdata
 * re-quantized with the cast scale.
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
        Native.ready();
        long n = weight.dim(0), k = weight.dim(1), groups = k / group;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = jao_affine_params.allocate(arena);
            jao_affine_params.rows(p, n);
            jao_affine_params.cols(p, k);
            jao_affine_params.group_size(p, group);
            jao_affine_params.input_type(p, floatType(weight.dtype()));
            jao_affine_params.scale_type(p, floatType(scaleDtype));
            jao_affine_params.mapping(p, mapping.ordinal());
            jao_affine_params.quant_min(p, target.quantMin());
            jao_affine_params.quant_max(p, target.quantMax());
            jao_affine_params.preserve_zero(p, 1);
            jao_affine_params.zero_point_domain(p, JaoAbi.JAO_ZP_INT());
            jao_affine_params.eps(p, Float.MIN_NORMAL);
            MemorySegment x = Tensors.toNative(weight, arena);
            MemorySegment scales = arena.allocate(ValueLayout.JAVA_FLOAT, n * groups);
            MemorySegment zps = arena.allocate(ValueLayout.JAVA_FLOAT, n * groups);
            MemorySegment q = arena.allocate(n * k);
            if (algorithm == IntxChooseQParamsAlgorithm.HQQ_SCALE_ONLY) {
                // HQQ: scales in the weight's dtype, qdata from the float32 scales; a different
                // scale dtype re-quantizes with the cast scales (zero points are 0)
                jao_affine_params.scale_type(p, floatType(weight.dtype()));
                Native.check(JaoAbi.jao_affine_hqq_scale_only(p, x, scales, q), "jao_affine_hqq_scale_only");
                if (scaleDtype != weight.dtype()) {
                    jao_affine_params.scale_type(p, floatType(scaleDtype));
                    castScales(scales, scaleDtype);
                    Native.check(JaoAbi.jao_affine_quantize(p, x, scales, MemorySegment.NULL, q), "jao_affine_quantize");
                }
            } else {
                Native.check(JaoAbi.jao_affine_choose_qparams(p, x, scales, zps), "jao_affine_choose_qparams");
                Native.check(JaoAbi.jao_affine_quantize(p, x, scales, zps, q), "jao_affine_quantize");
            }
            float[] zpValues = zps.toArray(ValueLayout.JAVA_FLOAT);  // integers in the weight's range
            byte[] zp = new byte[zpValues.length];
            for (int i = 0; i < zp.length; i++) zp[i] = (byte) zpValues[i];
            return new Result(q.toArray(ValueLayout.JAVA_BYTE), scales.toArray(ValueLayout.JAVA_FLOAT), zp);
        }
    }

    /** Rounds float32 scales in place to bf16 / fp16 (round to nearest even), as torch's {@code .to()}. */
    private static void castScales(MemorySegment scales, DType to) {
        for (long i = 0; i < scales.byteSize() / 4; i++) {
            float s = scales.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            float r = switch (to) {
                case BFLOAT16 -> Tensors.roundBf16(s);
                case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16(s));
                default -> s;
            };
            scales.setAtIndex(ValueLayout.JAVA_FLOAT, i, r);
        }
    }

    /** The jao_float_type code of a floating dtype. */
    static int floatType(DType t) {
        return switch (t) {
            case FLOAT32 -> JaoAbi.JAO_F32();
            case BFLOAT16 -> JaoAbi.JAO_BF16();
            case FLOAT16 -> JaoAbi.JAO_F16();
            default -> throw new IllegalArgumentException("not a floating dtype: " + t);
        };
    }
}
