package dev.jao.internal;

import dev.jao.bindings.JaoAbi;
import dev.jao.bindings.jao_wo_info;
import dev.jao.bindings.jao_wo_params;
import dev.jao.quant.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A packed weight-only linear ({@code jao_weight_only.h}): floating activations ×
 * 1..8-bit weight codes, {@code w = s * (code - center - z) + o} per group.
 */
public final class WeightOnlyKernel extends PackedKernel {
    private static final CriticalCalls.LinearRun RUN = CriticalCalls.LinearRun.bind("jao_wo_linear_run");
    private static final CriticalCalls.TypedLinearRun RUN_TYPED =
            CriticalCalls.TypedLinearRun.bind("jao_wo_linear_run_typed");

    /**
     * Plain weight-only tensors as the C ABI takes them.
     *
     * @param n output features
     * @param k input features
     * @param nbit code width, 1..8
     * @param center subtracted from every code
     * @param groupSize elements per group (divides k)
     * @param codes [n, k] codes in [0, 2^nbit), one per byte
     * @param scales [n, k/group]
     * @param zeroPoints [n, k/group] integer zero points, or null
     * @param offsets [n, k/group] float offsets, or null
     * @param bias [n], or null
     */
    public record Plain(long n, long k, int nbit, int center, long groupSize, byte[] codes, float[] scales,
                        int[] zeroPoints, float[] offsets, float[] bias) {}

    private final Plain shape;

    private WeightOnlyKernel(MemorySegment packed, Plain shape, DType scaleDtype, String layout) {
        super(packed, shape.n(), shape.k(), scaleDtype, layout);
        this.shape = shape;
    }

