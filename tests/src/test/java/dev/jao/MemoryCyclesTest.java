package dev.jao;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * 100,000 create / forward / close cycles keep native memory flat: a leak of even 1 KiB per
 * cycle would add ~100 MB of resident memory; the test allows 48 MB of drift (JIT, GC).
 * Native Memory Tracking (the tests run with {@code -XX:NativeMemoryTracking=summary}) sees the
 * JVM's own native memory; its "Other" category holds the FFM allocations — every packed
 * buffer a layer owns — and must come back to where it was.
 */
class MemoryCyclesTest {
    private static final Pattern NMT_COMMITTED = Pattern.compile("committed=(\\d+)KB");

    /** committed KiB of NMT's "Total" and "Other" lines, or null when NMT is off. */
    static long[] nmtKb() throws Exception {
        String summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
        long total = -1, other = -1;
        for (String l : summary.lines().toList()) {
            Matcher m = NMT_COMMITTED.matcher(l);
            if (!m.find()) continue;
            if (l.startsWith("Total:")) total = Long.parseLong(m.group(1));
            if (l.strip().startsWith("-") && l.contains("Other (")) other = Long.parseLong(m.group(1));
        }
        return total < 0 || other < 0 ? null : new long[] {total, other};
    }

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
        long[] nmtBefore = nmtKb();
        long t0 = System.nanoTime();
        for (int i = 0; i < 100_000; i++) cycle.run();
        System.gc();
        long after = rssKb();
        long[] nmtAfter = nmtKb();
        assertNotNull(nmtBefore, "run with -XX:NativeMemoryTracking=summary (tests/pom.xml argLine)");
        System.out.printf("memory cycles: 100000 create/forward/close in %.1f s, RSS %d -> %d KiB, NMT committed"
                + " %d -> %d KiB, NMT Other (FFM allocations) %d -> %d KiB%n", (System.nanoTime() - t0) / 1e9, before,
                after, nmtBefore[0], nmtAfter[0], nmtBefore[1], nmtAfter[1]);
        assertTrue(after - before < 48 * 1024, "RSS grew by " + (after - before) + " KiB");
        assertTrue(nmtAfter[1] - nmtBefore[1] < 1024, "FFM allocations grew by " + (nmtAfter[1] - nmtBefore[1]) + " KiB");
    }
}
