package dev.jao.internal;

import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import java.lang.foreign.MemorySegment;

/**
 * torchao's {@code Int8DynamicActivationInt8WeightConfig} transform (version 2): Int8Tensor
 * weights packed for the int8 × int8 kernels; with weight_only_decode, single-row calls
 * run the same weights through the weight-only kernels instead.
 */
final class Int8LinearTransform {
    private Int8LinearTransform() {}

    static LinearQuantizers.Result apply(Linear linear, Int8DynamicActivationInt8WeightConfig c) {
        long n = linear.outFeatures(), k = linear.inFeatures();
        if (k <= 16) {
            return new LinearQuantizers.Result(null, "in_features " + k + " <= 16: int8 dynamic quantization "
                    + "only has benefit when in_features > 16");
        }
        Int8Weights q = Int8Weights.quantize(linear.weight(), c.granularity(), c.reduceRange());
        float[] bias = linear.bias() == null ? null : linear.bias().toFloatArray();
        NativeMemory memory = new NativeMemory("QuantizedLinear[" + n + "x" + k + "]");
        try {
            boolean perTensor = c.granularity() instanceof dev.jao.quant.Granularity.PerTensor;
            // torchao quantizes a bf16 model's (bf16) activations and runs its epilogue with bf16 arithmetic
            Int8Kernel prefill = Int8Kernel.pack(memory, n, k, c.actMappingType(), perTensor, c.reduceRange(),
                    linear.dtype() == DType.BFLOAT16, q.qdata(), q.rowScales(), bias);
            LinearKernel kernel = c.weightOnlyDecode() ? withDecode(memory, prefill, q.qdata(), q.rowScales(), bias)
                    : prefill;
            return new LinearQuantizers.Result(new QuantizedLinear(c, linear.dtype(), kernel, memory), null);
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    /** Restores a layer's kernel from its packed int8 buffer (a model file). */
    static LinearKernel fromPacked(Int8DynamicActivationInt8WeightConfig c, NativeMemory memory, MemorySegment packed) {
        Int8Kernel prefill = Int8Kernel.fromPacked(packed);
        if (!c.weightOnlyDecode()) return prefill;
        var plain = prefill.plainTensors();
        byte[] q = plain.get("qdata").data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        float[] s = plain.get("scale").toFloatArray();
        float[] b = plain.containsKey("bias") ? plain.get("bias").toFloatArray() : null;
        return withDecode(memory, prefill, q, s, b);
    }

    private static LinearKernel withDecode(NativeMemory memory, Int8Kernel prefill, byte[] qdata, float[] scales,
                                           float[] bias) {
        long n = prefill.outFeatures(), k = prefill.inFeatures();
        WeightOnlyKernel decode = WeightOnlyKernel.pack(memory,
                WeightOnlyLinearTransform.fromSigned(n, k, 8, k, qdata, scales, null, bias), DType.FLOAT32);
        return new DecodeSplitKernel(prefill, decode);
    }
}
