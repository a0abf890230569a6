package dev.jao.internal;

import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.IntxPackingFormat;

/**
 * torchao's {@code _int8_dynamic_activation_intx_weight_transform} (version 2): quantize the
 * weight natively exactly as IntxUnpackedToInt8Tensor.from_hp (incl. the re-quantization
 * when weight_scale_dtype differs from the weight's dtype), then pack it with the bias for
 * the fused int8-activation kernels. Zero points are packed only when one is non-zero.
 */
final class IntxLinearTransform {
    private static final System.Logger LOG = System.getLogger("dev.jao");

    private IntxLinearTransform() {}

    static QuantizedLinear apply(Linear linear, Int8DynamicActivationIntxWeightConfig c) {
        long n = linear.outFeatures(), k = linear.inFeatures();
        c.checkQuantizable(n, k);
        long group = c.groupSize(k);
        DType modelDtype = linear.dtype();
        DType scaleDtype = c.weightScaleDtype() == null ? modelDtype : c.weightScaleDtype();
        WeightQuantization.Result w = WeightQuantization.quantize(linear.weight(), group, c.weightDtype(),
                c.weightMappingType(), c.intxChooseQParamsAlgorithm(), scaleDtype);
        boolean anyZero = false;
        for (byte z : w.zeroPoints()) anyZero |= z != 0;
        IntxKernel.ScaleStorage storage = scaleStorage(c.intxPackingFormat(), scaleDtype, group, k);
        float[] bias = linear.bias() == null ? null : linear.bias().toFloatArray();
        NativeMemory memory = new NativeMemory("QuantizedLinear[" + n + "x" + k + "]");
        try {
            IntxKernel kernel = IntxKernel.pack(memory, n, k, c.weightBits(), group, w.qdata(), w.scales(),
                    anyZero ? w.zeroPoints() : null, bias, storage, storage == IntxKernel.ScaleStorage.BF16
                            ? DType.BFLOAT16 : scaleDtype);
            return new QuantizedLinear(c, modelDtype, kernel, memory);
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
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
