package dev.jao.qat;

import dev.jao.internal.Tensors;
import dev.jao.quant.AffineQuantization;
import dev.jao.quant.AffineSpec;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import dev.jao.quant.ZeroPointDomain;
import dev.jao.tensor.Tensor;
import java.util.Objects;

/**
 * torchao's {@code IntxFakeQuantizer}: fake quantization for QAT with torchao's numerics,
 * and the straight-through gradient, so a JVM training framework can run QAT with jao.
 * Per token: asymmetric choose_qparams_affine (fp32 scales, int32 zero points). Per
 * channel / group: symmetric via torchao's get_group_qparams_symmetric; asymmetric via
 * get_groupwise_affine_qparams (FLOAT-domain zero over 0..2^b-1, eps 1e-6) whose zero point is
 * truncated to int32 and applied in the INT domain with the dtype's own range — torchao's
 * behaviour, reproduced literally. Qparams of the last forward are kept ({@link #scale()}).
 * Not thread-safe (like a torch module): use one per thread or synchronize.
 */
public final class IntxFakeQuantizer {
    private final IntxFakeQuantizeConfig config;
    private AffineQuantization.QParams qparams;
    private AffineSpec spec;

    /**
     * A fake quantizer for {@code config}.
     *
     * @param config the fake quantization to apply, not null
     * @throws UnsupportedOperationException for a zero-point domain other than INT, range learning, or
     *     symmetric per-token quantization
     */
    public IntxFakeQuantizer(IntxFakeQuantizeConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        if (config.zeroPointDomain() != ZeroPointDomain.INT) {
            throw new UnsupportedOperationException("zero_point_domain " + config.zeroPointDomain()
                    + " is not supported by jao's fake quantizer (INT only)");
        }
        if (config.rangeLearning()) throw new UnsupportedOperationException("range_learning is not supported");
        if (config.granularity() instanceof Granularity.PerToken && config.isSymmetric()) {
            throw new UnsupportedOperationException("Symmetric per token is not supported yet");
        }
    }

    /**
     * The fake-quantized {@code x} (same dtype and shape).
     *
     * @param x a FLOAT32, BFLOAT16 or FLOAT16 tensor: any rank per token (rows along the last axis),
     *     2-D {@code [N, K]} per channel / group
     * @return a new tensor {@code dequantize(quantize(x))}, x's dtype and shape; the qparams are recomputed
     *     unless the config is static and a forward already ran
     */
    public Tensor forward(Tensor x) {
        prepare(x);
        Tensor q = AffineQuantization.quantize(x, spec, qparams);
        return AffineQuantization.dequantize(q, spec, qparams, x.dtype());
    }

    /**
     * The gradient with respect to {@code x} of {@link #forward} for upstream {@code gradY} (x's dtype).
     *
     * @param x the input of the forward pass
     * @param gradY the gradient with respect to the forward's output, x's shape, any floating dtype
     * @return the straight-through gradient: {@code gradY} where x's quantized value is in range, 0 elsewhere
     */
    public Tensor backward(Tensor x, Tensor gradY) {
        if (config.isDynamic() || qparams == null) prepare(x);
        return AffineQuantization.fakeQuantizeBackward(x, spec, qparams, gradY);
    }

    /** {@return the scales of the last forward (FLOAT32 unless scale_precision says otherwise), or null before the first} */
    public Tensor scale() {
        return qparams == null ? null : qparams.scale();
    }

    /** {@return the zero points of the last forward (integers, as FLOAT32 values), or null before the first} */
    public Tensor zeroPoint() {
        return qparams == null ? null : qparams.zeroPoint();
    }

    private void prepare(Tensor x) {
        Objects.requireNonNull(x, "x");
        if (!config.isDynamic() && qparams != null) return;
        DType d = config.dtype();
        long[] shape = x.shape();
        if (config.granularity() instanceof Granularity.PerToken) {
            long[] block = new long[shape.length];
            java.util.Arrays.fill(block, 1);
            block[shape.length - 1] = shape[shape.length - 1];
            spec = AffineSpec.of(block, d, MappingType.ASYMMETRIC).withEps(eps(Float.MIN_NORMAL))
                    .withScaleDtype(config.scalePrecision());
            qparams = AffineQuantization.chooseQParams(x, spec);
            return;
        }
        if (x.rank() != 2) throw new IllegalArgumentException("per-channel/group fake quantization needs a 2-D tensor, got " + x);
        long group = config.granularity() instanceof Granularity.PerGroup(int g) ? g : shape[1];
        if (group <= 1 || shape[1] % group != 0) {
            throw new IllegalArgumentException("group size " + group + " must be > 1 and divide " + shape[1]);
        }
        long[] block = {1, group};
        spec = AffineSpec.of(block, d, MappingType.SYMMETRIC);  // the fake quantize itself: dtype's range, INT domain
        if (config.isSymmetric()) {
            int bits = d.bits();
            AffineSpec choose = AffineSpec.of(block, DType.intOfBits(bits), MappingType.SYMMETRIC)
                    .withEps(eps(Float.MIN_NORMAL)).withScaleDtype(config.scalePrecision());
            qparams = AffineQuantization.chooseQParams(x, choose);
        } else {
            int bits = d.bits();
            AffineSpec choose = AffineSpec.of(block, DType.values()[DType.UINT1.ordinal() + bits - 1], MappingType.ASYMMETRIC)
                    .withZeroPointDomain(ZeroPointDomain.FLOAT).withPreserveZero(false).withEps(eps(1e-6f))
                    .withScaleDtype(config.scalePrecision());
            AffineQuantization.QParams tinygemm = AffineQuantization.chooseQParams(x, choose);
            float[] zp = tinygemm.zeroPoint().toFloatArray();
            for (int i = 0; i < zp.length; i++) zp[i] = (int) zp[i];  // torch .to(int32) truncates
            qparams = new AffineQuantization.QParams(tinygemm.scale(), Tensors.fromFloats(zp, DType.FLOAT32,
                    tinygemm.zeroPoint().shape()));
        }
    }

    private float eps(float torchaoDefault) {
        return config.eps() == null ? torchaoDefault : config.eps();
    }
}
