package dev.jao.weightonly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.Quantizer;
import dev.jao.config.Int4WeightOnlyConfig;
import dev.jao.config.QuantConfig;
import dev.jao.config.UIntXWeightOnlyConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.ZeroPointDomain;
import dev.jao.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * HQQ (use_hqq) has no torchao golden data: check what it promises instead — codes in
 * range, finite FLOAT-domain qparams, a dequantization error no worse than the min/max
 * (affine) choice on heavy-tailed weights, and a forward equal to x · dequant(W)ᵀ.
 */
class HqqWeightOnlyTest {
    private static final int N = 48, K = 256;

    @Test
    void int4HqqBeatsMinMaxAndForwardMatchesItsDequantizedWeight() {
        Tensor w = heavyTailed();
        double affine = dequantError(w, Int4WeightOnlyConfig.ofGroupSize(64));
        double hqq = dequantError(w, new Int4WeightOnlyConfig(64, true, ZeroPointDomain.NONE, null));
        assertTrue(hqq <= affine, "HQQ mean |W - dq| " + hqq + " should not exceed min/max's " + affine);
    }

    @Test
    void uintxHqqCodesStayInRange() {
        Tensor w = heavyTailed();
        for (DType d : new DType[] {DType.UINT2, DType.UINT3, DType.UINT4, DType.UINT8}) {
            double hqq = dequantError(w, new UIntXWeightOnlyConfig(d, 32, -1, true));
            double affine = dequantError(w, new UIntXWeightOnlyConfig(d, 32, -1, false));
            assertTrue(hqq <= affine * 1.05, d + ": HQQ error " + hqq + " vs min/max " + affine);
        }
    }

    /** Mean |W - dequant(W)|, after checking the codes' range and the forward against x · dequant(W)ᵀ. */
    private static double dequantError(Tensor w, QuantConfig config) {
        Container m = new Container();
        m.register("l", new Linear(w, null));
        Quantizer.quantize(m, config);
        try (QuantizedLinear q = (QuantizedLinear) m.children().get("l")) {
            Map<String, Tensor> p = q.plainTensors();
            float[] codes = p.get("qdata").toFloatArray(), s = p.get("scale").toFloatArray();
            float[] zf = p.containsKey("zero_point_float") ? p.get("zero_point_float").toFloatArray() : null;
            float[] zi = p.containsKey("zero_point") ? p.get("zero_point").toFloatArray() : null;
            int groups = Math.toIntExact(p.get("scale").dim(1)), g = K / groups;
            float[] wv = w.toFloatArray(), dq = new float[wv.length];
            double err = 0;
            for (int i = 0; i < wv.length; i++) {
                int grp = (i / K) * groups + (i % K) / g;
                assertTrue(Float.isFinite(s[grp]) && (zf == null || Float.isFinite(zf[grp])), "finite qparams");
                dq[i] = zf != null ? codes[i] * s[grp] + zf[grp] : (codes[i] - (zi == null ? 0 : zi[grp])) * s[grp];
                err += Math.abs(wv[i] - dq[i]);
            }
            float[] x = new float[3 * K];
            SplittableRandom r = new SplittableRandom(7);
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            float[] y = q.forward(x);
            for (int row = 0; row < 3; row++) {
                for (int n = 0; n < N; n++) {
                    double ref = 0, mag = 0;
                    for (int k = 0; k < K; k++) {
                        ref += (double) x[row * K + k] * dq[n * K + k];
                        mag += Math.abs((double) x[row * K + k] * dq[n * K + k]);
                    }
                    assertTrue(Math.abs(y[row * N + n] - ref) <= 1e-5 * mag + 1e-6,
                            config + ": y[" + row + "," + n + "] = " + y[row * N + n] + ", expected " + ref);
                }
            }
            return err / wv.length;
        }
    }

    /** Gaussian weights with a few large outliers per row (where min/max wastes its range). */
    private static Tensor heavyTailed() {
        SplittableRandom r = new SplittableRandom(42);
        float[] w = new float[N * K];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.02);
        for (int n = 0; n < N; n++) w[n * K + r.nextInt(K)] = (float) (r.nextBoolean() ? 0.3 : -0.3);
        return Tensor.ofFloats(w, N, K);
    }
}
