package dev.jao.quant;

import static dev.jao.golden.Golden.assertBits;
import static dev.jao.golden.Golden.dtype;
import static dev.jao.golden.Golden.longs;

import dev.jao.golden.Golden;
import dev.jao.io.SafetensorsFile;
import dev.jao.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code 1_primitives} case made by the real torchao, through the public API:
 * scale, zero_point, q and dq must be bitwise equal (NaN equals NaN: torchao's own result
 * for int1 + SYMMETRIC_NO_CLIPPING_ERR, whose scale is inf/NaN, is reproduced as is).
 */
class PrimitivesGoldenTest {
    @TestFactory
    Stream<DynamicTest> allCases() throws Exception {
        List<Golden.Case> cases = Golden.cases("1_primitives");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    @SuppressWarnings("unchecked")
    private static void check(Golden.Case c) throws Exception {
        Map<String, Object> p = c.params();
        Map<String, Object> ref = (Map<String, Object>) p.get("x_ref");
        String variant = c.param("variant");
        ZeroPointDomain domain = variant.equals("SYMMETRIC_ZP_NONE") ? ZeroPointDomain.NONE
                : ZeroPointDomain.valueOf(c.param("zero_point_domain"));
        AffineSpec spec = AffineSpec.of(longs(p.get("block_size")), dtype(c.param("target_dtype")),
                        MappingType.valueOf(c.param("mapping_type")))
                .withRange(((Long) p.get("quant_min")).intValue(), ((Long) p.get("quant_max")).intValue())
                .withZeroPointDomain(domain)
                .withPreserveZero((Boolean) p.get("preserve_zero"))
                .withEps(((Number) p.get("eps_effective")).floatValue())
                .withScaleDtype(dtype(c.param("scale_dtype_result")));
        try (SafetensorsFile inputs = SafetensorsFile.open(Golden.root().resolve((String) ref.get("file")));
             SafetensorsFile f = SafetensorsFile.open(c.file())) {
            Tensor x0 = inputs.tensor((String) ref.get("tensor"));
            Tensor x = Tensor.of(x0.data(), x0.dtype(), longs(ref.get("reshape")));
            AffineQuantization.QParams qp = AffineQuantization.chooseQParams(x, spec);
            assertBits(c, "scale", f.tensor("scale"), qp.scale());
            if (domain != ZeroPointDomain.NONE) {
                Tensor zp = f.entries().get("zero_point").dtype().equals("I32")
                        ? Tensor.ofFloats(toFloats(f.ints("zero_point")), f.entries().get("zero_point").shape())
                        : f.tensor("zero_point");
                assertBits(c, "zero_point", zp, qp.zeroPoint());
            }
            Tensor q = AffineQuantization.quantize(x, spec, qp);
            assertBits(c, "q", f.tensor("q"), q);
            Tensor dq = AffineQuantization.dequantize(q, spec, qp, dtype(c.param("dequant_output_dtype")));
            assertBits(c, "dq", f.tensor("dq"), dq);
        }
    }

    private static float[] toFloats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }
}
