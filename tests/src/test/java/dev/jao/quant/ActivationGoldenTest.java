package dev.jao.quant;

import static dev.jao.golden.Golden.assertBits;
import static dev.jao.golden.Golden.dtype;
import static dev.jao.golden.Golden.longs;

import dev.jao.golden.Golden;
import dev.jao.io.SafetensorsFile;
import dev.jao.tensor.Tensor;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code 2_activation} case (per-token int8 activation quantization as the
 * dynamic-activation configs do it: intx asymmetric, symmetric, Int8Tensor sym/asym with
 * eps 1.19e-7 and fp32 scales), bitwise, through the public API.
 */
class ActivationGoldenTest {
    @TestFactory
    Stream<DynamicTest> allCases() {
        return Golden.cases("2_activation").stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Golden.Case c) throws Exception {
        Map<String, Object> p = c.params();
        try (SafetensorsFile f = SafetensorsFile.open(c.file())) {
            Tensor x = f.tensor("x");
            AffineSpec spec = AffineSpec.of(longs(p.get("block_size")), DType.INT8, MappingType.valueOf(c.param("mapping_type")))
                    .withRange(((Long) p.get("quant_min")).intValue(), ((Long) p.get("quant_max")).intValue())
                    .withEps(((Number) p.get("eps")).floatValue())
                    .withScaleDtype(dtype(c.param("scale_dtype")));
            AffineQuantization.QParams qp = AffineQuantization.chooseQParams(x, spec);
            assertBits(c, "scale", f.tensor("scale"), qp.scale());
            assertBits(c, "zero_point", f.tensor("zero_point"), qp.zeroPoint());
            Tensor q = AffineQuantization.quantize(x, spec, qp);
            assertBits(c, "q", f.tensor("q"), q);
            assertBits(c, "dq", f.tensor("dq"), AffineQuantization.dequantize(q, spec, qp, x.dtype()));
        }
    }
}
