package dev.jao.quant;

import dev.jao.bindings.JaoAbi;
import dev.jao.bindings.jao_affine_params;
import dev.jao.internal.Native;
import dev.jao.internal.Tensors;
import dev.jao.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * torchao's affine primitives, bit-exact, computed natively: {@code choose_qparams_affine},
 * {@code quantize_affine}, {@code dequantize_affine} (with the FLOAT "tinygemm" and NONE
 * zero-point domains), plus the HQQ scale-only search. Inputs are FLOAT32 / BFLOAT16 /
 * FLOAT16 tensors; every op is rounded in torchao's compute dtype (see the README).
 * Scales come back in the spec's scale dtype (default: the input's) with torchao's
 * {@code keepdim=False} shape; zero points as FLOAT32 tensors (integers for the INT domain)
 * or in the input's dtype for the FLOAT domain, null for NONE.
 */
public final class AffineQuantization {
    private AffineQuantization() {}

    /**
     * Scales and zero points.
     *
     * @param scale one per block
     * @param zeroPoint one per block, or null for ZeroPointDomain.NONE
     */
    public record QParams(Tensor scale, Tensor zeroPoint) {}

    /**
     * The [rows, cols] view with groups of columns a block size maps to. {@code gather} is
     * null when the tensor is already in that order; else element i of the view is element
     * gather[i] of the tensor (torchao's reshape into (s/b, b) pairs, outer dims first).
     */
    private record View(long rows, long cols, long group, long[] qparamShape, int[] gather) {}

    private static View view(long[] shape, long[] block) {
        if (block.length != shape.length) {
            throw new IllegalArgumentException("block_size " + Arrays.toString(block) + " must have the rank of the input "
                    + Arrays.toString(shape));
        }
        long numel = Tensor.numel(shape);
        if (numel == 0) throw new IllegalArgumentException("input is empty: " + Arrays.toString(shape));
        for (int i = 0; i < shape.length; i++) {
            if (block[i] > shape[i] || shape[i] % block[i] != 0) {
                throw new IllegalArgumentException("block_size " + Arrays.toString(block) + " does not divide the shape "
                        + Arrays.toString(shape) + " (dimension " + i + ")");
            }
        }
        // qparam shape as torchao's keepdim=False: a dimension reduced whole is dropped
        long[] q = new long[shape.length];
        int kept = 0;
        for (int i = 0; i < shape.length; i++) if (!(block[i] == shape[i] && block[i] > 1)) q[kept++] = shape[i] / block[i];
        long[] qshape = Arrays.copyOf(q, kept);
        long blockSize = Tensor.numel(block);
        int last = shape.length - 1;
        boolean rowGroups = true;
        for (int i = 0; i < last; i++) rowGroups &= block[i] == 1;
        if (Arrays.equals(block, shape)) return new View(1, numel, numel, qshape, null);
        if (rowGroups) return new View(numel / shape[last], shape[last], block[last], qshape, null);
        if (numel > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("block_size " + Arrays.toString(block)
                + " on a tensor this large is not supported (use (1, ..., 1, g) blocks)");
        return new View(numel / blockSize, blockSize, blockSize, qshape, gatherIndex(shape, block));
    }

    /** For each position of the block-major order, the row-major index in the tensor. */
    private static int[] gatherIndex(long[] shape, long[] block) {
        int n = shape.length;
        long[] stride = new long[n];
        stride[n - 1] = 1;
        for (int i = n - 2; i >= 0; i--) stride[i] = stride[i + 1] * shape[i + 1];
        long[] grid = new long[n];
        for (int i = 0; i < n; i++) grid[i] = shape[i] / block[i];
        int numel = (int) Tensor.numel(shape);
        int[] out = new int[numel];
        long[] g = new long[n], b = new long[n];  // odometers over the grid and within a block
        int pos = 0;
        for (long blk = 0, blocks = Tensor.numel(grid); blk < blocks; blk++) {
            Arrays.fill(b, 0);
            for (long e = 0, per = Tensor.numel(block); e < per; e++) {
                long src = 0;
                for (int i = 0; i < n; i++) src += (g[i] * block[i] + b[i]) * stride[i];
                out[pos++] = (int) src;
                for (int i = n - 1; i >= 0 && ++b[i] == block[i]; i--) b[i] = 0;
            }
            for (int i = n - 1; i >= 0 && ++g[i] == grid[i]; i--) g[i] = 0;
        }
        return out;
    }

    /** The tensor's elements in the view's order, in native memory. */
    private static MemorySegment viewData(Arena arena, Tensor t, View v) {
        if (v.gather() == null) return Tensors.toNative(t, arena);
        int size = t.dtype().storageBytes();
        MemorySegment out = arena.allocate(t.data().byteSize(), 64);
        int[] gi = v.gather();
        for (int i = 0; i < gi.length; i++) MemorySegment.copy(t.data(), (long) gi[i] * size, out, (long) i * size, size);
        return out;
    }

    /** A tensor of {@code dtype} and {@code shape} from view-ordered bytes (scatter back). */
    private static Tensor fromView(MemorySegment data, View v, DType dtype, long[] shape) {
        byte[] out = new byte[(int) data.byteSize()];
        if (v.gather() == null) {
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, out, 0, out.length);
        } else {
            int size = dtype.storageBytes();
            int[] gi = v.gather();
            MemorySegment dst = MemorySegment.ofArray(out);
            for (int i = 0; i < gi.length; i++) MemorySegment.copy(data, (long) i * size, dst, (long) gi[i] * size, size);
        }
        return Tensor.of(MemorySegment.ofArray(out), dtype, shape);
    }

