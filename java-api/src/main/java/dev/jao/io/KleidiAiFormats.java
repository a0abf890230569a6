package dev.jao.io;

import dev.jao.bindings.JaoAbi;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.internal.IntxLinearTransform;
import dev.jao.internal.Native;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * The Arm KleidiAI weight buffers torchao and ATen build, byte-identical to theirs, from
 * and to jao layers: torchao's {@code OPAQUE_TORCHAO_KLEIDIAI} packed_weights (64-byte
 * header + KleidiAI qsi4c32p bytes) and ATen's {@code _dyn_quant_pack_4bit_weight} buffer
 * on KleidiAI builds, plus the float32 buffer the same ATen op builds without KleidiAI (every
 * x86 torch: its fallback format). Imported buffers are unpacked and repacked into jao's
 * layout for the running CPU (on x86: the VNNI layout), so they run anywhere.
 */
public final class KleidiAiFormats {
    private KleidiAiFormats() {}

    /**
     * torchao's packed_weights for a symmetric int4 groupwise layer (group size a multiple
     * of 32), for KleidiAI's ukernel tile (nr, kr, sr) ∈ {(8,16,2), (4,16,2), (8,8,2)}.
     *
     * @param layer a quantized layer whose weights are int4 values with zero points 0 (symmetric)
     * @param nr the ukernel's output-channel tile (8 or 4)
     * @param kr the ukernel's depth tile (16 or 8)
     * @param sr the ukernel's split ratio (2)
     * @return a new heap UINT8 tensor {@code [bytes]} holding the header and packed buffer, byte-identical
     *     to torchao's
     * @throws IllegalArgumentException if the layer is not int4 symmetric groupwise or the tile is unknown
     */
    public static Tensor torchaoPackedWeights(QuantizedLinear layer, int nr, int kr, int sr) {
        Int4Layer w = Int4Layer.of(layer);
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check(JaoAbi.jao_kai_torchao_qsi4c32p_packed_size(w.n, w.k, w.group, nr, kr, sr, size),
                    "jao_kai_torchao_qsi4c32p_packed_size");
            long bytes = size.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment dst = arena.allocate(bytes);
            Native.check(JaoAbi.jao_kai_torchao_qsi4c32p_pack(w.n, w.k, w.group, nr, kr, sr,
                    arena.allocateFrom(ValueLayout.JAVA_BYTE, w.qdata), arena.allocateFrom(ValueLayout.JAVA_FLOAT, w.scales),
                    w.bias == null ? MemorySegment.NULL : arena.allocateFrom(ValueLayout.JAVA_FLOAT, w.bias), dst, bytes),
                    "jao_kai_torchao_qsi4c32p_pack");
            return Tensor.of(MemorySegment.ofArray(dst.toArray(ValueLayout.JAVA_BYTE)), DType.UINT8, bytes);
        }
    }

    /**
     * A layer from torchao's packed_weights (header checked: JaoException CORRUPT_DATA when
     * it is not a KleidiAI int4 buffer), repacked for jao's kernels with bf16 scales.
     *
     * @param packedWeights torchao's packed_weights bytes (64-byte header + qsi4c32p data), any dtype view
     * @param n output features (N) of the layer
     * @param k input features (K) of the layer
     * @param groupSize elements per group along K, a multiple of 32 dividing {@code k}
     * @param modelDtype the dtype of the original weight
     * @return a new quantized layer owning native memory (close it); int4 symmetric with bf16 scales
     */
    public static QuantizedLinear fromTorchaoPackedWeights(Tensor packedWeights, long n, long k, long groupSize,
                                                           DType modelDtype) {
        requireShape(packedWeights, n, k, groupSize);
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = dev.jao.internal.Tensors.toNative(packedWeights, arena);
            MemorySegment q = arena.allocate(n * k), s = arena.allocate(ValueLayout.JAVA_FLOAT, n * (k / groupSize)),
                    b = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            Native.check(JaoAbi.jao_kai_torchao_qsi4c32p_unpack(n, k, groupSize, src, src.byteSize(), q, s, b),
                    "jao_kai_torchao_qsi4c32p_unpack");
            boolean hasBias = src.get(ValueLayout.JAVA_INT_UNALIGNED, 16) != 0;  // header word 4
            return layer(n, k, groupSize, modelDtype, q, s, hasBias ? b : null, IntxPackingFormat.OPAQUE_TORCHAO_KLEIDIAI,
                    DType.BFLOAT16);
        }
    }

    /**
     * ATen's {@code _dyn_quant_pack_4bit_weight} buffer as KleidiAI builds of torch make it
     * (nr 8, kr 16, sr 2, no header): per channel (group == K, fp32 scales) or groupwise
     * (group a multiple of 32, bf16 scales).
     *
     * @param layer a quantized layer whose weights are int4 values with zero points 0 (symmetric)
     * @return a new heap UINT8 tensor {@code [bytes]} byte-identical to ATen's buffer; an all-zero bias is
     *     written as no bias
     * @throws IllegalArgumentException if the layer is not int4 symmetric
     */
    public static Tensor atenDynQuant4bit(QuantizedLinear layer) {
        Int4Layer w = Int4Layer.of(layer);
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check(JaoAbi.jao_kai_aten_dyn_quant_4bit_packed_size(w.n, w.k, w.group, size),
                    "jao_kai_aten_dyn_quant_4bit_packed_size");
            long bytes = size.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment dst = arena.allocate(bytes);
            Native.check(JaoAbi.jao_kai_aten_dyn_quant_4bit_pack(w.n, w.k, w.group, arena.allocateFrom(
                    ValueLayout.JAVA_BYTE, w.nibbles()), w.scalesFor(arena), w.group == w.k ? JaoAbi.JAO_KAI_SCALE_F32()
                    : JaoAbi.JAO_KAI_SCALE_BF16(), w.bias == null ? MemorySegment.NULL
                    : arena.allocateFrom(ValueLayout.JAVA_FLOAT, w.bias), dst, bytes), "jao_kai_aten_dyn_quant_4bit_pack");
            return Tensor.of(MemorySegment.ofArray(dst.toArray(ValueLayout.JAVA_BYTE)), DType.UINT8, bytes);
        }
    }

    /**
     * ATen's {@code _dyn_quant_pack_4bit_weight} buffer as torch builds it without KleidiAI
     * (every x86 build): float32 values, the {@code N*K/2} nibble bytes (each {@code 0..255}),
     * then the {@code N*K/blockSize} scales (row-major), then the {@code N} bias values if
     * there is a bias. ATen's {@code _dyn_quant_matmul_4bit} reads it with its reference kernel.
     *
     * @param layer a quantized layer whose weights are int4 values with zero points 0 (symmetric),
     *     per channel or in groups of a multiple of 32
     * @return a new heap FLOAT32 tensor {@code [elements]} bit-identical to ATen's buffer (scales as the
     *     layer holds them, bf16 ones widened exactly); an all-zero bias is written as no bias
     * @throws IllegalArgumentException if the layer is not int4 symmetric
     */
    public static Tensor atenDynQuant4bitFallback(QuantizedLinear layer) {
        Int4Layer w = Int4Layer.of(layer);
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check(JaoAbi.jao_aten_dyn_quant_4bit_fallback_packed_size(w.n, w.k, w.group, w.bias == null ? 0 : 1,
                    size), "jao_aten_dyn_quant_4bit_fallback_packed_size");
            long bytes = size.get(ValueLayout.JAVA_LONG, 0);
            MemorySegment dst = arena.allocate(bytes, Float.BYTES);
            Native.check(JaoAbi.jao_aten_dyn_quant_4bit_fallback_pack(w.n, w.k, w.group,
                    arena.allocateFrom(ValueLayout.JAVA_BYTE, w.nibbles()), arena.allocateFrom(ValueLayout.JAVA_FLOAT,
                    w.scales), JaoAbi.JAO_KAI_SCALE_F32(), w.bias == null ? MemorySegment.NULL
                    : arena.allocateFrom(ValueLayout.JAVA_FLOAT, w.bias), dst, bytes),
                    "jao_aten_dyn_quant_4bit_fallback_pack");
            return Tensor.ofFloats(dst.toArray(ValueLayout.JAVA_FLOAT), bytes / Float.BYTES);
        }
    }

    /**
     * A layer from either buffer of ATen's {@code _dyn_quant_pack_4bit_weight}, told apart by
     * the tensor's dtype as torch tells them apart: FLOAT32 is the fallback buffer (see
     * {@link #atenDynQuant4bitFallback}; it has a bias when it holds {@code N} values more than
     * the weights and scales), any other dtype holds the KleidiAI bytes (see {@link #atenDynQuant4bit}).
     *
     * @param packed the buffer as ATen's {@code _dyn_quant_pack_4bit_weight} made it
     * @param n output features (N) of the layer
     * @param k input features (K) of the layer
     * @param blockSize elements per group along K: {@code k} for per channel, else a multiple of 32
     * @param modelDtype the dtype of the original weight
     * @return a new quantized layer owning native memory (close it): from the KleidiAI buffer with the
     *     {@code OPAQUE_ATEN_KLEIDIAI} packing format; from the fallback buffer with jao's own
     *     {@code OPAQUE_TORCHAO_AUTO} layout and FLOAT32 scales, which keep the buffer's scales exactly
     *     (the KleidiAI layouts would round groupwise scales to bfloat16)
     * @throws IllegalArgumentException if the shape does not fit the buffer
     * @throws dev.jao.JaoException with CORRUPT_DATA if a fallback buffer's weight values are not bytes
     */
    public static QuantizedLinear fromAtenDynQuant4bit(Tensor packed, long n, long k, long blockSize, DType modelDtype) {
        if (packed.dtype() == DType.FLOAT32) return fromAtenFallback(packed, n, k, blockSize, modelDtype);
        requireShape(packed, n, k, blockSize);
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = dev.jao.internal.Tensors.toNative(packed, arena);
            long groups = n * (k / blockSize);
            boolean channelwise = blockSize == k;
            MemorySegment nib = arena.allocate(n * (k / 2)), s = arena.allocate(channelwise ? 4 * n : 2 * groups),
                    b = arena.allocate(ValueLayout.JAVA_FLOAT, n);
            Native.check(JaoAbi.jao_kai_aten_dyn_quant_4bit_unpack(n, k, blockSize, src, src.byteSize(), nib, s, b),
                    "jao_kai_aten_dyn_quant_4bit_unpack");
            MemorySegment scales = arena.allocate(ValueLayout.JAVA_FLOAT, groups);
            for (long g = 0; g < groups; g++) {
                float v = channelwise ? s.getAtIndex(ValueLayout.JAVA_FLOAT, g)
                        : Float.intBitsToFloat((s.getAtIndex(ValueLayout.JAVA_SHORT, g) & 0xffff) << 16);
                scales.setAtIndex(ValueLayout.JAVA_FLOAT, g, v);
            }
            return layer(n, k, blockSize, modelDtype, int4FromNibbles(nib, n, k, arena), scales, b,
                    IntxPackingFormat.OPAQUE_ATEN_KLEIDIAI, channelwise ? DType.FLOAT32 : DType.BFLOAT16);
        }
    }

    private static QuantizedLinear fromAtenFallback(Tensor packed, long n, long k, long blockSize, DType modelDtype) {
        boolean hasBias = fallbackHasBias(packed, n, k, blockSize);
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = dev.jao.internal.Tensors.toNative(packed, arena);
            MemorySegment nib = arena.allocate(n * (k / 2)), s = arena.allocate(ValueLayout.JAVA_FLOAT, n * (k / blockSize)),
                    b = hasBias ? arena.allocate(ValueLayout.JAVA_FLOAT, n) : MemorySegment.NULL;
            Native.check(JaoAbi.jao_aten_dyn_quant_4bit_fallback_unpack(n, k, blockSize, hasBias ? 1 : 0, src,
                    src.byteSize(), nib, s, b), "jao_aten_dyn_quant_4bit_fallback_unpack");
            return layer(n, k, blockSize, modelDtype, int4FromNibbles(nib, n, k, arena), s, hasBias ? b : null,
                    IntxPackingFormat.OPAQUE_TORCHAO_AUTO, DType.FLOAT32);
        }
    }

    /** ATen's nibbles (low nibble = even column, value + 8) as int8 values {@code [n * k]}. */
    private static MemorySegment int4FromNibbles(MemorySegment nib, long n, long k, Arena arena) {
        MemorySegment q = arena.allocate(n * k);
        for (long i = 0; i < n * k; i++) {
            int byteVal = nib.get(ValueLayout.JAVA_BYTE, i / 2) & 0xff;
            q.set(ValueLayout.JAVA_BYTE, i, (byte) (((i & 1) == 0 ? byteVal & 0xf : byteVal >>> 4) - 8));
        }
        return q;
    }

    /**
     * Whether a fallback buffer of the claimed shape holds a bias, from its element count as
     * ATen decides it; any other count is refused before anything is allocated for it.
     */
    private static boolean fallbackHasBias(Tensor packed, long n, long k, long blockSize) {
        if (n < 1 || k < 2 || k % 2 != 0 || blockSize < 1 || k % blockSize != 0
                || (blockSize != k && blockSize % 32 != 0)) {
            throw new IllegalArgumentException("bad ATen fallback shape n=" + n + " k=" + k + " blockSize=" + blockSize
                    + ": n >= 1, k even, blockSize dividing k and either k or a multiple of 32");
        }
        long elements = packed.data().byteSize() / Float.BYTES;
        long withoutBias;
        try {
            long nk = Math.multiplyExact(n, k);
            withoutBias = Math.addExact(nk / 2, nk / blockSize);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("n=" + n + " x k=" + k + " overflows a buffer size", e);
        }
        if (elements == withoutBias) return false;
        if (elements - withoutBias == n) return true;
        throw new IllegalArgumentException("an ATen fallback buffer of " + elements + " float32 values does not hold n="
                + n + " x k=" + k + " with blockSize=" + blockSize + " (" + withoutBias + " values, " + n
                + " more with a bias)");
    }

    /**
     * Checks the claimed shape against the buffer before anything is allocated for it: a
     * wrong n or k must give a clear error, not a huge allocation (the native unpackers
     * check the exact layout afterwards).
     */
    private static void requireShape(Tensor packed, long n, long k, long group) {
        if (n < 1 || k < 1 || group < 1 || k % group != 0) {
            throw new IllegalArgumentException("bad KleidiAI shape n=" + n + " k=" + k + " group=" + group
                    + ": n, k and the group must be >= 1 and the group must divide k");
        }
        long bytes = packed.data().byteSize();
        if (n > 2 * bytes / k) {  // n * k / 2 > bytes without overflow: every 4-bit weight needs half a byte
            throw new IllegalArgumentException("a " + bytes + "-byte KleidiAI buffer cannot hold n=" + n + " x k=" + k
                    + " 4-bit weights");
        }
    }

    private static QuantizedLinear layer(long n, long k, long group, DType modelDtype, MemorySegment q, MemorySegment s,
                                         MemorySegment bias, IntxPackingFormat format, DType scaleDtype) {
        Granularity g = group == k ? new Granularity.PerAxis(0) : new Granularity.PerGroup(Math.toIntExact(group));
        boolean f32Scales = scaleDtype == DType.FLOAT32;
        var config = Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4).weightGranularity(g)
                .weightMappingType(MappingType.SYMMETRIC).weightScaleDtype(scaleDtype)
                .intxPackingFormat(format).build();
        long groups = n * (k / group);
        float[] sv = s.toArray(ValueLayout.JAVA_FLOAT);
        Tensor scale = f32Scales ? Tensor.ofFloats(sv, n, k / group)
                : dev.jao.internal.Tensors.fromFloats(sv, DType.BFLOAT16, n, k / group);
        Tensor zp = Tensor.of(MemorySegment.ofArray(new byte[Math.toIntExact(groups)]), DType.INT8, n, k / group);
        Tensor b = bias == null ? null : Tensor.ofFloats(bias.toArray(ValueLayout.JAVA_FLOAT), n);
        return IntxLinearTransform.fromPlain(config, modelDtype,
                Tensor.of(MemorySegment.ofArray(q.toArray(ValueLayout.JAVA_BYTE)), DType.INT8, n, k), scale, zp, b);
    }

    /** The plain tensors of a symmetric int4 layer. */
    private record Int4Layer(long n, long k, long group, byte[] qdata, float[] scales, float[] bias) {
        static Int4Layer of(QuantizedLinear layer) {
            boolean int4 = switch (layer.config()) {
                case Int8DynamicActivationIntxWeightConfig c -> c.weightDtype() == DType.INT4;
                case dev.jao.config.Int8DynamicActivationInt4WeightConfig c -> true;
                default -> false;
            };
            if (!int4) {
                throw new IllegalArgumentException("KleidiAI buffers hold the int4 weights of an int8-activation layer; "
                        + "this layer was quantized with " + dev.jao.config.ConfigJson.toJson(layer.config()));
            }
            Map<String, Tensor> p = layer.plainTensors();
            Tensor q = p.get("qdata");
            long n = q.dim(0), k = q.dim(1), group = k / p.get("scale").dim(1);
            byte[] qd = q.data().toArray(ValueLayout.JAVA_BYTE);
            for (byte v : qd) {
                if (v < -8 || v > 7) throw new IllegalArgumentException("KleidiAI buffers hold int4 weights; this layer has "
                        + "a value " + v + " (config " + layer.config().torchaoName() + ")");
            }
            for (float z : p.get("zero_point").toFloatArray()) {
                if (z != 0) throw new IllegalArgumentException("KleidiAI int4 buffers have no zero points (symmetric weights only)");
            }
            // jao's int8-activation layers report an absent bias as zeros: an all-zero bias is written as none
            float[] bias = p.containsKey("bias") ? p.get("bias").toFloatArray() : null;
            boolean any = false;
            if (bias != null) for (float b : bias) any |= b != 0;
            return new Int4Layer(n, k, group, qd, p.get("scale").toFloatArray(), any ? bias : null);
        }

        /** ATen's nibbles: byte j of row n = (q[2j+1]+8) << 4 | (q[2j]+8). */
        byte[] nibbles() {
            byte[] out = new byte[Math.toIntExact(n * (k / 2))];
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) (((qdata[2 * i + 1] + 8) << 4) | (qdata[2 * i] + 8));
            }
            return out;
        }

        /** fp32 scales per channel, bf16 (round to nearest even) per group, as ATen stores them. */
        MemorySegment scalesFor(Arena arena) {
            if (group == k) return arena.allocateFrom(ValueLayout.JAVA_FLOAT, scales);
            MemorySegment bf = arena.allocate(2L * scales.length);
            for (int i = 0; i < scales.length; i++) {
                bf.setAtIndex(ValueLayout.JAVA_SHORT, i,
                        (short) (Float.floatToRawIntBits(dev.jao.internal.Tensors.roundBf16(scales[i])) >>> 16));
            }
            return bf;
        }
    }
}
