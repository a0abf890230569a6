package dev.jao.qat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.QuantizationReport;
import dev.jao.Quantizer;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** prepare → (train) → convert: the converted layers compute what the fake-quantized ones did. */
class QatFlowTest {
    @Test
    void convertedModelMatchesTheFakeQuantizedForward() {
        SplittableRandom rng = new SplittableRandom(4);
        Container model = new Container();
        for (String name : new String[] {"up", "down"}) {
            float[] w = new float[48 * 128], b = new float[48];
            for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian() * 0.1f;
            for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
            model.register(name, new Linear(Tensor.ofFloats(w, 48, 128), Tensor.ofFloats(b, 48)));
        }
        var act = IntxFakeQuantizeConfig.of(DType.INT8, "per_token", null, null, false);
        var weight = IntxFakeQuantizeConfig.of(DType.INT4, null, null, 32, null);
        assertEquals(2, Qat.prepare(model, act, weight, Quantizer.DEFAULT_FILTER));
        FakeQuantizedLinear fq = (FakeQuantizedLinear) model.children().get("up");
        float[] xs = new float[5 * 128];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) rng.nextGaussian();
        Tensor x = Tensor.ofFloats(xs, 5, 128);
        float[] expected = fq.forward(x).toFloatArray();

        QuantizationReport report = Qat.convert(model);
        assertEquals(2, report.quantizedCount());
        QuantizedLinear q = assertInstanceOf(QuantizedLinear.class, model.children().get("up"));
        assertEquals(Qat.matchingConfig(act, weight), q.config());
        float[] got = q.forward(xs);
        double max = 0;
        for (float v : expected) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < got.length; i++) {
            assertTrue(Math.abs(got[i] - expected[i]) <= 1e-5 * max, "y[" + i + "]: " + got[i] + " vs " + expected[i]);
        }
        model.children().values().forEach(m -> ((QuantizedLinear) m).close());
        assertThrows(IllegalArgumentException.class,
                () -> Qat.matchingConfig(IntxFakeQuantizeConfig.of(DType.INT4, "per_token", null, null, false), weight));
    }
}
