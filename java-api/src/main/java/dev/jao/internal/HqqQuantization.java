package dev.jao.internal;

import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;

/**
 * torchao's {@code choose_qparams_and_quantize_affine_hqq} (axis 1, optimize=True, the
 * affine-converted output), as {@code Int4WeightOnlyConfig(use_hqq=True)} and
 * {@code UIntXWeightOnlyConfig(use_hqq=True)} use it: per group of the rows, min/max
 * init of {@code scale = (2^b - 1) / (max - min)} (clamped to 2e4) and
 * {@code zero = -min * scale} (rounded for 4 bits), then up to 20 steps of the proximal
 * solver of HQQ (lp norm 0.7, beta 10 growing by 1.01 per step, stopping when the mean
 * absolute error over the whole tensor stops decreasing) updating the zeros, all in fp32.
 * The result is in the tinygemm FLOAT domain: {@code w = (q - 2^(b-1)) * scale + zero}.
 */
final class HqqQuantization {
    private static final float LP_NORM = 0.7f, SCALE_CAP = 2e4f;
    private static final double BETA0 = 10, KAPPA = 1.01;  // Python floats in torchao
    private static final int ITERS = 20;

    private HqqQuantization() {}

    /**
     * Quantized uintN weight in the FLOAT domain.
     *
     * @param codes [N, K] values in [0, 2^nbit)
     * @param scales [N, K/group] in the output dtype
     * @param zeros [N, K/group] FLOAT-domain zero points in the output dtype
     */
    record Result(byte[] codes, float[] scales, float[] zeros) {}

    /** Quantizes weight [N, K] with groups of {@code group} along K; scales and zeros are rounded to {@code outDtype}. */
    static Result quantize(Tensor weight, int nbit, long group, DType outDtype) {
        float[] w = weight.toFloatArray();
        int groups = Math.toIntExact(w.length / group), g = Math.toIntExact(group);
        float maxV = (1 << nbit) - 1;
        float[] scale = new float[groups], zero = new float[groups];
        for (int i = 0; i < groups; i++) {
            float mn = Float.POSITIVE_INFINITY, mx = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < g; j++) {
                mn = Math.min(mn, w[i * g + j]);
                mx = Math.max(mx, w[i * g + j]);
            }
            float s = maxV / (mx - mn);
            scale[i] = Float.isNaN(s) || s > SCALE_CAP ? SCALE_CAP : s;  // torch clamp(max=) keeps NaN; mx == mn gives inf
            zero[i] = -mn * scale[i];
            if (nbit == 4) zero[i] = (float) Math.rint(zero[i]);
        }
        optimizeZeros(w, g, scale, zero, maxV);
        byte[] codes = new byte[w.length];
        for (int i = 0; i < w.length; i++) codes[i] = (byte) quantize(w[i], scale[i / g], zero[i / g], maxV);
        float mid = (maxV + 1) / 2;  // (quant_max + quant_min + 1) / 2 with quant_min = 0
        float[] outScale = new float[groups], outZero = new float[groups];
        for (int i = 0; i < groups; i++) {
            float inv = 1.0f / scale[i];
            outScale[i] = round(inv, outDtype);
            outZero[i] = round((mid - zero[i]) * inv, outDtype);
        }
        return new Result(codes, outScale, outZero);
    }

    /** The proximal solver of HQQ ("legacy" variant): updates the zeros in place. */
    private static void optimizeZeros(float[] w, int g, float[] scale, float[] zero, float maxV) {
        double beta = BETA0;
        float best = 1e4f;
        for (int it = 0; it < ITERS; it++) {
            double absErr = 0;
            for (int i = 0; i < zero.length; i++) {
                float s = scale[i], z = zero[i];
                double acc = 0;
                for (int j = 0; j < g; j++) {
                    float x = w[i * g + j];
                    float q = quantize(x, s, z, maxV);
                    float r = (q - z) / s;
                    float e = shrink(x - r, (float) (1.0 / beta));
                    absErr += Math.abs(x - r);
                    acc += q - (x - e) * s;
                }
                zero[i] = (float) (acc / g);
            }
            beta *= KAPPA;
            float err = (float) (absErr / w.length);
            if (err < best) {
                best = err;
            } else {
                break;
            }
        }
    }

    private static float quantize(float x, float s, float z, float maxV) {
        float q = (float) Math.rint(x * s + z);
        return Math.min(Math.max(q, 0f), maxV);
    }

    /** Proximal operator of the lp norm: sign(x) * relu(|x| - |x|^(p-1) / beta). */
    private static float shrink(float x, float invBeta) {
        float a = Math.abs(x);
        float v = a - invBeta * (float) Math.pow(a, LP_NORM - 1);
        return v > 0 ? Math.copySign(v, x) : 0f;
    }

    private static float round(float v, DType dtype) {
        return switch (dtype) {
            case BFLOAT16 -> Tensors.roundBf16(v);
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            default -> v;
        };
    }
}
