package dev.jao.internal;

import dev.jao.config.Int4WeightOnlyConfig;
import dev.jao.config.Int8WeightOnlyConfig;
import dev.jao.config.IntxWeightOnlyConfig;
import dev.jao.config.QuantConfig;
import dev.jao.config.UIntXWeightOnlyConfig;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.AffineQuantization;
import dev.jao.quant.AffineSpec;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import dev.jao.quant.ZeroPointDomain;
import dev.jao.tensor.Tensor;
import java.lang.foreign.ValueLayout;

/**
 * The weight-only configs' transforms: quantize the weight exactly as torchao does for the
 * config, then express it as codes + scales + integer zero points or float offsets for the
 * weight-only kernels ({@link WeightOnlyKernel}): signed intN values become codes
 * {@code q + 2^(N-1)} with that center, uintN values are their own codes.
 */
final class WeightOnlyLinearTransform {
    /** torch.finfo(torch.float32).eps, Int8Tensor's and UIntX's scale floor. */
    static final float FP32_EPS = 0x1p-23f;

    private WeightOnlyLinearTransform() {}

    static LinearQuantizers.Result apply(Linear linear, QuantConfig config) {
        long n = linear.outFeatures(), k = linear.inFeatures();
        Tensor w = linear.weight();
        float[] bias = linear.bias() == null ? null : linear.bias().toFloatArray();
        return switch (config) {
            case Int8WeightOnlyConfig c -> {
                Granularity g = c.effectiveGranularity();
                if (g instanceof Granularity.PerGroup(int size) && k % size != 0) {
                    yield skip("group_size " + size + " does not divide in_features " + k);
                }
                Int8Weights q = Int8Weights.quantize(w, g, false);
                yield layer(linear, c, fromSigned(n, k, 8, q.groupSize(), q.qdata(), q.rowScales(), null, bias),
                        DType.FLOAT32);
            }
            case IntxWeightOnlyConfig c -> {
                long group = c.groupSize(k);
                if (k % group != 0) yield skip("group_size " + group + " does not divide in_features " + k);
                IntxLinearTransform.requireFinite(w, "weight");
                DType scaleDtype = c.scaleDtype() == null ? w.dtype() : c.scaleDtype();
                WeightQuantization.Result q = WeightQuantization.quantize(w, group, c.weightDtype(), c.mappingType(),
                        c.intxChooseQParamsAlgorithm(), scaleDtype);
                yield layer(linear, c, fromSigned(n, k, c.weightDtype().bits(), group, q.qdata(), q.scales(),
                        q.zeroPoints(), bias), scaleDtype);
            }
            case UIntXWeightOnlyConfig c -> {
                if (k % c.groupSize() != 0) yield skip("group_size " + c.groupSize() + " does not divide in_features " + k);
                if (c.useHqq()) yield layer(linear, c, hqq(w, c.dtype().bits(), c.groupSize(), bias), w.dtype());
                AffineSpec spec = AffineSpec.of(new long[] {1, c.groupSize()}, c.dtype(), MappingType.ASYMMETRIC)
                        .withEps(FP32_EPS);
                yield layer(linear, c, unsigned(w, spec, c.groupSize(), bias, false), w.dtype());
            }
            case Int4WeightOnlyConfig c -> {
                if (k % c.groupSize() != 0) {
                    yield skip("the shape of weight [" + n + ", " + k + "] is not compatible with group_size "
                            + c.groupSize());
                }
                if (c.useHqq()) yield layer(linear, c, hqq(w, 4, c.groupSize(), bias), w.dtype());
                AffineSpec spec = AffineSpec.of(new long[] {1, c.groupSize()}, DType.UINT4, MappingType.ASYMMETRIC)
                        .withZeroPointDomain(ZeroPointDomain.FLOAT).withPreserveZero(c.effectivePreserveZero())
                        .withEps(1e-6f);
                yield layer(linear, c, unsigned(w, spec, c.groupSize(), bias, true), w.dtype());
            }
            default -> throw new IllegalArgumentException("not a weight-only config: " + config);
        };
    }

    private static LinearQuantizers.Result skip(String why) {
        return new LinearQuantizers.Result(null, why);
    }

    private static LinearQuantizers.Result layer(Linear linear, QuantConfig c, WeightOnlyKernel.Plain plain,
                                                 DType scaleDtype) {
        NativeMemory memory = new NativeMemory("QuantizedLinear[" + plain.n() + "x" + plain.k() + "]");
        try {
            DType storage = scaleDtype == DType.BFLOAT16 ? DType.BFLOAT16 : DType.FLOAT32;
            WeightOnlyKernel kernel = WeightOnlyKernel.pack(memory, plain, storage);
            return new LinearQuantizers.Result(new QuantizedLinear(c, linear.dtype(), kernel, memory), null);
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    /** Signed intN values q in [-2^(N-1), 2^(N-1)) as codes q + 2^(N-1); zero points kept only when one is non-zero. */
    static WeightOnlyKernel.Plain fromSigned(long n, long k, int nbit, long group, byte[] qdata, float[] scales,
                                             byte[] zeroPoints, float[] bias) {
        int center = 1 << (nbit - 1);
        byte[] codes = new byte[qdata.length];
        for (int i = 0; i < codes.length; i++) codes[i] = (byte) (qdata[i] + center);
        int[] zp = null;
        if (zeroPoints != null) {
            boolean any = false;
            for (byte z : zeroPoints) any |= z != 0;
            if (any) {
                zp = new int[zeroPoints.length];
                for (int i = 0; i < zp.length; i++) zp[i] = zeroPoints[i];
            }
        }
        return new WeightOnlyKernel.Plain(n, k, nbit, center, group, codes, scales, zp, null, bias);
    }

    /** HQQ-chosen uintN weights in the FLOAT domain: center 2^(N-1), the zeros as offsets. */
    private static WeightOnlyKernel.Plain hqq(Tensor w, int nbit, long group, float[] bias) {
        IntxLinearTransform.requireFinite(w, "weight");
        HqqQuantization.Result r = HqqQuantization.quantize(w, nbit, group, w.dtype());
        return new WeightOnlyKernel.Plain(w.dim(0), w.dim(1), nbit, 1 << (nbit - 1), group, r.codes(), r.scales(), null,
                r.zeros(), bias);
    }

    /**
     * uintN weights: INT-domain zero points (UIntX), or the tinygemm FLOAT domain where
     * {@code w = (q - mid) * scale + zero} becomes center = mid and the zeros offsets.
     */
    private static WeightOnlyKernel.Plain unsigned(Tensor w, AffineSpec spec, long group, float[] bias,
                                                   boolean floatDomain) {
        IntxLinearTransform.requireFinite(w, "weight");
        long n = w.dim(0), k = w.dim(1);
        AffineQuantization.QParams qp = AffineQuantization.chooseQParams(w, spec);
        byte[] codes = AffineQuantization.quantize(w, spec, qp).data().toArray(ValueLayout.JAVA_BYTE);
        float[] zeros = qp.zeroPoint().toFloatArray();
        int nbit = spec.targetDtype().bits();
        if (floatDomain) {
            int mid = (spec.quantMax() + spec.quantMin() + 1) / 2;
            return new WeightOnlyKernel.Plain(n, k, nbit, mid, group, codes, qp.scale().toFloatArray(), null, zeros, bias);
        }
        int[] zp = new int[zeros.length];
        for (int i = 0; i < zp.length; i++) zp[i] = (int) zeros[i];
        return new WeightOnlyKernel.Plain(n, k, nbit, 0, group, codes, qp.scale().toFloatArray(), zp, null, bias);
    }
}
