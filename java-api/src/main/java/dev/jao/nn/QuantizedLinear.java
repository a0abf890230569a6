package dev.jao.nn;

import dev.jao.IsaTier;
import dev.jao.config.QuantConfig;
import dev.jao.internal.LinearKernel;
import dev.jao.internal.NativeMemory;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A linear layer whose weights were quantized and packed natively by
 * {@link dev.jao.Quantizer}. It owns native memory: close it (or use try-with-resources).
 * Forward calls are thread-safe and may run concurrently; {@link #close()} waits for
 * calls in flight, then frees, and later calls throw {@link IllegalStateException}.
 * Inputs are {@code [..., K]}: {@code float[]}, FLOAT32 / BFLOAT16 / FLOAT16 tensors (output in the same dtype), or
 * FLOAT32 segments (heap or native) with FLOAT32 outputs {@code [..., N]}.
 */
public final class QuantizedLinear extends Module implements AutoCloseable {
    private final QuantConfig config;
    private final DType modelDtype;
    private final LinearKernel kernel;
    private final NativeMemory memory;

    /**
     * Wraps a packed kernel; for {@link dev.jao.Quantizer} and config implementations.
     *
     * @param config the config that produced it
     * @param modelDtype the dtype of the original weight (the module's dtype)
     * @param kernel the packed weights and their run call
     * @param memory the native memory the kernel lives in (closed with this layer)
     */
    public QuantizedLinear(QuantConfig config, DType modelDtype, LinearKernel kernel, NativeMemory memory) {
        this.config = Objects.requireNonNull(config, "config");
        this.modelDtype = Objects.requireNonNull(modelDtype, "modelDtype");
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.memory = Objects.requireNonNull(memory, "memory");
        memory.ownedBy(this);
    }

    /** {@return the config this layer was quantized with} */
    public QuantConfig config() {
        return config;
    }

    /** {@return the dtype of the original floating weight: FLOAT32, BFLOAT16 or FLOAT16} */
    public DType modelDtype() {
        return modelDtype;
    }

    /** {@return the number of input features K} */
    public long inFeatures() {
        return kernel.inFeatures();
    }

    /** {@return the number of output features N} */
    public long outFeatures() {
        return kernel.outFeatures();
    }

    /** {@return the bytes of native memory the packed weights take} */
    public long packedBytes() {
        return kernel.packedBytes();
    }

    /**
     * A read-only view of the packed weights (the portable form jao model files store).
     *
     * @return a read-only segment over this layer's native memory, valid until {@link #close()}
     */
    public MemorySegment packed() {
        return kernel.packed().asReadOnly();
    }

    /** {@return the dtype the weight scales were quantized in} */
    public DType scaleDtype() {
        return kernel.scaleDtype();
    }

    /** {@return the packed layout's human-readable name, e.g. "x86 VNNI n16k4 int4"} */
    public String layout() {
        return kernel.layout();
    }

    /**
     * The ISA tier a forward of {@code rows} rows would use now.
     *
     * @param rows the number of input rows (M) of the forward in question, >= 1
     * @return the tier the kernel would run on under the current ISA cap
     */
    public IsaTier tier(long rows) {
        return kernel.tier(rows);
    }

    /**
     * The ISA tier a forward of {@code rows} rows of {@code activations} would use now: with BFLOAT16
     * activations a weight-only layer may run the bf16 dot-product GEMV ({@link IsaTier#AVX512_BF16}).
     *
     * @param rows the number of input rows (M) of the forward in question, >= 1
     * @param activations FLOAT32, BFLOAT16 or FLOAT16
     * @return the tier the kernel would run on under the current ISA cap
     * @throws IllegalArgumentException if {@code activations} is not a floating dtype
     */
    public IsaTier tier(long rows, DType activations) {
        return kernel.tier(rows, Objects.requireNonNull(activations, "activations"));
    }

    /**
     * The plain quantized tensors of this layer under torchao's state-dict names
     * ({@code qdata}, {@code scale}, {@code zero_point}, {@code bias}), unpacked natively
     * from the packed weights (heap copies).
     *
     * @return a map from state-dict name to a heap tensor, always with {@code qdata} and {@code scale};
     *     which optional names appear depends on the config and layout
     * @throws IllegalStateException if this layer is closed
     */
    public java.util.Map<String, Tensor> plainTensors() {
        memory.acquire();
        try {
            return kernel.plainTensors();
        } finally {
            memory.release();
        }
    }

    /**
     * Forward of {@code x.length / K} rows; returns {@code rows * N} floats.
     *
     * @param x row-major FLOAT32 input, a non-zero multiple of K values
     * @return a new row-major array of {@code rows * N} outputs
     * @throws IllegalStateException if this layer is closed
     */
    public float[] forward(float[] x) {
        Objects.requireNonNull(x, "x");
        long rows = rowsOf(x.length);
        float[] y = new float[Math.toIntExact(rows * outFeatures())];
        forward(MemorySegment.ofArray(x), MemorySegment.ofArray(y), rows);
        return y;
    }

    /**
     * Forward of a FLOAT32, BFLOAT16 or FLOAT16 tensor {@code [..., K]}; returns {@code [..., N]} in the
     * input's dtype (computed in float32, rounded to nearest even like torch's model-dtype output).
     *
     * @param x the input {@code [..., K]}, rank >= 1
     * @return a new heap tensor {@code [..., N]} with x's leading dimensions and dtype
     * @throws IllegalStateException if this layer is closed
     */
    public Tensor forward(Tensor x) {
        Objects.requireNonNull(x, "x");
        if (x.rank() < 1 || x.dim(-1) != inFeatures()) {
            throw new IllegalArgumentException("input must be [..., " + inFeatures() + "], got " + x);
        }
        requireFloating("x", x.dtype());
        long[] shape = x.shape();
        shape[shape.length - 1] = outFeatures();
        if (x.dtype() == DType.FLOAT32) return Tensor.ofFloats(forward(x.toFloatArray()), shape);
        long rows = x.numel() / inFeatures();
        short[] y = new short[Math.toIntExact(rows * outFeatures())];
        forward(x.data(), x.dtype(), MemorySegment.ofArray(y), x.dtype(), rows);
        return Tensor.of(MemorySegment.ofArray(y), x.dtype(), shape);
    }

    /**
     * Zero-copy forward: {@code x} holds {@code rows * K} floats, {@code y} receives
     * {@code rows * N} floats (FLOAT32, native byte order, heap or native, writable).
     *
     * @param x the input, exactly {@code rows * K * 4} bytes
     * @param y the output, exactly {@code rows * N * 4} bytes, writable; overwritten
     * @param rows the number of rows (M), >= 1
     * @throws IllegalStateException if this layer is closed
     */
    public void forward(MemorySegment x, MemorySegment y, long rows) {
        forward(x, DType.FLOAT32, y, DType.FLOAT32, rows);
    }

    /**
     * Zero-copy forward with any floating activation and output dtypes: {@code x} holds
     * {@code rows * K} values of {@code xDtype}, {@code y} receives {@code rows * N} values of
     * {@code yDtype} (FLOAT32, BFLOAT16 or FLOAT16, native byte order; outputs rounded to nearest
     * even from the float32 result). Weight-only layers take 16-bit types natively (bf16
     * activations run a bf16 dot-product kernel on CPUs with AVX512_BF16, tier
     * {@link dev.jao.IsaTier#AVX512_BF16}); int8-activation × intN-weight layers widen x and
     * narrow y natively (results bitwise those of the float32 forward of the widened x); the
     * other layers widen x and narrow y in Java around their float32 kernels.
     *
     * @param x the input, exactly {@code rows * K} elements of {@code xDtype}
     * @param xDtype FLOAT32, BFLOAT16 or FLOAT16
     * @param y the output, exactly {@code rows * N} elements of {@code yDtype}, writable; overwritten
     * @param yDtype FLOAT32, BFLOAT16 or FLOAT16
     * @param rows the number of rows (M), >= 1
     * @throws IllegalStateException if this layer is closed
     */
    public void forward(MemorySegment x, DType xDtype, MemorySegment y, DType yDtype, long rows) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        requireFloating("xDtype", xDtype);
        requireFloating("yDtype", yDtype);
        if (rows < 1) throw new IllegalArgumentException("rows must be >= 1, got " + rows);
        long k = inFeatures(), n = outFeatures();
        checkSize("x", x, xDtype, rows, k);
        checkSize("y", y, yDtype, rows, n);
        if (y.isReadOnly()) throw new IllegalArgumentException("y is read-only");
        memory.acquire();
        try {
            kernel.run(x, xDtype, y, yDtype, rows);
        } finally {
            memory.release();
        }
    }

    private static void requireFloating(String name, DType dtype) {
        Objects.requireNonNull(dtype, name);
        if (dtype != DType.FLOAT32 && dtype != DType.BFLOAT16 && dtype != DType.FLOAT16) {
            throw new IllegalArgumentException(name + " must be FLOAT32, BFLOAT16 or FLOAT16, got " + dtype);
        }
    }

    private long rowsOf(long elements) {
        long k = inFeatures();
        if (elements == 0 || elements % k != 0) {
            throw new IllegalArgumentException("input of " + elements + " floats is not a whole number of rows of " + k);
        }
        return elements / k;
    }

    private static void checkSize(String name, MemorySegment s, DType dtype, long rows, long cols) {
        long expected;
        try {
            expected = Math.multiplyExact(Math.multiplyExact(rows, cols), (long) dtype.storageBytes());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(rows + " rows of " + cols + " " + dtype + " values overflow");
        }
        if (s.byteSize() != expected) {
            throw new IllegalArgumentException(name + " must hold " + rows + " x " + cols + " " + dtype + " values ("
                    + expected + " bytes), got " + s.byteSize() + " bytes");
        }
    }

    /** {@return true once {@link #close()} has been called} */
    public boolean isClosed() {
        return memory.isClosed();
    }

    /** Waits for forwards in flight, then frees the native memory; idempotent. */
    @Override
    public void close() {
        memory.close();
    }

    @Override
    public String toString() {
        return "QuantizedLinear(in=" + inFeatures() + ", out=" + outFeatures() + ", " + config.torchaoName() + ", "
                + layout() + ")";
    }
}
