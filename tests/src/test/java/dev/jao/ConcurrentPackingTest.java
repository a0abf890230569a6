package dev.jao;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jao.config.Int4WeightOnlyConfig;
import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.config.Int8WeightOnlyConfig;
import dev.jao.config.QuantConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Packing (quantize) and forward from 32 threads at once, for every kernel family: each
 * thread's packed bytes and outputs equal the single-threaded ones, and the run ends in
 * bounded time (no deadlock).
 */
class ConcurrentPackingTest {
    private static final int THREADS = 32, ROUNDS = 10;

    @Test
    void thirtyTwoThreadsPackAndRunEveryFamilyIdentically() throws Exception {
        SplittableRandom rng = new SplittableRandom(32);
        long n = 48, k = 128;
        float[] w = new float[(int) (n * k)], b = new float[(int) n], x = new float[(int) (3 * k)];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        Linear linear = new Linear(Tensor.ofFloats(w, n, k), Tensor.ofFloats(b, n));
        List<QuantConfig> families = List.of(
                Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4).build(),
                new Int8DynamicActivationInt8WeightConfig(), new Int8WeightOnlyConfig(), Int4WeightOnlyConfig.ofGroupSize(32));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (QuantConfig config : families) {
                byte[] packed;
                float[] y;
                try (QuantizedLinear q = quantize(linear, config)) {
                    packed = q.packed().toArray(ValueLayout.JAVA_BYTE);
                    y = q.forward(x);
                }
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int r = 0; r < ROUNDS; r++) {
                            try (QuantizedLinear q = quantize(linear, config)) {
                                assertArrayEquals(packed, q.packed().toArray(ValueLayout.JAVA_BYTE), config.toString());
                                assertArrayEquals(y, q.forward(x), config.toString());
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static QuantizedLinear quantize(Linear linear, QuantConfig config) {
        Container c = new Container();
        c.register("l", linear);
        Quantizer.quantize(c, config);
        return (QuantizedLinear) c.children().get("l");
    }
}
