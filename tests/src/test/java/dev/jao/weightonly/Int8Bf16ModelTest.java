package dev.jao.weightonly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.Quantizer;
import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An Int8DynamicActivationInt8Weight layer of a bf16 model computes as torchao does on bf16
 * activations (golden cases: {@link WeightOnlyGoldenTest}); fp32 inputs given to it are taken
 * as their bf16 roundings, and its outputs are bf16 values whatever the input dtype.
 */
class Int8Bf16ModelTest {
    private static final int N = 24, K = 64, ROWS = 3;

    @Test
    void bf16LayerRoundsFloatInputsAndGivesBf16Outputs() {
        Random rng = new Random(7);
        float[] w = new float[N * K], x = new float[ROWS * K];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian() * 0.05f;
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian() + 0.3f;  // not bf16 values
        try (QuantizedLinear bf16 = quantized(bf16(w, N, K)); QuantizedLinear fp32 = quantized(Tensor.ofFloats(
                bf16(w, N, K).toFloatArray(), N, K))) {
            assertTrue(bf16.layout().contains("bf16"), bf16.layout());
            assertFalse(fp32.layout().contains("bf16"), fp32.layout());
            float[] fromFloats = bf16.forward(x);
            float[] fromBf16 = bf16.forward(bf16(x, ROWS, K)).toFloatArray();
            assertArrayEquals(fromBf16, fromFloats, "fp32 input = its bf16 rounding");
            for (float v : fromFloats) assertEquals(v, roundBf16(v), "output " + v + " is not a bf16 value");
            float[] fp32Model = fp32.forward(x);
            boolean differs = false;
            for (int i = 0; i < fp32Model.length; i++) differs |= fp32Model[i] != fromFloats[i];
            assertTrue(differs, "the fp32 model (same weights) keeps fp32 inputs and outputs");
        }
    }

    private static QuantizedLinear quantized(Tensor weight) {
        Container model = new Container();
        model.register("linear", new Linear(weight, null));
        Quantizer.quantize(model, new Int8DynamicActivationInt8WeightConfig(MappingType.ASYMMETRIC, false,
                new Granularity.PerRow(), false, 2));
        return (QuantizedLinear) model.children().get("linear");
    }

    private static Tensor bf16(float[] v, long rows, long cols) {
        short[] bits = new short[v.length];
        for (int i = 0; i < v.length; i++) bits[i] = (short) (Float.floatToRawIntBits(roundBf16(v[i])) >>> 16);
        return Tensor.of(MemorySegment.ofArray(bits), DType.BFLOAT16, rows, cols);
    }

    /** Round to nearest even at bf16 precision (finite values). */
    private static float roundBf16(float f) {
        int b = Float.floatToRawIntBits(f);
        return Float.intBitsToFloat((b + 0x7fff + ((b >>> 16) & 1)) & 0xffff0000);
    }
}
