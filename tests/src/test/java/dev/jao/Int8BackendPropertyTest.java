package dev.jao;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.config.QuantConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@value Int8DynamicActivationInt8WeightConfig#BACKEND_PROPERTY}: both integer matmuls
 * (oneDNN's and jao's) give the same outputs bit for bit, and a bad value is rejected. On an x86 CPU
 * without VNNI, oneDNN's s8 matmul sums u8 x s8 pairs in saturating int16, so asking for it must be
 * refused with a clear message instead.
 */
class Int8BackendPropertyTest {
    private static final String PROPERTY = Int8DynamicActivationInt8WeightConfig.BACKEND_PROPERTY;

    @AfterEach
    void clearProperty() {
        System.clearProperty(PROPERTY);
    }

    @Test
    void bothBackendsGiveIdenticalOutputs() {
        if (!oneDnnIsOfferedHere()) {
            abort("NOT RUN: oneDNN's int8 matmul is refused on this CPU (no VNNI), so there is no second backend");
        }
        SplittableRandom rng = new SplittableRandom(7);
        long n = 40, k = 72;
        float[] w = new float[(int) (n * k)], b = new float[(int) n];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
        for (QuantConfig config : new QuantConfig[] {new Int8DynamicActivationInt8WeightConfig(),
                Int8DynamicActivationInt8WeightConfig.of(MappingType.ASYMMETRIC, new Granularity.PerTensor())}) {
            for (int m : new int[] {1, 5, 33}) {
                float[] x = new float[(int) (m * k)];
                for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextGaussian() * 3);
                float[] viaOneDnn = forward(config, "onednn", "(oneDNN)", w, b, n, k, x);
                float[] viaJao = forward(config, "jao", "(jao)", w, b, n, k, x);
                assertArrayEquals(viaOneDnn, viaJao, config + " m=" + m);
            }
        }
    }

    @Test
    void badValueIsRejectedWithTheChoices() {
        System.setProperty(PROPERTY, "mkl");
        Container model = new Container();
        model.register("fc", new Linear(Tensor.ofFloats(new float[32 * 32], 32, 32), null));
        var e = assertThrows(IllegalArgumentException.class,
                () -> Quantizer.quantize(model, new Int8DynamicActivationInt8WeightConfig()));
        assertTrue(e.getMessage().contains("expected auto, onednn or jao"), e.getMessage());
    }

    /** Whether the oneDNN backend packs here; if not, the refusal must say why and what to use instead. */
    private static boolean oneDnnIsOfferedHere() {
        System.setProperty(PROPERTY, "onednn");
        Container model = new Container();
        model.register("fc", new Linear(Tensor.ofFloats(new float[32 * 32], 32, 32), null));
        try {
            Quantizer.quantize(model, new Int8DynamicActivationInt8WeightConfig());
            ((QuantizedLinear) model.children().get("fc")).close();
            return true;
        } catch (JaoException e) {
            assertEquals(NativeStatus.UNSUPPORTED, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains("not exact on this CPU") && e.getMessage().contains("JAO_INT8_BACKEND_JAO"),
                    e.getMessage());
            return false;
        } finally {
            System.clearProperty(PROPERTY);
        }
    }

    private static float[] forward(QuantConfig config, String backend, String layoutMark, float[] w, float[] b,
                                   long n, long k, float[] x) {
        System.setProperty(PROPERTY, backend);
        Container model = new Container();
        model.register("fc", new Linear(Tensor.ofFloats(w, n, k), Tensor.ofFloats(b, n)));
        Quantizer.quantize(model, config);
        try (QuantizedLinear q = (QuantizedLinear) model.children().get("fc")) {
            assertTrue(q.layout().contains(layoutMark), q.layout());
            return q.forward(x);
        }
    }
}
