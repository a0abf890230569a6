package dev.jao.bench;

import dev.jao.Quantizer;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Java-side cost of {@link QuantizedLinear#forward}: the same shapes and rows as the native
 * bench ({@code native/bench/jao_bench_intx}), called through the API with heap arrays and
 * with native segments, cycling through enough copies of the layer ({@code layers}) that the
 * weights stream from DRAM as in the native bench. The difference to the native median is the
 * FFM + validation overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class IntxForwardBench {
    /** Weight format: int4 PerGroup(32) with bf16 scales, or int8 PerAxis(0). */
    @Param({"int4_g32_bf16", "int8_per_channel"})
    public String format;

    /** Rows (tokens) per call. */
    @Param({"1"})
    public int rows;

    /** K = N of the square layer. */
    @Param({"4096"})
    public int features;

    /** Copies of the layer cycled through (24 x 9.4 MB int4 exceeds the L3 share of this machine). */
    @Param({"24"})
    public int layers;

    private QuantizedLinear[] copies;
    private int next;
    private float[] xHeap, yHeap;
    private Arena arena;
    private MemorySegment xNative, yNative;

    /** Quantizes a random layer and allocates inputs. */
    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(42);
        float[] w = new float[features * features];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextDouble() * 2 - 1);
        Linear linear = new Linear(Tensor.ofFloats(w, features, features), null);
        var b = Int8DynamicActivationIntxWeightConfig.builder().intxPackingFormat(IntxPackingFormat.OPAQUE_TORCHAO_AUTO);
        var config = format.startsWith("int4")
                ? b.weightDtype(DType.INT4).weightGranularity(new Granularity.PerGroup(32)).weightScaleDtype(DType.BFLOAT16).build()
                : b.weightDtype(DType.INT8).weightGranularity(new Granularity.PerAxis(0)).build();
        copies = new QuantizedLinear[layers];
        for (int i = 0; i < layers; i++) {
            Container model = new Container();
            model.register("linear", linear);
            Quantizer.quantize(model, config);
            copies[i] = (QuantizedLinear) model.children().get("linear");
        }
        xHeap = new float[rows * features];
        for (int i = 0; i < xHeap.length; i++) xHeap[i] = (float) rng.nextGaussian();
        yHeap = new float[rows * features];
        arena = Arena.ofShared();
        xNative = arena.allocateFrom(ValueLayout.JAVA_FLOAT, xHeap);
        yNative = arena.allocate(ValueLayout.JAVA_FLOAT, (long) rows * features);
    }

    /** Frees the layer and buffers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (QuantizedLinear q : copies) q.close();
        arena.close();
    }

    /** Heap arrays through the critical downcall (no copies). */
    @Benchmark
    public float[] heapSegments() {
        copies[next++ % layers].forward(MemorySegment.ofArray(xHeap), MemorySegment.ofArray(yHeap), rows);
        return yHeap;
    }

    /** Native segments. */
    @Benchmark
    public MemorySegment nativeSegments() {
        copies[next++ % layers].forward(xNative, yNative, rows);
        return yNative;
    }
}
