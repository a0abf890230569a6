package dev.jao.internal;

import dev.jao.bindings.JaoAbi;
import dev.jao.bindings.jao_intx_info;
import dev.jao.bindings.jao_intx_params;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A packed int8-activation × intN-weight linear ({@code jao_linear.h}): packs plain
 * quantized tensors natively into memory owned by a {@link NativeMemory}, runs through
 * the critical {@code jao_intx_linear_run} handle ({@code jao_intx_linear_run_typed} for bf16 / fp16
 * activations or outputs: widened and narrowed natively, results bitwise those of the float32 run).
 */
public final class IntxKernel extends PackedKernel {
    private static final CriticalCalls.LinearRun RUN = CriticalCalls.LinearRun.bind("jao_intx_linear_run");
    private static final CriticalCalls.TypedLinearRun RUN_TYPED =
            CriticalCalls.TypedLinearRun.bind("jao_intx_linear_run_typed");

    /** Scale storage in the packed buffer (jao_scale_dtype). */
    public enum ScaleStorage { F32, BF16 }

    private final int nbit;
    private final long groupSize;

    private IntxKernel(MemorySegment packed, long n, long k, int nbit, long groupSize, DType scaleDtype, String layout) {
        super(packed, n, k, scaleDtype, layout);
        this.nbit = nbit;
        this.groupSize = groupSize;
    }

    /**
     * Packs {@code qdata [n, k]} (values in the int{@code nbit} range), {@code scales [n, k/group]},
     * optional {@code zeroPoints [n, k/group]} and {@code bias [n]} into {@code memory}.
     */
    public static IntxKernel pack(NativeMemory memory, long n, long k, int nbit, long groupSize, byte[] qdata,
                                  float[] scales, byte[] zeroPoints, float[] bias, ScaleStorage storage,
                                  DType scaleDtype) {
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = jao_intx_params.allocate(arena);
            jao_intx_params.n(p, n);
            jao_intx_params.k(p, k);
            jao_intx_params.weight_nbit(p, nbit);
            jao_intx_params.group_size(p, groupSize);
            jao_intx_params.scale_dtype(p, storage == ScaleStorage.BF16 ? JaoAbi.JAO_SCALE_BF16() : JaoAbi.JAO_SCALE_F32());
            jao_intx_params.has_zero_points(p, zeroPoints != null ? 1 : 0);
            jao_intx_params.has_bias(p, bias != null ? 1 : 0);
            jao_intx_params.layout(p, JaoAbi.JAO_INTX_LAYOUT_AUTO());
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check(JaoAbi.jao_intx_packed_size(p, size), "jao_intx_packed_size");
            long bytes = size.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment dst = memory.allocate(bytes);
            Native.check(JaoAbi.jao_intx_pack(p, arena.allocateFrom(ValueLayout.JAVA_BYTE, qdata),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, scales),
                    zeroPoints == null ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_BYTE, zeroPoints),
                    bias == null ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_FLOAT, bias), dst, bytes),
                    "jao_intx_pack");
            String layout = "x86 VNNI n16k4 int" + nbit + (storage == ScaleStorage.BF16 ? ", bf16 scales" : "");
            return new IntxKernel(dst, n, k, nbit, groupSize, scaleDtype, layout);
        }
    }

    /**
     * Wraps an existing packed buffer (e.g. a slice of a mapped model file) after checking
     * it completely, payload CRC included; {@code scaleDtype} is the dtype the scales were
     * quantized in (reported by plainTensors when the buffer stores them as fp32).
     *
     * @throws dev.jao.JaoException with CORRUPT_DATA if the buffer is damaged
     */
    public static IntxKernel fromPacked(MemorySegment packed, DType scaleDtype) {
        Native.ready();
        Native.check(JaoAbi.jao_intx_verify(packed, packed.byteSize()), "jao_intx_verify");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = jao_intx_info.allocate(arena);
            Native.check(JaoAbi.jao_intx_packed_info(packed, packed.byteSize(), 1, info), "jao_intx_packed_info");
            MemorySegment p = jao_intx_info.params(info);
            int nbit = jao_intx_params.weight_nbit(p);
            boolean bf16 = jao_intx_params.scale_dtype(p) == JaoAbi.JAO_SCALE_BF16();
            String layout = "x86 VNNI n16k4 int" + nbit + (bf16 ? ", bf16 scales" : "");
            return new IntxKernel(packed, jao_intx_params.n(p), jao_intx_params.k(p), nbit,
                    jao_intx_params.group_size(p), bf16 ? DType.BFLOAT16 : scaleDtype, layout);
        }
    }

    /** Weight bit width. */
    public int nbit() {
        return nbit;
    }

    @Override
    public Map<String, Tensor> plainTensors() {
        long n = outFeatures(), k = inFeatures(), groups = k / groupSize;
        byte[] q = new byte[Math.toIntExact(n * k)];
        float[] s = new float[Math.toIntExact(n * groups)];
        byte[] z = new byte[s.length];
        float[] b = new float[Math.toIntExact(n)];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment qs = arena.allocate(q.length), ss = arena.allocate(4L * s.length),
                    zs = arena.allocate(z.length), bs = arena.allocate(4L * b.length);
            Native.check(JaoAbi.jao_intx_unpack(packed(), packedBytes(), qs, ss, zs, bs), "jao_intx_unpack");
            MemorySegment.copy(qs, ValueLayout.JAVA_BYTE, 0, q, 0, q.length);
            MemorySegment.copy(ss, ValueLayout.JAVA_FLOAT, 0, s, 0, s.length);
            MemorySegment.copy(zs, ValueLayout.JAVA_BYTE, 0, z, 0, z.length);
            MemorySegment.copy(bs, ValueLayout.JAVA_FLOAT, 0, b, 0, b.length);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("qdata", Tensor.of(MemorySegment.ofArray(q), DType.INT8, n, k));
        out.put("scale", Tensors.fromFloats(s, scaleDtype(), n, groups));
        out.put("zero_point", Tensor.of(MemorySegment.ofArray(z), DType.INT8, n, groups));
        out.put("bias", Tensor.ofFloats(b, n));
        return out;
    }

    @Override
    CriticalCalls.LinearRun runCall() {
        return RUN;
    }

    @Override
    CriticalCalls.TypedLinearRun typedRunCall() {
        return RUN_TYPED;
    }

    @Override
    int workspaceSize(MemorySegment packed, long packedSize, long rows, MemorySegment bytes) {
        return JaoAbi.jao_intx_workspace_size(packed, packedSize, rows, bytes);
    }

    /** Typed runs widen 16-bit activations to float32 first, so xType does not change the plan. */
    @Override
    int tierCode(MemorySegment packed, long packedSize, long rows, int xType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = jao_intx_info.allocate(arena);
            Native.check(JaoAbi.jao_intx_packed_info(packed, packedSize, rows, info), "jao_intx_packed_info");
            return jao_intx_info.isa(info);
        }
    }
}
