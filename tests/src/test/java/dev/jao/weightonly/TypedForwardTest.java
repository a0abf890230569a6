package dev.jao.weightonly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.IsaTier;
import dev.jao.Jao;
import dev.jao.Quantizer;
import dev.jao.config.Int4WeightOnlyConfig;
import dev.jao.config.Int8DynamicActivationInt4WeightConfig;
import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.config.QuantConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forward with bf16 / fp16 activations and outputs ({@code forward(Tensor)} of a 16-bit tensor and
 * the typed zero-copy {@code forward}): at every ISA tier, outputs are the float32 forward of the
 * same values rounded to the output dtype, bitwise, except where the bf16 dot-product kernel runs
 * (weight-only, bf16 activations, AVX512_BF16): there within one bf16 rounding of it. Layers with
 * int8 activations (× intN or int8 weights, widened and narrowed natively) are bitwise everywhere.
 */
class TypedForwardTest {
    private static final int N = 70, K = 256;

    private IsaTier before;

    @BeforeEach
    void remember() {
        before = Jao.activeIsa();
    }

    @AfterEach
    void uncap() {
        Jao.capIsa(before);
    }

    @Test
    void weightOnlyBf16ForwardMatchesFloat32AtEveryTier() {
        try (QuantizedLinear q = quantized(Int4WeightOnlyConfig.ofGroupSize(32))) {
            for (int rows : new int[] {1, 3, 4, 9}) {
                Tensor x = randomTensor(rows, DType.BFLOAT16, 11 + rows);
                for (IsaTier tier : Jao.capabilities().supported()) {
                    Jao.capIsa(tier);
                    float[] y = q.forward(x).toFloatArray();
                    float[] want = rounded(q.forward(x.toFloatArray()), DType.BFLOAT16, rows, N).toFloatArray();
                    boolean dot = tier == IsaTier.AVX512_BF16 && rows <= 4;
                    for (int i = 0; i < y.length; i++) {
                        // where the dot kernel runs: one bf16 step (2^16 fp32 ulps) apart, plus fp32 cancellation
                        float tol = dot ? Math.ulp(want[i]) * 65536 + 1e-4f : 0f;
                        assertTrue(Math.abs(y[i] - want[i]) <= tol,
                                tier + " rows " + rows + ": y[" + i + "] = " + y[i] + ", float32 path " + want[i]);
                    }
                }
            }
        }
    }

