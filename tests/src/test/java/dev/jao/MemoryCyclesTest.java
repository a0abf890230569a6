package dev.jao;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * 100,000 create / forward / close cycles keep native memory flat: a leak of even 1 KiB per
 * cycle would add ~100 MB of resident memory; the test allows 48 MB of drift (JIT, GC).
 */
class MemoryCyclesTest {
    static long rssKb() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("\\D", ""));
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    void createForwardCloseHundredThousandTimes() throws Exception {
        float[] w = new float[16 * 32];
        for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i);
        Linear linear = new Linear(Tensor.ofFloats(w, 16, 32), Tensor.ofFloats(new float[16], 16));
        var config = Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4).build();
        float[] x = new float[32];
        Runnable cycle = () -> {
            Container c = new Container();
            c.register("l", linear);
            Quantizer.quantize(c, config);
            try (QuantizedLinear q = (QuantizedLinear) c.children().get("l")) {
                q.forward(x);
            }
        };
        for (int i = 0; i < 100_000; i++) cycle.run();  // warm-up: JIT, malloc arenas, thread pools
        System.gc();
        long before = rssKb();
        long t0 = System.nanoTime();
        for (int i = 0; i < 100_000; i++) cycle.run();
        System.gc();
        long after = rssKb();
        System.out.printf("memory cycles: 100000 create/forward/close in %.1f s, RSS %d -> %d KiB%n",
                (System.nanoTime() - t0) / 1e9, before, after);
        assertTrue(after - before < 48 * 1024, "RSS grew by " + (after - before) + " KiB");
    }
}
