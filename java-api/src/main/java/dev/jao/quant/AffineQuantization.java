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

    /** The [rows, cols] view with groups of columns a block size maps to. */
    private record View(long rows, long cols, long group, long[] qparamShape) {}

    private static View view(long[] shape, long[] block) {
        if (block.length != shape.length) {
            throw new IllegalArgumentException("block_size " + Arrays.toString(block) + " must have the rank of the input "
                    + Arrays.toString(shape));
        }
        long numel = Tensor.numel(shape);
        if (numel == 0) throw new IllegalArgumentException("input is empty: " + Arrays.toString(shape));
        if (Arrays.equals(block, shape)) return new View(1, numel, numel, new long[0]);
        int last = shape.length - 1;
        for (int i = 0; i < last; i++) {
            if (block[i] != 1) {
                throw new IllegalArgumentException("block_size " + Arrays.toString(block) + " is not supported for shape "
                        + Arrays.toString(shape) + ": use the whole tensor or (1, ..., 1, g)");
            }
        }
        if (shape[last] % block[last] != 0) {
            throw new IllegalArgumentException("block_size " + block[last] + " does not divide the last dimension "
                    + shape[last]);
        }
        long groups = shape[last] / block[last];
        long[] q = groups == 1 ? Arrays.copyOf(shape, last) : shape.clone();
        if (groups != 1) q[last] = groups;
        return new View(numel / shape[last], shape[last], block[last], q);
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

    /** choose_qparams_affine. */
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
            Native.check(JaoAbi.jao_affine_choose_qparams(params(arena, v, x, spec, sdt), Tensors.toNative(x, arena), scales,
                    zps), "jao_affine_choose_qparams");
            Tensor scale = Tensors.fromFloats(scales.toArray(ValueLayout.JAVA_FLOAT), sdt, v.qparamShape());
            if (!hasZero) return new QParams(scale, null);
            DType zdt = spec.zeroPointDomain() == ZeroPointDomain.FLOAT ? x.dtype() : DType.FLOAT32;
            return new QParams(scale, Tensors.fromFloats(zps.toArray(ValueLayout.JAVA_FLOAT), zdt, v.qparamShape()));
        }
    }

    /** quantize_affine; returns INT8 (signed targets) or UINT8 values of x's shape. */
    public static Tensor quantize(Tensor x, AffineSpec spec, QParams qparams) {
        check(x, spec);
        View v = view(x.shape(), spec.blockSize());
        long n = v.rows() * (v.cols() / v.group());
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q = arena.allocate(x.numel());
            Native.check(JaoAbi.jao_affine_quantize(params(arena, v, x, spec, qparams.scale().dtype()),
                    Tensors.toNative(x, arena), floats(arena, qparams.scale(), n),
                    zeroPoints(arena, spec, qparams, n), q), "jao_affine_quantize");
            return Tensor.of(MemorySegment.ofArray(q.toArray(ValueLayout.JAVA_BYTE)),
                    spec.quantMin() < 0 ? DType.INT8 : DType.UINT8, x.shape());
        }
    }

    /** dequantize_affine into {@code outputDtype} (FLOAT32, BFLOAT16 or FLOAT16). */
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
                    Tensors.toNative(q, arena), floats(arena, qparams.scale(), n), zeroPoints(arena, spec, qparams, n),
                    floatType(outputDtype), y), "jao_affine_dequantize");
            return Tensor.of(MemorySegment.ofArray(y.toArray(ValueLayout.JAVA_BYTE)), outputDtype, q.shape());
        }
    }

    /**
     * The straight-through gradient of {@code dequantize(quantize(x))} with respect to x, as
     * torch's autograd gives it for torchao's fake quantization: {@code gradY} (any floating
     * dtype, x's shape) passed where the unclamped quantized value lies in
     * [quant_min, quant_max], 0 elsewhere; returned in x's dtype. INT and NONE domains.
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
                    Tensors.toNative(x, arena), floats(arena, qparams.scale(), n), zeroPoints(arena, spec, qparams, n),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, gradY.toFloatArray()), g), "jao_affine_fake_quantize_backward");
            return Tensor.of(MemorySegment.ofArray(g.toArray(ValueLayout.JAVA_BYTE)), x.dtype(), x.shape());
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
