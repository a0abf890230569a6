package dev.jao.intx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.Jao;
import dev.jao.Quantizer;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.golden.Golden;
import dev.jao.io.SafetensorsFile;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code 3_da8intx} case made by the real torchao: the quantized weight (qdata,
 * scale, zero_point) must be bit-exact, the outputs within the case's tolerance.
 */
class Da8IntxGoldenTest {
    /** Every case at every ISA tier this machine has (the kernels are chosen per call by the active tier). */
    @TestFactory
    Stream<DynamicContainer> allCasesAtEveryTier() {
        return Golden.atEveryTier(Golden.cases("3_da8intx"), Da8IntxGoldenTest::check);
    }

    static Int8DynamicActivationIntxWeightConfig configOf(Golden.Case c) {
        Granularity gran = Golden.granularity(c, "weight_granularity");
        String sdt = c.param("weight_scale_dtype");
        return Int8DynamicActivationIntxWeightConfig.builder()
                .weightDtype(DType.valueOf(c.param("weight_dtype").toUpperCase(Locale.ROOT)))
                .weightGranularity(gran)
                .weightMappingType(MappingType.valueOf(c.param("weight_mapping_type")))
                .weightScaleDtype(sdt == null || sdt.equals("null") ? null
                        : sdt.equals("bfloat16") ? DType.BFLOAT16 : DType.FLOAT32)
                .intxPackingFormat(IntxPackingFormat.valueOf(c.param("intx_packing_format").toUpperCase(Locale.ROOT)))
                .intxChooseQParamsAlgorithm(IntxChooseQParamsAlgorithm.valueOf(
                        c.param("intx_choose_qparams_algorithm").toUpperCase(Locale.ROOT)))
                .build();
    }

    private static void check(Golden.Case c) throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(c.file())) {
            Tensor bias = f.entries().containsKey("bias") ? f.tensor("bias") : null;
            Container model = new Container();
            model.register("linear", new Linear(f.tensor("weight"), bias));
            Quantizer.quantize(model, configOf(c));
            try (QuantizedLinear q = (QuantizedLinear) model.children().get("linear")) {
                Map<String, Tensor> plain = q.plainTensors();
                boolean hqq = c.param("intx_choose_qparams_algorithm").equals("hqq_scale_only");
                if (hqq) {
                    assertMostlyEqual(c, f.tensor("qdata"), plain.get("qdata"));
                    assertClose(c, "scale", f.tensor("scale"), plain.get("scale"));
                } else {
                    assertBitExact(c, "qdata", f.tensor("qdata"), plain.get("qdata"));
                    assertBitExact(c, "scale", f.tensor("scale"), plain.get("scale"));
                    assertBitExact(c, "zero_point", f.tensor("zero_point"), plain.get("zero_point"));
                }
                // kernels exist for scalar, avx2 and avx512_vnni: the one used is the best not above the cap
                assertTrue(q.tier(17).code() <= Jao.activeIsa().code(), c + ": kernel tier above the cap");
                for (String m : List.of("m1", "m3", "m17")) {
                    Tensor x = f.tensor("x_" + m);
                    Tensor y = q.forward(x);
                    assertClose(c, "y_" + m, f.tensor("y_" + m), y);
                }
            }
        }
    }

    static void assertBitExact(Golden.Case c, String name, Tensor expected, Tensor got) {
        float[] e = expected.toFloatArray(), g = got.toFloatArray();
        assertEquals(e.length, g.length, c + " " + name + " size");
        for (int i = 0; i < e.length; i++) {
            if (Float.floatToIntBits(e[i]) != Float.floatToIntBits(g[i])) {
                throw new AssertionError(c + " " + name + "[" + i + "]: expected " + e[i] + " got " + g[i]);
            }
        }
    }

    private static void assertMostlyEqual(Golden.Case c, Tensor expected, Tensor got) {
        @SuppressWarnings("unchecked")
        Map<String, Object> tol = c.tolerance("qdata");
        double allowed = ((Number) tol.get("max_fraction")).doubleValue();
        int maxDiff = ((Number) tol.get("max_abs_int_diff")).intValue();
        float[] e = expected.toFloatArray(), g = got.toFloatArray();
        long bad = 0;
        for (int i = 0; i < e.length; i++) {
            if (e[i] != g[i]) bad++;
            assertTrue(Math.abs(e[i] - g[i]) <= maxDiff, c + " qdata[" + i + "] differs by more than " + maxDiff);
        }
        assertTrue(bad <= allowed * e.length, c + " qdata: " + bad + " of " + e.length + " differ (allowed " + allowed + ")");
    }

    private static void assertClose(Golden.Case c, String name, Tensor expected, Tensor got) {
        Golden.assertClose(c, name, expected, got);
    }
}