    @Test
    void int8ActivationTypedForwardIsTheFloat32ForwardBitwiseAtEveryTier() {
        QuantConfig[] configs = {Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4)
                        .weightGranularity(new Granularity.PerGroup(32)).build(),
                Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT8)
                        .weightGranularity(new Granularity.PerAxis(0)).weightMappingType(MappingType.ASYMMETRIC)
                        .build(),
                Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT3)
                        .weightGranularity(new Granularity.PerGroup(64)).weightScaleDtype(DType.BFLOAT16).build(),
                new Int8DynamicActivationInt4WeightConfig(), new Int8DynamicActivationInt8WeightConfig(),
                Int8DynamicActivationInt8WeightConfig.of(MappingType.ASYMMETRIC, new Granularity.PerRow())};
        for (QuantConfig config : configs) {
            try (QuantizedLinear q = quantized(config)) {
                for (IsaTier tier : Jao.capabilities().supported()) {
                    Jao.capIsa(tier);
                    for (int rows : new int[] {1, 2, 3, 4, 5, 9, 70}) {
                        for (DType xType : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
                            String what = config + " " + tier + " rows " + rows + " x " + xType;
                            Tensor x = randomTensor(rows, xType, 17L * rows + xType.ordinal());
                            float[] y32 = q.forward(x.toFloatArray());
                            float[] y = new float[rows * N];
                            q.forward(x.data(), xType, MemorySegment.ofArray(y), DType.FLOAT32, rows);
                            assertArrayEquals(bits(y32), bits(y), what);
                            for (DType yType : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
                                short[] y16 = new short[rows * N];
                                q.forward(x.data(), xType, MemorySegment.ofArray(y16), yType, rows);
                                assertArrayEquals(rounded(y32, yType, rows, N).data().toArray(ValueLayout.JAVA_SHORT),
                                        y16, what + " -> " + yType);
                            }
                            // forward(Tensor) of a 16-bit tensor: the same values in x's dtype
                            assertArrayEquals(rounded(y32, xType, rows, N).data().toArray(ValueLayout.JAVA_SHORT),
                                    q.forward(x).data().toArray(ValueLayout.JAVA_SHORT), what + " (tensor)");
                        }
                    }
                }
            }
        }
    }

    @Test
    void intxTypedForwardPropagatesNonFiniteRows() {
        try (QuantizedLinear q = quantized(Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4).build())) {
            int rows = 3;
            short[] x = randomTensor(rows, DType.BFLOAT16, 8).data().toArray(ValueLayout.JAVA_SHORT);
            x[K + 7] = (short) 0x7fc0;  // row 1: NaN
            for (IsaTier tier : Jao.capabilities().supported()) {
                Jao.capIsa(tier);
                short[] y = new short[rows * N];
                q.forward(MemorySegment.ofArray(x), DType.BFLOAT16, MemorySegment.ofArray(y), DType.FLOAT16, rows);
                float[] yf = Tensor.of(MemorySegment.ofArray(y), DType.FLOAT16, rows, N).toFloatArray();
                for (int i = 0; i < yf.length; i++) {
                    assertEquals(i / N == 1, Float.isNaN(yf[i]), tier + ": y[" + i + "] = " + yf[i]);
                }
            }
        }
    }

    @Test
    void typedOutputsAreTheRoundedFloat32Outputs() {
        QuantConfig[] configs = {Int4WeightOnlyConfig.ofGroupSize(64),
                Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4).build()};
        for (QuantConfig config : configs) {
            try (QuantizedLinear q = quantized(config)) {
                int rows = 5;
                float[] x = randomTensor(rows, DType.FLOAT32, 3).toFloatArray();
                float[] y32 = q.forward(x);
                for (DType out : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
                    short[] y = new short[rows * N];
                    q.forward(MemorySegment.ofArray(x), DType.FLOAT32, MemorySegment.ofArray(y), out, rows);
                    Tensor want = rounded(y32, out, rows, N);
                    assertArrayEquals(want.toFloatArray(), Tensor.of(MemorySegment.ofArray(y), out, rows, N).toFloatArray(),
                            config + " -> " + out);
                }
                // fp16 activations: the float32 forward of the widened values
                Tensor xh = randomTensor(rows, DType.FLOAT16, 4);
                float[] yh = new float[rows * N];
                q.forward(xh.data(), DType.FLOAT16, MemorySegment.ofArray(yh), DType.FLOAT32, rows);
                assertArrayEquals(q.forward(xh.toFloatArray()), yh, config + ": fp16 activations");
            }
        }
    }

    @Test
    void tierReportsTheKernelOfTheActivationDtype() {
        boolean bf16Dot = Jao.capabilities().supported().contains(IsaTier.AVX512_BF16);
        try (QuantizedLinear wo = quantized(Int4WeightOnlyConfig.ofGroupSize(32));
             QuantizedLinear intx = quantized(Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4).build())) {
            for (long rows : new long[] {1, 4, 5, 64}) {
                assertEquals(wo.tier(rows), wo.tier(rows, DType.FLOAT32));
                assertEquals(wo.tier(rows), wo.tier(rows, DType.FLOAT16));
                // the bf16 dot-product GEMV: bf16 activations, any number of rows, AVX512_BF16
                assertEquals(bf16Dot ? IsaTier.AVX512_BF16 : wo.tier(rows), wo.tier(rows, DType.BFLOAT16),
                        "rows " + rows);
                assertEquals(intx.tier(rows), intx.tier(rows, DType.BFLOAT16), "intx widens: same plan");
            }
            assertThrows(IllegalArgumentException.class, () -> wo.tier(1, DType.INT8));
            assertThrows(NullPointerException.class, () -> wo.tier(1, null));
        }
    }

    @Test
    void typedForwardRejectsBadDtypesAndSizes() {
        try (QuantizedLinear q = quantized(Int4WeightOnlyConfig.ofGroupSize(32))) {
            MemorySegment x = MemorySegment.ofArray(new short[K]), y = MemorySegment.ofArray(new short[N]);
            assertThrows(IllegalArgumentException.class, () -> q.forward(x, DType.INT8, y, DType.BFLOAT16, 1));
            assertThrows(IllegalArgumentException.class, () -> q.forward(x, DType.BFLOAT16, y, DType.UINT4, 1));
            assertThrows(NullPointerException.class, () -> q.forward(x, null, y, DType.BFLOAT16, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> q.forward(x, DType.FLOAT32, y, DType.BFLOAT16, 1));
            assertTrue(e.getMessage().contains("FLOAT32"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> q.forward(x, DType.BFLOAT16, y, DType.BFLOAT16, 2));
            assertThrows(IllegalArgumentException.class,
                    () -> q.forward(Tensor.of(MemorySegment.ofArray(new byte[K]), DType.INT8, 1, K)));
        }
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Float.floatToRawIntBits(v[i]);
        return out;
    }

    private static QuantizedLinear quantized(QuantConfig config) {
        SplittableRandom r = new SplittableRandom(5);
        float[] w = new float[N * K], b = new float[N];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * 0.05);
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        Container m = new Container();
        m.register("l", new Linear(Tensor.ofFloats(w, N, K), Tensor.ofFloats(b, N)));
        Quantizer.quantize(m, config);
        return (QuantizedLinear) m.children().get("l");
    }

    private static Tensor randomTensor(int rows, DType dtype, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[rows * K];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * (1 + i % 3));
        return rounded(x, dtype, rows, K);
    }

    /** values rounded to nearest even into a tensor of dtype (torch's {@code .to(dtype)}). */
    private static Tensor rounded(float[] v, DType dtype, long... shape) {
        if (dtype == DType.FLOAT32) return Tensor.ofFloats(v, shape);
        short[] h = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            if (dtype == DType.FLOAT16) {
                h[i] = Float.floatToFloat16(v[i]);
            } else {
                int u = Float.floatToRawIntBits(v[i]);
                h[i] = (short) (Float.isNaN(v[i]) ? (u >>> 16) | 0x40 : (u + 0x7fff + ((u >>> 16) & 1)) >>> 16);
            }
        }
        return Tensor.of(MemorySegment.ofArray(h), dtype, shape);
    }
}
