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
     * @param data the elements, row-major, exactly {@code numel(shape) * dtype.storageBytes()} bytes; not copied
     * @param dtype the element type
     * @param shape the dimensions, outermost first, each >= 0 (copied); none for a scalar
     * @return a view of {@code data}
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

    /**
     * A FLOAT32 tensor over {@code values} (no copy).
     *
     * @param values the elements, row-major; length must equal the product of {@code shape}
     * @param shape the dimensions, outermost first, each >= 0
     * @return a view of {@code values}: later writes to the array show through
     * @throws IllegalArgumentException if the length does not match the shape
     */
    public static Tensor ofFloats(float[] values, long... shape) {
        return of(MemorySegment.ofArray(values), DType.FLOAT32, shape);
    }

    /**
     * Number of elements of a shape; rejects negative dimensions and overflow.
     *
     * @param shape the dimensions (an empty shape has 1 element)
     * @return the product of the dimensions
     * @throws IllegalArgumentException if a dimension is negative or the product overflows a long
     */
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

    /** {@return the memory behind this tensor (not a copy), {@code numel() * dtype().storageBytes()} bytes} */
    public MemorySegment data() {
        return data;
    }

    /** {@return the element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return a copy of the shape, outermost dimension first} */
    public long[] shape() {
        return shape.clone();
    }

    /** {@return the number of dimensions (0 for a scalar)} */
    public int rank() {
        return shape.length;
    }

    /**
     * Size of dimension {@code i} (negative counts from the end).
     *
     * @param i the dimension, in [-rank, rank); -1 is the last
     * @return the size of that dimension
     * @throws ArrayIndexOutOfBoundsException if {@code i} is out of range
     */
    public long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** {@return the number of elements, the product of the shape} */
    public long numel() {
        return numel(shape);
    }

    /**
     * The values as floats (FLOAT32, BFLOAT16 and FLOAT16 are widened exactly; int8/uint8 too).
     *
     * @return a new row-major array of {@link #numel()} values
     * @throws IllegalStateException if the tensor has too many elements for a Java array
     */
    public float[] toFloatArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalStateException("tensor too large for a Java array: " + n);
        float[] out = new float[(int) n];
        for (int i = 0; i < out.length; i++) out[i] = getFloat(i);
        return out;
    }

    /**
     * Element {@code i} (flat index) as a float.
     *
     * @param i the row-major flat index, in [0, numel())
     * @return the element widened exactly to float; integer types as their signed or unsigned byte value
     */
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
