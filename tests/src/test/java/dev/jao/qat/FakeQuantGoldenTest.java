package dev.jao.qat;

import static dev.jao.golden.Golden.assertBits;
import static dev.jao.golden.Golden.dtype;

import dev.jao.golden.Golden;
import dev.jao.io.SafetensorsFile;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every {@code 7_fakequant} case: y, scale, zero_point and the STE gradient grad_x, bitwise. */
class FakeQuantGoldenTest {
    @TestFactory
    Stream<DynamicTest> allCases() {
        return Golden.cases("7_fakequant").stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    @SuppressWarnings("unchecked")
    private static void check(Golden.Case c) throws Exception {
        Map<String, Object> g = (Map<String, Object>) c.params().get("granularity");
        Granularity gran = switch ((String) g.get("type")) {
            case "PerToken" -> new Granularity.PerToken();
            case "PerAxis" -> new Granularity.PerAxis(((Long) g.get("axis")).intValue());
            default -> new Granularity.PerGroup(((Long) g.get("group_size")).intValue());
        };
        IntxFakeQuantizeConfig config = IntxFakeQuantizeConfig.of(dtype(c.param("dtype")), gran,
                MappingType.valueOf(c.param("mapping_type")), null, null);
        try (SafetensorsFile f = SafetensorsFile.open(c.file())) {
            Tensor x = f.tensor("x");
            IntxFakeQuantizer fq = new IntxFakeQuantizer(config);
            assertBits(c, "y", f.tensor("y"), fq.forward(x));
            assertBits(c, "scale", f.tensor("scale"), fq.scale());
            int[] zp = f.ints("zero_point");
            float[] zpf = new float[zp.length];
            for (int i = 0; i < zp.length; i++) zpf[i] = zp[i];
            assertBits(c, "zero_point", Tensor.ofFloats(zpf, zpf.length), fq.zeroPoint());
            Tensor gradY = f.tensor("grad_y");
            if (x.dtype() == DType.BFLOAT16) {  // autograd hands the bf16 module a bf16 gradient
                gradY = dev.jao.internal.Tensors.rounded(gradY.toFloatArray(), DType.BFLOAT16, gradY.shape());
            }
            assertBits(c, "grad_x", f.tensor("grad_x"), fq.backward(x, gradY));
        }
    }
}