    private static MemorySegment params(Arena arena, View v, Tensor x, AffineSpec s, DType scaleDtype) {
        MemorySegment p = jao_affine_params.allocate(arena);
        jao_affine_params.rows(p, v.rows());
        jao_affine_params.cols(p, v.cols());
        jao_affine_params.group_size(p, v.group());
        jao_affine_params.input_type(p, floatType(x.dtype()));
        jao_affine_params.scale_type(p, floatType(scaleDtype));
        jao_affine_params.mapping(p, s.mappingType().ordinal());
        jao_affine_params.quant_min(p, s.quantMin());
        jao_affine_params.quant_max(p, s.quantMax());
        jao_affine_params.preserve_zero(p, s.preserveZero() ? 1 : 0);
        jao_affine_params.zero_point_domain(p, s.zeroPointDomain().ordinal());
        jao_affine_params.eps(p, s.eps());
        return p;
    }

    /**
     * choose_qparams_affine.
     *
     * @param x FLOAT32, BFLOAT16 or FLOAT16 input whose shape the spec's block size divides
     * @param spec the block size, target range, mapping and zero-point domain
     * @return one scale (and zero point, unless the domain is NONE) per block, in torchao's
     *     {@code keepdim=False} shape
     */
    public static QParams chooseQParams(Tensor x, AffineSpec spec) {
        check(x, spec);
        View v = view(x.shape(), spec.blockSize());
        DType sdt = spec.scaleDtype() == null ? x.dtype() : spec.scaleDtype();
        long n = v.rows() * (v.cols() / v.group());
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scales = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            boolean hasZero = spec.zeroPointDomain() != ZeroPointDomain.NONE;
            MemorySegment zps = hasZero ? arena.allocate(ValueLayout.JAVA_FLOAT, n) : MemorySegment.NULL;
            Native.check(JaoAbi.jao_affine_choose_qparams(params(arena, v, x, spec, sdt), viewData(arena, x, v), scales,
                    zps), "jao_affine_choose_qparams");
            Tensor scale = Tensors.fromFloats(scales.toArray(ValueLayout.JAVA_FLOAT), sdt, v.qparamShape());
            if (!hasZero) return new QParams(scale, null);
            DType zdt = spec.zeroPointDomain() == ZeroPointDomain.FLOAT ? x.dtype() : DType.FLOAT32;
            return new QParams(scale, Tensors.fromFloats(zps.toArray(ValueLayout.JAVA_FLOAT), zdt, v.qparamShape()));
        }
    }

    /**
     * quantize_affine; returns INT8 (signed targets) or UINT8 values of x's shape.
     *
     * @param x FLOAT32, BFLOAT16 or FLOAT16 input whose shape the spec's block size divides
     * @param spec the spec the qparams were chosen with
     * @param qparams one scale (and zero point, unless the domain is NONE) per block, e.g. from
     *     {@link #chooseQParams}
     * @return the quantized values in [quant_min, quant_max], INT8 when quant_min &lt; 0 else UINT8,
     *     one byte per element, x's shape
     */
    public static Tensor quantize(Tensor x, AffineSpec spec, QParams qparams) {
        check(x, spec);
        View v = view(x.shape(), spec.blockSize());
        long n = v.rows() * (v.cols() / v.group());
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q = arena.allocate(x.numel());
            Native.check(JaoAbi.jao_affine_quantize(params(arena, v, x, spec, qparams.scale().dtype()),
                    viewData(arena, x, v), floats(arena, qparams.scale(), n),
                    zeroPoints(arena, spec, qparams, n), q), "jao_affine_quantize");
            return fromView(q, v, spec.quantMin() < 0 ? DType.INT8 : DType.UINT8, x.shape());
        }
    }

    /**
     * dequantize_affine into {@code outputDtype} (FLOAT32, BFLOAT16 or FLOAT16).
     *
     * @param q INT8 or UINT8 quantized values, e.g. from {@link #quantize}
     * @param spec the spec {@code q} was quantized with
     * @param qparams the scales and zero points {@code q} was quantized with
     * @param outputDtype FLOAT32, BFLOAT16 or FLOAT16
     * @return the dequantized values, q's shape, in {@code outputDtype}
     */
    public static Tensor dequantize(Tensor q, AffineSpec spec, QParams qparams, DType outputDtype) {
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(outputDtype, "output_dtype");
        if (q.dtype() != DType.INT8 && q.dtype() != DType.UINT8) throw new IllegalArgumentException("q must be INT8 or UINT8");
        if (!outputDtype.isFloating()) throw new IllegalArgumentException("output dtype must be floating, got " + outputDtype);
        View v = view(q.shape(), spec.blockSize());
        long n = v.rows() * (v.cols() / v.group());
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment y = arena.allocate(q.numel() * outputDtype.storageBytes());
            Tensor asInput = Tensor.of(MemorySegment.ofArray(new float[1]), DType.FLOAT32, 1);  // input dtype unused here
            Native.check(JaoAbi.jao_affine_dequantize(params(arena, v, asInput, spec, qparams.scale().dtype()),
                    viewData(arena, q, v), floats(arena, qparams.scale(), n), zeroPoints(arena, spec, qparams, n),
                    floatType(outputDtype), y), "jao_affine_dequantize");
            return fromView(y, v, outputDtype, q.shape());
        }
    }

    /**
     * The straight-through gradient of {@code dequantize(quantize(x))} with respect to x, as
     * torch's autograd gives it for torchao's fake quantization: {@code gradY} (any floating
     * dtype, x's shape) passed where the unclamped quantized value lies in
     * [quant_min, quant_max], 0 elsewhere; returned in x's dtype. INT and NONE domains.
     *
     * @param x the FLOAT32, BFLOAT16 or FLOAT16 input of the forward pass
     * @param spec the spec of the forward fake quantization
     * @param qparams the scales and zero points of the forward fake quantization
     * @param gradY the gradient with respect to the fake-quantized output, x's shape
     * @return the gradient with respect to x, x's shape and dtype
     */
    public static Tensor fakeQuantizeBackward(Tensor x, AffineSpec spec, QParams qparams, Tensor gradY) {
        check(x, spec);
        Objects.requireNonNull(gradY, "grad_y");
        if (!java.util.Arrays.equals(x.shape(), gradY.shape())) {
            throw new IllegalArgumentException("grad_y " + gradY + " must have the input's shape " + x);
        }
        View v = view(x.shape(), spec.blockSize());
        long n = v.rows() * (v.cols() / v.group());
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment g = arena.allocate(x.numel() * x.dtype().storageBytes());
            Native.check(JaoAbi.jao_affine_fake_quantize_backward(params(arena, v, x, spec, qparams.scale().dtype()),
                    viewData(arena, x, v), floats(arena, qparams.scale(), n), zeroPoints(arena, spec, qparams, n),
                    viewData(arena, Tensor.ofFloats(gradY.toFloatArray(), gradY.shape()), v), g),
                    "jao_affine_fake_quantize_backward");
            return fromView(g, v, x.dtype(), x.shape());
        }
    }

    private static MemorySegment zeroPoints(Arena arena, AffineSpec spec, QParams qp, long n) {
        if (spec.zeroPointDomain() == ZeroPointDomain.NONE) return MemorySegment.NULL;
        if (qp.zeroPoint() == null) throw new IllegalArgumentException("zero points are required for " + spec.zeroPointDomain());
        return floats(arena, qp.zeroPoint(), n);
    }

    private static MemorySegment floats(Arena arena, Tensor t, long expected) {
        if (t.numel() != expected) {
            throw new IllegalArgumentException("expected " + expected + " qparams, got " + t + " (" + t.numel() + ")");
        }
        return arena.allocateFrom(ValueLayout.JAVA_FLOAT, t.toFloatArray());
    }

    private static void check(Tensor x, AffineSpec spec) {
        Objects.requireNonNull(x, "input");
        Objects.requireNonNull(spec, "spec");
        if (!x.dtype().isFloating()) throw new IllegalArgumentException("input must be FLOAT32, BFLOAT16 or FLOAT16, got " + x.dtype());
    }

    private static int floatType(DType t) {
        return switch (t) {
            case FLOAT32 -> JaoAbi.JAO_F32();
            case BFLOAT16 -> JaoAbi.JAO_BF16();
            case FLOAT16 -> JaoAbi.JAO_F16();
            default -> throw new IllegalArgumentException("not a floating dtype: " + t);
        };
    }
}
