package dev.jao.kleidiai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jao.Quantizer;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.golden.Golden;
import dev.jao.io.KleidiAiFormats;
import dev.jao.io.SafetensorsFile;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * torchao's and ATen's KleidiAI int4 buffers through the public API, against the buffers
 * the real KleidiAI made ({@code golden-kleidiai}): each golden buffer is imported (unpacked
 * and repacked into jao's layout), its plain tensors checked, and exported again from the
 * jao layer: the bytes must be identical.
 */
class KleidiAiFormatsTest {
    /** kai_5: torchao's packed_weights (64-byte header + qsi4c32p), every tile torchao ships. */
    @TestFactory
    Stream<DynamicTest> torchaoPackedWeightsRoundTrip() {
        return Golden.cases(Golden.kleidiAiRoot(), "kai_5_torchao_convention").stream().map(c ->
                DynamicTest.dynamicTest(c.name(), () -> {
                    try (SafetensorsFile f = SafetensorsFile.open(c.file())) {
                        long n = num(c, "n"), k = num(c, "k"), group = num(c, "group_size");
                        Tensor golden = f.tensor("packed_weights");
                        try (QuantizedLinear q = KleidiAiFormats.fromTorchaoPackedWeights(golden, n, k, group,
                                DType.FLOAT32)) {
                            Map<String, Tensor> plain = q.plainTensors();
                            Golden.assertBits(c, "w_q", f.tensor("w_q"), plain.get("qdata"));
                            Golden.assertBits(c, "w_scale_bf16_trunc", f.tensor("w_scale_bf16_trunc"), plain.get("scale"));
                            Tensor again = KleidiAiFormats.torchaoPackedWeights(q, (int) num(c, "nr"), (int) num(c, "kr"),
                                    (int) num(c, "sr"));
                            assertArrayEquals(bytes(golden), bytes(again), c + ": re-exported bytes differ");
                        }
                    }
                }));
    }

    /** kai_1 / kai_2 with ATen's tile (nr 8, kr 16, sr 2): ATen's _dyn_quant_pack_4bit_weight on KleidiAI builds. */
    @TestFactory
    Stream<DynamicTest> atenDynQuant4bitRoundTrip() {
        Stream<Golden.Case> cases = Stream.concat(Golden.cases(Golden.kleidiAiRoot(), "kai_1_rhs_qsi4c32p_bf16").stream(),
                Golden.cases(Golden.kleidiAiRoot(), "kai_2_rhs_qsi4cxp").stream());
        // ATen packs block_size == K channelwise (qsi4cxp), so groupwise cases with one block are not its buffers
        List<Golden.Case> aten = cases.filter(c -> num(c, "nr") == 8 && num(c, "kr") == 16 && num(c, "sr") == 2
                && !(c.params().containsKey("bl") && num(c, "bl") == num(c, "k"))).toList();
        if (aten.isEmpty()) throw new IllegalStateException("no golden case with ATen's tile (8, 16, 2)");
        return aten.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            try (SafetensorsFile f = SafetensorsFile.open(c.file())) {
                long n = num(c, "n"), k = num(c, "k");
                long block = c.params().containsKey("bl") ? num(c, "bl") : k;
                Tensor golden = f.tensor("rhs_packed");
                try (QuantizedLinear q = KleidiAiFormats.fromAtenDynQuant4bit(golden, n, k, block, DType.FLOAT32)) {
                    Map<String, Tensor> plain = q.plainTensors();
                    Golden.assertBits(c, "w_q", f.tensor("w_q"), plain.get("qdata"));
                    float[] e = f.tensor("w_scale").toFloatArray(), g = plain.get("scale").toFloatArray();
                    assertArrayEquals(e, g, c + ": scales");
                    assertArrayEquals(bytes(golden), bytes(KleidiAiFormats.atenDynQuant4bit(q)), c + ": re-exported bytes differ");
                }
            }
        }));
    }

    /**
     * golden 8_dyn_quant_4bit (an x86 torch: ATen's float32 fallback buffer): imported, the
     * layer holds exactly w_int4 / scales / bias, and exporting it gives torch's bytes again.
     */
    @TestFactory
    Stream<DynamicTest> atenDynQuant4bitFallbackReproducesTorch() {
        List<Golden.Case> cases = Golden.cases("8_dyn_quant_4bit");
        if (cases.size() != 7) throw new IllegalStateException("expected 7 golden 8_dyn_quant_4bit cases, got " + cases.size());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            try (SafetensorsFile f = SafetensorsFile.open(c.file())) {
                long n = num(c, "N"), k = num(c, "K"), block = num(c, "block_size");
                Tensor golden = f.tensor("packed_weights");
                try (QuantizedLinear q = KleidiAiFormats.fromAtenDynQuant4bit(golden, n, k, block, DType.FLOAT32)) {
                    Map<String, Tensor> plain = q.plainTensors();
                    Golden.assertBits(c, "w_int4", f.tensor("w_int4"), plain.get("qdata"));
                    assertArrayEquals(f.tensor("scales").toFloatArray(), plain.get("scale").toFloatArray(),
                            c + ": scales");
                    if (Boolean.TRUE.equals(c.params().get("bias"))) {
                        assertArrayEquals(f.tensor("bias").toFloatArray(), plain.get("bias").toFloatArray(), c + ": bias");
                    }
                    Tensor again = KleidiAiFormats.atenDynQuant4bitFallback(q);
                    assertEquals(DType.FLOAT32, again.dtype());
                    assertArrayEquals(bytes(golden), bytes(again), c + ": re-exported bytes differ from torch's");
                }
            }
        }));
    }

    /** A layer quantized by jao survives the fallback buffer both ways, bias or not. */
    @Test
    void atenDynQuant4bitFallbackRoundTripsAQuantizedLayer() {
        for (boolean withBias : new boolean[] {false, true}) {
            Container model = new Container();
            float[] w = new float[24 * 64], b = new float[24];
            for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(0.37 * i);
            for (int i = 0; i < b.length; i++) b[i] = 0.1f * (i - 7);
            model.register("l", new Linear(Tensor.ofFloats(w, 24, 64), withBias ? Tensor.ofFloats(b, 24) : null));
            Quantizer.quantize(model, Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4)
                    .weightMappingType(MappingType.SYMMETRIC).build());
            QuantizedLinear q = (QuantizedLinear) model.children().get("l");
            Tensor packed = KleidiAiFormats.atenDynQuant4bitFallback(q);
            assertEquals(24 * 32 + 24 * 2 + (withBias ? 24 : 0), packed.dim(0));
            try (QuantizedLinear back = KleidiAiFormats.fromAtenDynQuant4bit(packed, 24, 64, 32, DType.FLOAT32)) {
                Map<String, Tensor> a = q.plainTensors(), z = back.plainTensors();
                assertArrayEquals(bytes(a.get("qdata")), bytes(z.get("qdata")));
                assertArrayEquals(a.get("scale").toFloatArray(), z.get("scale").toFloatArray());
                assertEquals(withBias, z.containsKey("bias") && anyNonZero(z.get("bias").toFloatArray()));
                assertArrayEquals(bytes(packed), bytes(KleidiAiFormats.atenDynQuant4bitFallback(back)));
            }
        }
    }

    private static boolean anyNonZero(float[] v) {
        for (float x : v) if (x != 0) return true;
        return false;
    }

    @Test
    void nonInt4LayersAreRejectedWithAReason() {
        Container model = new Container();
        float[] w = new float[64 * 8];
        for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i);
        model.register("l", new Linear(Tensor.ofFloats(w, 8, 64), null));
        Quantizer.quantize(model, Int8DynamicActivationIntxWeightConfig.builder().weightMappingType(MappingType.ASYMMETRIC)
                .weightDtype(DType.INT4).build());
        try (QuantizedLinear q = (QuantizedLinear) model.children().get("l")) {
            assertThrows(IllegalArgumentException.class, () -> KleidiAiFormats.torchaoPackedWeights(q, 8, 16, 2));
        }
    }

    private static long num(Golden.Case c, String key) {
        return ((Number) c.params().get(key)).longValue();
    }

    private static byte[] bytes(Tensor t) {
        return t.data().toArray(ValueLayout.JAVA_BYTE);
    }
}
