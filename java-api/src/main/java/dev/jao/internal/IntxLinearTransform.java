package dev.jao.internal;

import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.config.QuantConfig;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * torchao's {@code _int8_dynamic_activation_intx_weight_transform} (version 2): quantize the
 * weight natively exactly as IntxUnpackedToInt8Tensor.from_hp (incl. the re-quantization
 * when weight_scale_dtype differs from the weight's dtype), then pack it with the bias for
 * the fused int8-activation kernels. Zero points are packed only when one is non-zero.
 */
public final class IntxLinearTransform {
    private static final System.Logger LOG = System.getLogger("dev.jao");

    private IntxLinearTransform() {}

    /**
     * Quantizes and packs {@code linear} with {@code c}; the layer reports {@code reported}
     * as its config (c itself, or a config that delegates to the intx path).
     */
    static QuantizedLinear apply(Linear linear, Int8DynamicActivationIntxWeightConfig c, QuantConfig reported) {
        long n = linear.outFeatures(), k = linear.inFeatures();
        c.checkQuantizable(n, k);
        requireFinite(linear.weight(), "weight");
        if (linear.bias() != null) requireFinite(linear.bias(), "bias");
        long group = c.groupSize(k);
        DType modelDtype = linear.dtype();  // torchao keeps scales in the weight's dtype unless told otherwise
        DType scaleDtype = c.weightScaleDtype() == null ? modelDtype : c.weightScaleDtype();
        WeightQuantization.Result w = WeightQuantization.quantize(linear.weight(), group, c.weightDtype(),
                c.weightMappingType(), c.intxChooseQParamsAlgorithm(), scaleDtype);
        float[] bias = linear.bias() == null ? null : linear.bias().toFloatArray();
        return pack(c, reported, modelDtype, scaleDtype, n, k, w.qdata(), w.scales(), w.zeroPoints(), bias);
    }

    /** Weights with NaN or infinity cannot be quantized meaningfully: reject them by position. */
    static void requireFinite(Tensor t, String name) {
        for (long i = 0, n = t.numel(); i < n; i++) {
            float v = t.getFloat(i);
            if (!Float.isFinite(v)) {
                long cols = t.rank() == 2 ? t.dim(1) : n;
                throw new IllegalArgumentException(name + " has a non-finite value " + v + " at [" + (i / cols)
                        + (t.rank() == 2 ? ", " + (i % cols) : "") + "]; NaN and infinity cannot be quantized");
            }
        }
    }

    /** Packs plain quantized tensors into a new layer; zero points are kept only when one is non-zero. */
    private static QuantizedLinear pack(Int8DynamicActivationIntxWeightConfig c, QuantConfig reported, DType modelDtype, DType scaleDtype,
                                        long n, long k, byte[] qdata, float[] scales, byte[] zeroPoints, float[] bias) {
        long group = c.groupSize(k);
        boolean anyZero = false;
        for (byte z : zeroPoints) anyZero |= z != 0;
        IntxKernel.ScaleStorage storage = scaleStorage(c.intxPackingFormat(), scaleDtype, group, k);
        NativeMemory memory = new NativeMemory("QuantizedLinear[" + n + "x" + k + "]");
        try {
            IntxKernel kernel = IntxKernel.pack(memory, n, k, c.weightBits(), group, qdata, scales,
                    anyZero ? zeroPoints : null, bias, storage,
                    storage == IntxKernel.ScaleStorage.BF16 ? DType.BFLOAT16 : scaleDtype);
            return new QuantizedLinear(reported, modelDtype, kernel, memory);
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    /**
     * A layer from already-quantized plain tensors (torchao's qdata / scale / zero_point),
     * packed as they are.
     *
     * @param modelDtype the dtype of the original floating weight
     */
    public static QuantizedLinear fromPlain(Int8DynamicActivationIntxWeightConfig c, DType modelDtype, Tensor qdata,
                                            Tensor scale, Tensor zeroPoint, Tensor bias) {
        if (qdata.rank() != 2 || qdata.dtype() != DType.INT8) {
            throw new IllegalArgumentException("qdata must be an INT8 [N, K] tensor, got " + qdata);
        }
        long n = qdata.dim(0), k = qdata.dim(1);
        c.checkQuantizable(n, k);
        long group = c.groupSize(k);
        long[] qshape = {n, k / group};
        if (!java.util.Arrays.equals(scale.shape(), qshape) || !java.util.Arrays.equals(zeroPoint.shape(), qshape)
                || zeroPoint.dtype() != DType.INT8) {
            throw new IllegalArgumentException("scale and zero_point must be [" + n + ", " + (k / group)
                    + "] (zero_point INT8), got " + scale + " and " + zeroPoint);
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != n)) {
            throw new IllegalArgumentException("bias must be [" + n + "], got " + bias);
        }
        byte[] q = new byte[Tensors.intSize(n * k)];
        MemorySegment.copy(qdata.data(), ValueLayout.JAVA_BYTE, 0, q, 0, q.length);
        byte[] z = new byte[Tensors.intSize(n * (k / group))];
        MemorySegment.copy(zeroPoint.data(), ValueLayout.JAVA_BYTE, 0, z, 0, z.length);
        return pack(c, c, modelDtype, scale.dtype(), n, k, q, scale.toFloatArray(), z,
                bias == null ? null : bias.toFloatArray());
    }

    /**
     * The KleidiAI-style formats run with bf16 per-group scales (torchao casts them, or its
     * kernel rounds them); jao's own layouts keep the scales as quantized.
     */
    private static IntxKernel.ScaleStorage scaleStorage(IntxPackingFormat f, DType scaleDtype, long group, long k) {
        boolean kleidi = f == IntxPackingFormat.OPAQUE_ATEN_KLEIDIAI || f == IntxPackingFormat.OPAQUE_TORCHAO_KLEIDIAI;
        if (kleidi && group != k && scaleDtype != DType.BFLOAT16) {
            LOG.log(System.Logger.Level.INFO, "jao: " + f + " uses bfloat16 scales; scales of dtype " + scaleDtype
                    + " are rounded to bfloat16 (set weight_scale_dtype=BFLOAT16 to make this explicit)");
            return IntxKernel.ScaleStorage.BF16;
        }
        return scaleDtype == DType.BFLOAT16 ? IntxKernel.ScaleStorage.BF16 : IntxKernel.ScaleStorage.F32;
    }
}
