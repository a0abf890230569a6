package dev.jao.tensor;

import dev.jao.quant.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense row-major view of memory with a dtype and a shape: how weights and activations
 * cross the API without copies. Backed by any {@link MemorySegment} (heap arrays, native
 * memory, a mapped safetensors file); the tensor does not own the memory.
 */
public final class Tensor {
    private final MemorySegment data;
    private final DType dtype;
    private final long[] shape;

    private Tensor(MemorySegment data, DType dtype, long[] shape) {
        this.data = data;
        this.dtype = dtype;
        this.shape = shape;
    }

    /**
     * Wraps {@code data} as a tensor of {@code dtype} and {@code shape}.
     *
     * @throws IllegalArgumentException if a dimension is negative, the element count
     *     overflows, or the segment's size does not match
     */
    public static Tensor of(MemorySegment data, DType dtype, long... shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(dtype, "dtype");
        long[] s = shape.clone();
        long n = numel(s);
        long bytes;
        try {
            bytes = Math.multiplyExact(n, dtype.storageBytes());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(s) + " is too large");
        }
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("a " + dtype + " tensor of shape " + Arrays.toString(s) + " needs "
                    + bytes + " bytes, but the segment has " + data.byteSize());
        }
        return new Tensor(data, dtype, s);
    }

    /** A FLOAT32 tensor over {@code values} (no copy). */
    public static Tensor ofFloats(float[] values, long... shape) {
        return of(MemorySegment.ofArray(values), DType.FLOAT32, shape);
    }

    /** Number of elements of a shape; rejects negative dimensions and overflow. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("element count of shape " + Arrays.toString(shape) + " overflows");
            }
        }
        return n;
    }

    /** The memory behind this tensor. */
    public MemorySegment data() {
        return data;
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i} (negative counts from the end). */
    public long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** Number of elements. */
    public long numel() {
        return numel(shape);
    }

    /** The values as floats (FLOAT32, BFLOAT16 and FLOAT16 are widened exactly; int8/uint8 too). */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException("tensor too large for a Java array: " + n);
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) out[i] = getFloat(i);
        return out;
    }

    /** Element {@code i} (flat index) as a float. */
    public float getFloat(long i) {
        return switch (dtype) {
            case FLOAT32 -> data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            case BFLOAT16 -> Float.intBitsToFloat((data.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i) & 0xffff) << 16);
            case FLOAT16 -> Float.float16ToFloat(data.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
            default -> dtype.quantMin() < 0 ? data.get(ValueLayout.JAVA_BYTE, i) : data.get(ValueLayout.JAVA_BYTE, i) & 0xff;
        };
    }

    @Override
    public String toString() {
        return "Tensor(" + dtype + ", " + Arrays.toString(shape) + ")";
    }
}
