package dev.jao.internal;

import dev.jao.quant.AffineQuantization;
import dev.jao.quant.AffineSpec;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.ValueLayout;

/**
 * Int8Tensor's weight quantization (torchao Int8WeightOnlyConfig and
 * Int8DynamicActivationInt8WeightConfig, version 2): symmetric int8 with scale
 * {@code amax / 127.5} (reduce_range: [-64, 63]), eps 2^-23, fp32 scales.
 *
 * @param qdata [N, K] int8 values
 * @param rowScales [N, K / groupSize] scales (a per-tensor scale repeated on every row)
 * @param groupSize K for PerRow / PerTensor, the group for PerGroup
 * @param scale the scale tensor as torchao keeps it ([N, 1], [1, 1] or [N, K/g])
 */
record Int8Weights(byte[] qdata, float[] rowScales, long groupSize, Tensor scale) {
    static Int8Weights quantize(Tensor w, Granularity g, boolean reduceRange) {
        IntxLinearTransform.requireFinite(w, "weight");
        long n = w.dim(0), k = w.dim(1);
        long[] block = g.blockSize(new long[] {n, k});
        AffineSpec spec = AffineSpec.of(block, DType.INT8, MappingType.SYMMETRIC)
                .withEps(WeightOnlyLinearTransform.FP32_EPS).withScaleDtype(DType.FLOAT32);
        if (reduceRange) spec = spec.withRange(-64, 63);
        AffineQuantization.QParams qp = AffineQuantization.chooseQParams(w, spec);
        byte[] q = AffineQuantization.quantize(w, spec, qp).data().toArray(ValueLayout.JAVA_BYTE);
        float[] s = qp.scale().toFloatArray();
        long group = block[1];
        if (s.length == 1 && n > 1) {  // PerTensor: the kernels take one scale per row
            float one = s[0];
            s = new float[Math.toIntExact(n)];
            java.util.Arrays.fill(s, one);
        }
        return new Int8Weights(q, s, group, qp.scale());
    }
}
