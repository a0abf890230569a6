package dev.jao.weightonly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.Jao;
import dev.jao.Quantizer;
import dev.jao.config.Int4WeightOnlyConfig;
import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.config.Int8WeightOnlyConfig;
import dev.jao.config.IntxWeightOnlyConfig;
import dev.jao.config.QuantConfig;
import dev.jao.golden.Golden;
import dev.jao.io.SafetensorsFile;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code 4_int4wo}, {@code 5_int8} and {@code 6_intxwo} case made by the real torchao,
 * through the public API at every ISA tier: quantized tensors bit-exact, outputs within the
 * case's tolerance, and the Int8DynamicActivationInt8Weight outputs bit-exact, fp32 and bf16 models
 * (torchao's activation quantization, integer matmul and float epilogue are reproduced exactly).
 */
class WeightOnlyGoldenTest {
    @TestFactory
    Stream<DynamicContainer> int4WeightOnly() {
        return Golden.atEveryTier(Golden.cases("4_int4wo"), WeightOnlyGoldenTest::check);
    }

    @TestFactory
    Stream<DynamicContainer> int8() {
        return Golden.atEveryTier(Golden.cases("5_int8"), WeightOnlyGoldenTest::check);
    }

    @TestFactory
    Stream<DynamicContainer> intxWeightOnly() {
        return Golden.atEveryTier(Golden.cases("6_intxwo"), WeightOnlyGoldenTest::check);
    }

    static QuantConfig configOf(Golden.Case c) {
        String name = c.param("config");
        if (name.endsWith("Int4WeightOnlyConfig")) {
            return Int4WeightOnlyConfig.ofGroupSize(Integer.parseInt(c.param("group_size")));
        }
        return switch (name) {
            case "Int8WeightOnlyConfig" -> Int8WeightOnlyConfig.of(Golden.granularity(c, "granularity"));
            case "Int8DynamicActivationInt8WeightConfig" -> new Int8DynamicActivationInt8WeightConfig(
                    MappingType.valueOf(c.param("act_mapping_type")), false, Golden.granularity(c, "granularity"),
                    Boolean.parseBoolean(c.param("reduce_range")), 2);
            case "IntxWeightOnlyConfig" -> {
                String sdt = c.param("scale_dtype");
                yield new IntxWeightOnlyConfig(Golden.dtype(c.param("weight_dtype")), Golden.granularity(c, "granularity"),
                        MappingType.valueOf(c.param("mapping_type")), sdt == null ? null : Golden.dtype(sdt),
                        IntxPackingFormat.valueOf(c.param("intx_packing_format").toUpperCase(Locale.ROOT)),
                        IntxChooseQParamsAlgorithm.valueOf(c.param("intx_choose_qparams_algorithm").toUpperCase(Locale.ROOT)),
                        2);
            }
            default -> throw new IllegalArgumentException(c + ": unknown config " + name);
        };
    }

    private static void check(Golden.Case c) throws Exception {
        try (SafetensorsFile f = SafetensorsFile.open(c.file())) {
            Tensor bias = f.entries().containsKey("bias") ? f.tensor("bias") : null;
            Container model = new Container();
            model.register("linear", new Linear(f.tensor("weight"), bias));
            QuantConfig config = configOf(c);
            Quantizer.quantize(model, config);
            try (QuantizedLinear q = (QuantizedLinear) model.children().get("linear")) {
                assertTrue(q.tier(17).code() <= Jao.activeIsa().code(), c + ": kernel tier above the cap");
                checkQuantizedTensors(c, f, q.plainTensors());
                // torchao's integer matmul + float epilogue is reproduced bit for bit, for bf16 models too (their
                // activation scale and epilogue follow torchao's bf16 arithmetic)
                boolean exactOutputs = config instanceof Int8DynamicActivationInt8WeightConfig;
                for (String m : new String[] {"m1", "m3", "m17"}) {
                    if (!f.entries().containsKey("x_" + m)) continue;
                    Tensor y = q.forward(f.tensor("x_" + m));
                    if (exactOutputs) {
                        Golden.assertBits(c, "y_" + m, f.tensor("y_" + m), y);
                    } else {
                        Golden.assertClose(c, "y_" + m, f.tensor("y_" + m), y);
                    }
                }
            }
        }
    }

    /** qdata / scale / zero points bit-exact under each config's torchao names. */
    private static void checkQuantizedTensors(Golden.Case c, SafetensorsFile f, Map<String, Tensor> plain) throws Exception {
        if (f.entries().containsKey("int_data")) {  // Int4 CPU: uint4 values 0..15, float zero points
            float[] q = plain.get("qdata").toFloatArray();
            for (int i = 0; i < q.length; i++) q[i] += 8;
            Golden.assertBits(c, "int_data", f.tensor("int_data"), Tensor.ofFloats(q, plain.get("qdata").shape()));
            Golden.assertBits(c, "scale", f.tensor("scale"), plain.get("scale"));
            Golden.assertBits(c, "zero_point_float", f.tensor("zero_point_float"), plain.get("zero_point_float"));
            return;
        }
        Golden.assertBits(c, "qdata", f.tensor("qdata"), plain.get("qdata"));
        Tensor scale = f.tensor("scale");
        Tensor gotScale = plain.get("scale");
        if (scale.numel() == 1) {  // PerTensor: jao keeps the one scale on every row
            float[] one = new float[Math.toIntExact(gotScale.numel())];
            java.util.Arrays.fill(one, scale.toFloatArray()[0]);
            scale = Tensor.ofFloats(one, gotScale.shape());
        }
        Golden.assertBits(c, "scale", scale, gotScale.dtype() == DType.BFLOAT16 ? gotScale : Tensor.ofFloats(
                gotScale.toFloatArray(), gotScale.shape()));
        float[] expectedZeros = f.tensor("zero_point").toFloatArray();
        float[] zeros = plain.containsKey("zero_point") ? plain.get("zero_point").toFloatArray()
                : new float[Math.toIntExact(gotScale.numel())];
        for (int i = 0; i < zeros.length; i++) {
            float e = expectedZeros[expectedZeros.length == 1 ? 0 : i];
            if (e != zeros[i]) throw new AssertionError(c + " zero_point[" + i + "]: expected " + e + " got " + zeros[i]);
        }
    }
}
