package dev.jao.intx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.Quantizer;
import dev.jao.golden.Golden;
import dev.jao.io.SafetensorsFile;
import dev.jao.io.SafetensorsWriter;
import dev.jao.io.TorchaoStateDict;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.nn.QuantizedLinear;
import dev.jao.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torchao's plain tensors in, golden outputs out; and jao's export read back unchanged. */
class TorchaoRoundTripTest {
    @Test
    void goldenIntegersImportedUnderTorchaoNamesGiveTheGoldenOutput(@TempDir Path dir) throws Exception {
        int checked = 0;
        for (Golden.Case c : Golden.cases("3_da8intx")) {
            if (!c.param("model_dtype").equals("float32")) continue;
            Path sd = dir.resolve(c.name() + ".safetensors");
            try (SafetensorsFile g = SafetensorsFile.open(c.file())) {
                SafetensorsWriter w = new SafetensorsWriter()
                        .put("model.proj.weight.qdata", g.tensor("qdata"))
                        .put("model.proj.weight.scale", g.tensor("scale"))
                        .put("model.proj.weight.zero_point", g.tensor("zero_point"));
                if (g.entries().containsKey("bias")) w.put("model.proj.bias", g.tensor("bias"));
                w.write(sd);
                try (SafetensorsFile f = SafetensorsFile.open(sd);
                     QuantizedLinear q = TorchaoStateDict.importLayer(f, "model.proj", Da8IntxGoldenTest.configOf(c))) {
                    Tensor y = q.forward(g.tensor("x_m17"));
                    float[] e = g.tensor("y_m17").toFloatArray(), got = y.toFloatArray();
                    Map<String, Object> tol = c.tolerance("y_m17");
                    double atol = ((Number) tol.get("atol")).doubleValue(), rtol = ((Number) tol.get("rtol")).doubleValue();
                    for (int i = 0; i < e.length; i++) {
                        assertTrue(Math.abs(got[i] - e[i]) <= atol + rtol * Math.abs(e[i]), c + " y[" + i + "]");
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked >= 50, "fp32 cases checked: " + checked);
    }

    @Test
    void exportThenImportIsIdentity(@TempDir Path dir) throws Exception {
        Golden.Case c = Golden.cases("3_da8intx").stream()
                .filter(x -> x.name().equals("da8intx_int4_g32_asymmetric_sbfloat16_bias_float32_n24")).findFirst().orElseThrow();
        try (SafetensorsFile g = SafetensorsFile.open(c.file())) {
            Container model = new Container();
            model.register("proj", new Linear(g.tensor("weight"), g.tensor("bias")));
            model.register("head", new Linear(g.tensor("weight"), null));
            Quantizer.quantize(model, Da8IntxGoldenTest.configOf(c), (m, fqn) -> fqn.equals("proj"));
            QuantizedLinear q = (QuantizedLinear) model.children().get("proj");
            Path out = dir.resolve("export.safetensors");
            TorchaoStateDict.export(model, out);
            try (SafetensorsFile f = SafetensorsFile.open(out)) {
                Map<String, Module> back = TorchaoStateDict.importAll(f);
                assertEquals(2, back.size());
                QuantizedLinear r = (QuantizedLinear) back.get("proj");
                float[] x = g.tensor("x_m3").toFloatArray();
                assertArrayEquals(q.forward(x), r.forward(x));
                assertEquals(q.config(), r.config());
                Da8IntxGoldenTest.assertBitExact(c, "scale", g.tensor("scale"), r.plainTensors().get("scale"));
                r.close();
            }
            q.close();
        }
    }
}
