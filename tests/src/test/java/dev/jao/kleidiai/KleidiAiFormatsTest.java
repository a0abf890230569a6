package dev.jao.kleidiai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
