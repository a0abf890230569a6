package dev.jao.internal;

import dev.jao.bindings.JaoAbi;
import dev.jao.bindings.jao_int8_info;
import dev.jao.bindings.jao_int8_params;
import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.quant.DType;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A packed int8 × int8 linear ({@code jao_int8.h}): per-token int8 activations,
 * symmetric per-row int8 weights, exact integer matmul (oneDNN or jao's kernels, chosen
 * at pack time) and torchao's float epilogue; bf16 / fp16 activations and outputs through
 * {@code jao_int8_linear_run_typed} (widened and narrowed natively, results bitwise those of
 * the float32 run).
 */
public final class Int8Kernel extends PackedKernel {
    private static final CriticalCalls.LinearRun RUN = CriticalCalls.LinearRun.bind("jao_int8_linear_run");
    private static final CriticalCalls.TypedLinearRun RUN_TYPED =
            CriticalCalls.TypedLinearRun.bind("jao_int8_linear_run_typed");

    private final boolean hasBias;

    private Int8Kernel(MemorySegment packed, long n, long k, boolean hasBias, String layout) {
        super(packed, n, k, DType.FLOAT32, layout);
        this.hasBias = hasBias;
    }

    /**
     * Packs {@code qdata [n, k]}, per-row {@code scales [n]} and {@code bias [n]} (or null) into
     * {@code memory}; activations are quantized per token, or per tensor when {@code perTensor},
     * to [-64, 63] when {@code reduceRange}, with torchao's bf16 arithmetic (activation scale and
     * epilogue, {@code JAO_INT8_ACT_BF16}) when {@code bf16Model}.
     */
    public static Int8Kernel pack(NativeMemory memory, long n, long k, MappingType act, boolean perTensor,
                                  boolean reduceRange, boolean bf16Model, byte[] qdata, float[] scales, float[] bias) {
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = jao_int8_params.allocate(arena);
            jao_int8_params.n(p, n);
            jao_int8_params.k(p, k);
            jao_int8_params.act_mapping(p, act == MappingType.ASYMMETRIC ? JaoAbi.JAO_ACT_ASYMMETRIC()
                    : JaoAbi.JAO_ACT_SYMMETRIC());
            jao_int8_params.has_bias(p, bias != null ? 1 : 0);
            jao_int8_params.backend(p, backendFromProperty());
            jao_int8_params.act_flags(p, (perTensor ? JaoAbi.JAO_INT8_ACT_PER_TENSOR() : 0)
                    | (reduceRange ? JaoAbi.JAO_INT8_ACT_REDUCE_RANGE() : 0)
                    | (bf16Model ? JaoAbi.JAO_INT8_ACT_BF16() : 0));
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check(JaoAbi.jao_int8_packed_size(p, size), "jao_int8_packed_size");
            long bytes = size.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment dst = memory.allocate(bytes);
            Native.check(JaoAbi.jao_int8_pack(p, arena.allocateFrom(ValueLayout.JAVA_BYTE, qdata),
                    arena.allocateFrom(ValueLayout.JAVA_FLOAT, scales),
                    bias == null ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_FLOAT, bias), dst, bytes),
                    "jao_int8_pack");
            return fromVerified(dst);
        }
    }

    private static int backendFromProperty() {
        String name = Int8DynamicActivationInt8WeightConfig.BACKEND_PROPERTY;
        String v = System.getProperty(name, "auto");
        return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> JaoAbi.JAO_INT8_BACKEND_AUTO();
            case "onednn" -> JaoAbi.JAO_INT8_BACKEND_ONEDNN();
            case "jao" -> JaoAbi.JAO_INT8_BACKEND_JAO();
            default -> throw new IllegalArgumentException(
                    "-D" + name + "=" + v + ": expected auto, onednn or jao");
        };
    }

    /**
     * Wraps an existing packed buffer after checking it completely, payload CRC included.
     *
     * @throws dev.jao.JaoException with CORRUPT_DATA if the buffer is damaged
     */
    public static Int8Kernel fromPacked(MemorySegment packed) {
        Native.ready();
        Native.check(JaoAbi.jao_int8_verify(packed, packed.byteSize()), "jao_int8_verify");
        return fromVerified(packed);
    }

    private static Int8Kernel fromVerified(MemorySegment packed) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = jao_int8_info.allocate(arena);
            Native.check(JaoAbi.jao_int8_packed_info(packed, packed.byteSize(), 1, info), "jao_int8_packed_info");
            MemorySegment p = jao_int8_info.params(info);
            String backend = jao_int8_params.backend(p) == JaoAbi.JAO_INT8_BACKEND_ONEDNN() ? "oneDNN" : "jao";
            int flags = jao_int8_params.act_flags(p);
            String act = (jao_int8_params.act_mapping(p) == JaoAbi.JAO_ACT_ASYMMETRIC() ? "asymmetric" : "symmetric")
                    + ((flags & JaoAbi.JAO_INT8_ACT_PER_TENSOR()) != 0 ? " per-tensor" : "")
                    + ((flags & JaoAbi.JAO_INT8_ACT_BF16()) != 0 ? " bf16" : "");
            return new Int8Kernel(packed, jao_int8_params.n(p), jao_int8_params.k(p), jao_int8_params.has_bias(p) != 0,
                    "int8 x int8 (" + backend + "), " + act + " activations");
        }
    }

    @Override
    public Map<String, Tensor> plainTensors() {
        long n = outFeatures(), k = inFeatures();
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q = arena.allocate(n * k), s = arena.allocate(ValueLayout.JAVA_FLOAT, n),
                    b = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            Native.check(JaoAbi.jao_int8_unpack(packed(), packedBytes(), q, s, b), "jao_int8_unpack");
            out.put("qdata", Tensor.of(MemorySegment.ofArray(q.toArray(ValueLayout.JAVA_BYTE)), DType.INT8, n, k));
            out.put("scale", Tensor.ofFloats(s.toArray(ValueLayout.JAVA_FLOAT), n, 1));
            out.put("zero_point", Tensor.of(MemorySegment.ofArray(new byte[Math.toIntExact(n)]), DType.INT8, n, 1));
            if (hasBias) out.put("bias", Tensor.ofFloats(b.toArray(ValueLayout.JAVA_FLOAT), n));
        }
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
        return JaoAbi.jao_int8_workspace_size(packed, packedSize, rows, bytes);
    }

    /** Typed runs widen 16-bit activations to float32 first, so xType does not change the plan. */
    @Override
    int tierCode(MemorySegment packed, long packedSize, long rows, int xType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = jao_int8_info.allocate(arena);
            Native.check(JaoAbi.jao_int8_packed_info(packed, packedSize, rows, info), "jao_int8_packed_info");
            return jao_int8_info.isa(info);
        }
    }
}