    /** Packs {@code w} into {@code memory}, its scales stored as {@code scaleDtype} (FLOAT32 or BFLOAT16). */
    public static WeightOnlyKernel pack(NativeMemory memory, Plain w, DType scaleDtype) {
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = params(arena, w, scaleDtype);
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check(JaoAbi.jao_wo_packed_size(p, size), "jao_wo_packed_size");
            long bytes = size.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment dst = memory.allocate(bytes);
            Native.check(JaoAbi.jao_wo_pack(p, arena.allocateFrom(ValueLayout.JAVA_BYTE, w.codes()),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, w.scales()),
                    w.zeroPoints() == null ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_INT, w.zeroPoints()),
                    w.offsets() == null ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_FLOAT, w.offsets()),
                    w.bias() == null ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_FLOAT, w.bias()),
                    dst, bytes), "jao_wo_pack");
            return new WeightOnlyKernel(dst, header(w), scaleDtype, layoutName(w.nbit(), scaleDtype));
        }
    }

    /**
     * Wraps an existing packed buffer (e.g. a slice of a mapped model file) after checking
     * it completely, payload CRC included.
     *
     * @throws dev.jao.JaoException with CORRUPT_DATA if the buffer is damaged
     */
    public static WeightOnlyKernel fromPacked(MemorySegment packed) {
        Native.ready();
        Native.check(JaoAbi.jao_wo_verify(packed, packed.byteSize()), "jao_wo_verify");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = jao_wo_info.allocate(arena);
            Native.check(JaoAbi.jao_wo_packed_info(packed, packed.byteSize(), 1, info), "jao_wo_packed_info");
            MemorySegment p = jao_wo_info.params(info);
            DType sdt = jao_wo_params.scale_dtype(p) == JaoAbi.JAO_SCALE_BF16() ? DType.BFLOAT16 : DType.FLOAT32;
            Plain shape = new Plain(jao_wo_params.n(p), jao_wo_params.k(p), jao_wo_params.weight_nbit(p),
                    jao_wo_params.center(p), jao_wo_params.group_size(p), null, null,
                    jao_wo_params.has_zero_points(p) != 0 ? new int[0] : null,
                    jao_wo_params.has_offsets(p) != 0 ? new float[0] : null,
                    jao_wo_params.has_bias(p) != 0 ? new float[0] : null);
            return new WeightOnlyKernel(packed, shape, sdt, layoutName(shape.nbit(), sdt));
        }
    }

    private static Plain header(Plain w) {
        return new Plain(w.n(), w.k(), w.nbit(), w.center(), w.groupSize(), null, null,
                w.zeroPoints() == null ? null : new int[0], w.offsets() == null ? null : new float[0],
                w.bias() == null ? null : new float[0]);
    }

    private static String layoutName(int nbit, DType scaleDtype) {
        return "weight-only n16 " + nbit + "-bit codes" + (scaleDtype == DType.BFLOAT16 ? ", bf16 scales" : "");
    }

    private static MemorySegment params(Arena arena, Plain w, DType scaleDtype) {
        MemorySegment p = jao_wo_params.allocate(arena);
        jao_wo_params.n(p, w.n());
        jao_wo_params.k(p, w.k());
        jao_wo_params.weight_nbit(p, w.nbit());
        jao_wo_params.center(p, w.center());
        jao_wo_params.group_size(p, w.groupSize());
        jao_wo_params.scale_dtype(p, scaleDtype == DType.BFLOAT16 ? JaoAbi.JAO_SCALE_BF16() : JaoAbi.JAO_SCALE_F32());
        jao_wo_params.has_zero_points(p, w.zeroPoints() != null ? 1 : 0);
        jao_wo_params.has_offsets(p, w.offsets() != null ? 1 : 0);
        jao_wo_params.has_bias(p, w.bias() != null ? 1 : 0);
        jao_wo_params.layout(p, JaoAbi.JAO_WO_LAYOUT_AUTO());
        return p;
    }

    /** The packed tensors back as plain arrays (absent zero points, offsets and bias are null). */
    public Plain unpack() {
        long n = shape.n(), k = shape.k(), groups = n * (k / shape.groupSize());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(n * k), s = arena.allocate(ValueLayout.JAVA_FLOAT, groups),
                    z = arena.allocate(ValueLayout.JAVA_INT, groups), o = arena.allocate(ValueLayout.JAVA_FLOAT, groups),
                    b = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            Native.check(JaoAbi.jao_wo_unpack(packed(), packedBytes(), c, s, z, o, b), "jao_wo_unpack");
            return new Plain(n, k, shape.nbit(), shape.center(), shape.groupSize(), c.toArray(ValueLayout.JAVA_BYTE),
                    s.toArray(ValueLayout.JAVA_FLOAT),
                    shape.zeroPoints() == null ? null : z.toArray(ValueLayout.JAVA_INT),
                    shape.offsets() == null ? null : o.toArray(ValueLayout.JAVA_FLOAT),
                    shape.bias() == null ? null : b.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    /**
     * The plain tensors: "qdata" (codes minus center as INT8 for signed weights, the codes
     * as UINT8 for unsigned ones), "scale", "zero_point" (when packed; INT8 / UINT8 like
     * qdata), "zero_point_float" (the offsets, when packed), "bias" (when packed).
     */
    @Override
    public java.util.Map<String, dev.jao.tensor.Tensor> plainTensors() {
        Plain p = unpack();
        long n = p.n(), k = p.k(), groups = k / p.groupSize();
        DType intType = p.center() > 0 ? DType.INT8 : DType.UINT8;
        java.util.Map<String, dev.jao.tensor.Tensor> out = new java.util.LinkedHashMap<>();
        byte[] q = p.codes().clone();
        for (int i = 0; i < q.length; i++) q[i] = (byte) ((q[i] & 0xff) - p.center());
        out.put("qdata", dev.jao.tensor.Tensor.of(MemorySegment.ofArray(q), intType, n, k));
        out.put("scale", Tensors.fromFloats(p.scales(), scaleDtype(), n, groups));
        if (p.zeroPoints() != null) {
            byte[] z = new byte[p.zeroPoints().length];
            for (int i = 0; i < z.length; i++) z[i] = (byte) p.zeroPoints()[i];
            out.put("zero_point", dev.jao.tensor.Tensor.of(MemorySegment.ofArray(z), intType, n, groups));
        }
        if (p.offsets() != null) out.put("zero_point_float", Tensors.fromFloats(p.offsets(), scaleDtype(), n, groups));
        if (p.bias() != null) out.put("bias", dev.jao.tensor.Tensor.ofFloats(p.bias(), n));
        return out;
    }

    @Override
    CriticalCalls.LinearRun runCall() {
        return RUN;
    }

    /** Natively typed: bf16 activations run the bf16 dot-product GEMV where the CPU has it. */
    @Override
    CriticalCalls.TypedLinearRun typedRunCall() {
        return RUN_TYPED;
    }

    @Override
    int workspaceSize(MemorySegment packed, long packedSize, long rows, MemorySegment bytes) {
        return JaoAbi.jao_wo_workspace_size(packed, packedSize, rows, bytes);
    }

    /** bf16 activations may run the bf16 dot-product GEMV (avx512_bf16). */
    @Override
    int tierCode(MemorySegment packed, long packedSize, long rows, int xType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = jao_wo_info.allocate(arena);
            Native.check(JaoAbi.jao_wo_packed_info_typed(packed, packedSize, rows, xType, info),
                    "jao_wo_packed_info_typed");
            return jao_wo_info.isa(info);
        }
    }
}
