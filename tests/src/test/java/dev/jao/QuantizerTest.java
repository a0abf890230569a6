package dev.jao;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.config.FqnToConfig;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.config.QuantConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** quantize(model, config, filter), per-FQN configs, lifetimes, threads, bad inputs. */
class QuantizerTest {
    static Linear linear(SplittableRandom rng, int out, int in, boolean bias) {
        float[] w = new float[out * in];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextDouble() * 2 - 1);
        float[] b = new float[out];
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextDouble();
        return new Linear(Tensor.ofFloats(w, out, in), bias ? Tensor.ofFloats(b, out) : null);
    }

    static Module model() {
        SplittableRandom rng = new SplittableRandom(1);
        Container root = new Container();
        Container layer = new Container();
        layer.register("q_proj", linear(rng, 32, 64, true));
        layer.register("up_proj", linear(rng, 48, 64, false));
        root.register("layers", new Container().register("0", layer));
        root.register("lm_head", linear(rng, 16, 64, false));
        return root;
    }

    static float[] input(int rows, int k) {
        SplittableRandom rng = new SplittableRandom(2);
        float[] x = new float[rows * k];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 4 - 2);
        return x;
    }

    @Test
    void quantizesEveryLinearWithTheDefaultFilter() {
        Module m = model();
        QuantizationReport r = Quantizer.quantize(m, new Int8DynamicActivationIntxWeightConfig());
        assertEquals(3, r.quantizedCount());
        assertEquals(List.of("layers.0.q_proj", "layers.0.up_proj", "lm_head"),
                r.layers().stream().map(QuantizationReport.Layer::fqn).toList());
        for (var l : r.layers()) assertTrue(l.bytesAfter() > 0 && l.bytesAfter() < l.bytesBefore(), l.toString());
        assertInstanceOf(QuantizedLinear.class, m.namedModules().get("lm_head"));
        Quantizer.quantize(m, new Int8DynamicActivationIntxWeightConfig());  // already quantized: nothing to do
        closeAll(m);
    }

    @Test
    void filterAndFqnConfigsChooseLayers() {
        Module m = model();
        Map<String, QuantConfig> byName = new LinkedHashMap<>();
        var int4 = Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4).build();
        byName.put("lm_head", null);
        byName.put("re:layers\\.\\d+\\.q_.*", int4);
        byName.put(FqnToConfig.DEFAULT_KEY, new Int8DynamicActivationIntxWeightConfig());
        QuantizationReport r = Quantizer.quantize(m, new FqnToConfig(byName), Quantizer.DEFAULT_FILTER);
        assertEquals(2, r.quantizedCount());
        QuantizedLinear q = (QuantizedLinear) m.namedModules().get("layers.0.q_proj");
        assertEquals(int4, q.config());
        assertInstanceOf(Linear.class, m.namedModules().get("lm_head"));
        assertFalse(r.layers().get(2).quantized());
        closeAll(m);

        Module m2 = model();
        Quantizer.quantize(m2, new Int8DynamicActivationIntxWeightConfig(), (mod, fqn) -> fqn.endsWith("up_proj"));
        assertInstanceOf(Linear.class, m2.namedModules().get("layers.0.q_proj"));
        assertInstanceOf(QuantizedLinear.class, m2.namedModules().get("layers.0.up_proj"));
        closeAll(m2);
        assertThrows(IllegalArgumentException.class, () -> new FqnToConfig(Map.of("re:[", int4)));
    }

    @Test
    void badShapesAreRejectedBeforeAnyChange() {
        Module m = model();
        var g48 = Int8DynamicActivationIntxWeightConfig.builder().weightGranularity(new Granularity.PerGroup(48)).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantizer.quantize(m, g48));
        assertEquals("group_size 48 must divide in_features 64", e.getMessage());
        assertInstanceOf(Linear.class, m.namedModules().get("layers.0.q_proj"));
    }

    @Test
    void forwardValidatesInputsAndCloseIsFinal() {
        Module m = model();
        Quantizer.quantize(m, new Int8DynamicActivationIntxWeightConfig());
        QuantizedLinear q = (QuantizedLinear) m.namedModules().get("layers.0.q_proj");
        assertThrows(IllegalArgumentException.class, () -> q.forward(new float[63]));
        assertThrows(IllegalArgumentException.class, () -> q.forward(new float[0]));
        assertThrows(NullPointerException.class, () -> q.forward((float[]) null));
        assertThrows(IllegalArgumentException.class,
                () -> q.forward(MemorySegment.ofArray(new float[64]), MemorySegment.ofArray(new float[31]), 1));
        assertThrows(IllegalArgumentException.class,
                () -> q.forward(MemorySegment.ofArray(new float[64]), MemorySegment.ofArray(new float[32]), 0));
        assertThrows(IllegalArgumentException.class, () -> q.forward(MemorySegment.ofArray(new float[64]),
                MemorySegment.ofArray(new float[32]).asReadOnly(), 1));
        assertThrows(IllegalArgumentException.class,
                () -> q.forward(Tensor.of(MemorySegment.ofArray(new byte[64]), DType.INT8, 1, 64)));
        float[] heap = q.forward(input(3, 64));
        try (Arena arena = Arena.ofConfined()) {  // native segments give the same result as heap arrays
            MemorySegment x = arena.allocateFrom(ValueLayout.JAVA_FLOAT, input(3, 64));
            MemorySegment y = arena.allocate(ValueLayout.JAVA_FLOAT, 3 * 32);
            q.forward(x, y, 3);
            assertArrayEquals(heap, y.toArray(ValueLayout.JAVA_FLOAT));
        }
        q.close();
        q.close();
        assertTrue(q.isClosed());
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> q.forward(input(1, 64)));
        assertTrue(closed.getMessage().contains("closed"));
        closeAll(m);
    }

    @Test
    void concurrentForwardsMatchTheSingleThreadedResultAndCloseWaits() throws Exception {
        Module m = model();
        Quantizer.quantize(m, Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4).build());
        QuantizedLinear q = (QuantizedLinear) m.namedModules().get("layers.0.up_proj");
        float[] x = input(5, 64);
        float[] expected = q.forward(x);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 1000; i++) assertArrayEquals(expected, q.forward(x));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get(120, TimeUnit.SECONDS);
            // close racing with forwards: every forward either completes correctly or sees "closed"
            List<Future<?>> racing = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                racing.add(pool.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        try {
                            assertArrayEquals(expected, q.forward(x));
                        } catch (IllegalStateException closed) {
                            return null;
                        }
                    }
                    return null;
                }));
            }
            q.close();
            for (Future<?> f : racing) f.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        closeAll(m);
    }

    /** Thread-count changes while 8 threads run forwards: outputs stay identical for every kernel family. */
    @Test
    void threadCountChangesMidRunKeepResults() throws Exception {
        List<dev.jao.config.QuantConfig> configs = List.of(
                Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4).build(),
                new dev.jao.config.Int8DynamicActivationInt8WeightConfig(), new dev.jao.config.Int8WeightOnlyConfig(),
                dev.jao.config.Int4WeightOnlyConfig.ofGroupSize(32));
        int before = Jao.threads();
        ExecutorService pool = Executors.newFixedThreadPool(9);
        try {
            for (dev.jao.config.QuantConfig config : configs) {
                Module m = model();
                Quantizer.quantize(m, config);
                QuantizedLinear q = (QuantizedLinear) m.namedModules().get("layers.0.up_proj");
                float[] x = input(9, 64);
                Jao.setThreads(1);
                float[] expected = q.forward(x);
                java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
                Future<?> toggler = pool.submit(() -> {
                    for (int i = 0; !done.get(); i++) Jao.setThreads(1 + i % 4);
                    return null;
                });
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    workers.add(pool.submit(() -> {
                        for (int i = 0; i < 300; i++) assertArrayEquals(expected, q.forward(x), config.torchaoName());
                        return null;
                    }));
                }
                try {
                    for (Future<?> f : workers) f.get(120, TimeUnit.SECONDS);
                } finally {
                    done.set(true);
                    toggler.get(30, TimeUnit.SECONDS);
                }
                closeAll(m);
            }
        } finally {
            pool.shutdownNow();
            Jao.setThreads(before);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Module m = model();
        Quantizer.quantize(m, new Int8DynamicActivationIntxWeightConfig());
        QuantizedLinear q = (QuantizedLinear) m.namedModules().get("layers.0.up_proj");
        float[] x = input(17, 64);
        int before = Jao.threads();
        try {
            Jao.setThreads(1);
            float[] one = q.forward(x);
            Jao.setThreads(2);
            assertArrayEquals(one, q.forward(x));
        } finally {
            Jao.setThreads(before);
        }
        closeAll(m);
    }

    @Test
    void nonFiniteWeightsAreRejectedAndNonFiniteActivationsPropagate() {
        SplittableRandom rng = new SplittableRandom(9);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            Linear l = linear(rng, 16, 64, false);
            l.weight().data().setAtIndex(ValueLayout.JAVA_FLOAT, 70, bad);
            Container c = new Container();
            c.register("l", l);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Quantizer.quantize(c, new Int8DynamicActivationIntxWeightConfig()));
            assertTrue(e.getMessage().contains("non-finite value " + bad + " at [1, 6]"), e.getMessage());
        }
        Module m = model();
        Quantizer.quantize(m, new Int8DynamicActivationIntxWeightConfig());
        QuantizedLinear q = (QuantizedLinear) m.namedModules().get("layers.0.q_proj");
        float[] x = input(3, 64);
        float[] clean = q.forward(x);
        x[64 + 5] = Float.NaN;  // row 1 only
        float[] y = q.forward(x);
        for (int j = 0; j < 32; j++) {
            assertEquals(clean[j], y[j], "rows without NaN are unaffected");
            assertTrue(Float.isNaN(y[32 + j]), "NaN propagates to its row's outputs");
            assertEquals(clean[64 + j], y[64 + j]);
        }
        closeAll(m);
    }

    static void closeAll(Module m) {
        m.namedModules().values().stream().filter(QuantizedLinear.class::isInstance)
                .forEach(x -> ((QuantizedLinear) x).close());
    }
}
