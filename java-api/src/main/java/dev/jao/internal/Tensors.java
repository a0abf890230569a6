package dev.jao.internal;

import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.MemorySegment;


/** Conversions between Java arrays and tensors of the floating dtypes. */
public final class Tensors {
    private Tensors() {}

    /**
     * A tensor of {@code dtype} holding {@code values}; values must already be exactly
     * representable (e.g. bf16-rounded), so narrowing only drops zero bits.
     */
    public static Tensor fromFloats(float[] values, DType dtype, long... shape) {
        return switch (dtype) {
            case FLOAT32 -> Tensor.ofFloats(values, shape);
            case BFLOAT16 -> {
                short[] b = new short[values.length];
                for (int i = 0; i < b.length; i++) b[i] = (short) (Float.floatToRawIntBits(values[i]) >>> 16);
                yield Tensor.of(MemorySegment.ofArray(b), DType.BFLOAT16, shape);
            }
            case FLOAT16 -> {
                short[] h = new short[values.length];
                for (int i = 0; i < h.length; i++) h[i] = Float.floatToFloat16(values[i]);
                yield Tensor.of(MemorySegment.ofArray(h), DType.FLOAT16, shape);
            }
            default -> throw new IllegalArgumentException("not a floating dtype: " + dtype);
        };
    }

    /** The C ABI's {@code jao_float_type} of a floating dtype. */
    public static int floatTypeCode(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> dev.jao.bindings.JaoAbi.JAO_F32();
            case BFLOAT16 -> dev.jao.bindings.JaoAbi.JAO_BF16();
            case FLOAT16 -> dev.jao.bindings.JaoAbi.JAO_F16();
            default -> throw new IllegalArgumentException("not a floating dtype: " + dtype);
        };
    }

    /** A tensor of {@code dtype} with {@code values} rounded to nearest even (as torch's {@code .to(dtype)}). */
    public static Tensor rounded(float[] values, DType dtype, long... shape) {
        if (dtype == DType.BFLOAT16) {
            float[] r = new float[values.length];
            for (int i = 0; i < r.length; i++) r[i] = roundBf16(values[i]);
            return fromFloats(r, dtype, shape);
        }
        return fromFloats(values, dtype, shape);  // FLOAT16 narrowing already rounds to nearest even
    }

    /** The tensor's bytes copied into native memory of {@code arena} (FFM calls need native segments). */
    public static MemorySegment toNative(Tensor t, java.lang.foreign.Arena arena) {
        MemorySegment s = arena.allocate(t.data().byteSize(), 64);
        MemorySegment.copy(t.data(), 0, s, 0, t.data().byteSize());
        return s;
    }

    /** bf16 round to nearest even (NaN kept), as torch's {@code .to(bfloat16)}. */
    public static float roundBf16(float f) {
        if (Float.isNaN(f)) return f;
        int u = Float.floatToRawIntBits(f);
        u += 0x7fff + ((u >>> 16) & 1);
        return Float.intBitsToFloat(u & 0xffff0000);
    }

    /** Element count as an int, for Java arrays. */
    public static int intSize(long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(n + " elements do not fit a Java array");
        return (int) n;
    }

}
