package dev.jao.io;

import dev.jao.internal.Json;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped safetensors file: 8-byte little-endian header length, a JSON header,
 * then the tensor bytes. Every entry is validated on open (known dtype, non-negative
 * shape, offsets inside the file, size = elements × dtype size, no overlaps), so reading
 * a tensor never goes out of bounds. Tensors are views of the mapping: valid until
 * {@link #close()}.
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Headers beyond this size are rejected (the format's reference reader uses 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    /**
     * One tensor of the file.
     *
     * @param name the tensor's name
     * @param dtype the safetensors dtype string ("F32", "BF16", "I8", ...)
     * @param shape the shape
     * @param data the bytes (a view of the mapping)
     */
    public record Entry(String name, String dtype, long[] shape, MemorySegment data) {}

    private static final Map<String, Integer> DTYPE_BYTES = Map.of(
            "F64", 8, "F32", 4, "F16", 2, "BF16", 2, "I64", 8, "I32", 4, "I16", 2, "I8", 1, "U8", 1, "BOOL", 1);

    private final Path path;
    private final Arena arena;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Maps and validates a file.
     *
     * @param path the safetensors file to map read-only
     * @return the open file; close it to unmap
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not a valid safetensors file (the message says why)
     */
    public static SafetensorsFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            SafetensorsFile f = parse(path, arena, file);
            return f;
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static SafetensorsFile parse(Path path, Arena arena, MemorySegment file) {
        long size = file.byteSize();
        if (size < 8) throw bad(path, "file is " + size + " bytes, shorter than the 8-byte header length");
        long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
            throw bad(path, "header length " + headerLen + " does not fit a file of " + size + " bytes");
        }
        String json = new String(file.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw bad(path, "header is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(root instanceof Map<?, ?> header)) throw bad(path, "header is not a JSON object");
        MemorySegment data = file.asSlice(8 + headerLen);
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> meta)) throw bad(path, "__metadata__ is not an object");
                meta.forEach((k, v) -> metadata.put((String) k, String.valueOf(v)));
                continue;
            }
            entries.put(name, entry(path, name, e.getValue(), data));
        }
        checkNoOverlap(path, entries.values(), data);
        return new SafetensorsFile(path, arena, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(Path path, String name, Object spec, MemorySegment data) {
        if (!(spec instanceof Map<?, ?> m)) throw bad(path, "entry '" + name + "' is not an object");
        if (!(m.get("dtype") instanceof String dtype) || !DTYPE_BYTES.containsKey(dtype)) {
            throw bad(path, "entry '" + name + "' has unknown dtype " + m.get("dtype"));
        }
        long[] shape = longs(path, name, "shape", m.get("shape"));
        long[] off = longs(path, name, "data_offsets", m.get("data_offsets"));
        if (off.length != 2 || off[0] > off[1] || off[1] > data.byteSize()) {
            throw bad(path, "entry '" + name + "' has data_offsets outside the " + data.byteSize() + "-byte data section");
        }
        long expected;
        try {
            expected = Math.multiplyExact(Tensor.numel(shape), DTYPE_BYTES.get(dtype));
        } catch (ArithmeticException | IllegalArgumentException ex) {
            throw bad(path, "entry '" + name + "' has an invalid shape");
        }
        if (off[1] - off[0] != expected) {
            throw bad(path, "entry '" + name + "' spans " + (off[1] - off[0]) + " bytes but " + dtype + " of shape "
                    + java.util.Arrays.toString(shape) + " needs " + expected);
        }
        return new Entry(name, dtype, shape, data.asSlice(off[0], expected));
    }

    private static long[] longs(Path path, String name, String field, Object v) {
        if (!(v instanceof List<?> list)) throw bad(path, "entry '" + name + "' has no " + field + " list");
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < 0) throw bad(path, "entry '" + name + "' has a bad " + field);
            out[i] = l;
        }
        return out;
    }

    private static void checkNoOverlap(Path path, Iterable<Entry> all, MemorySegment data) {
        List<Entry> sorted = new ArrayList<>();
        all.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(e -> e.data().address()));
        for (int i = 1; i < sorted.size(); i++) {
            Entry a = sorted.get(i - 1), b = sorted.get(i);
            if (a.data().address() + a.data().byteSize() > b.data().address()) {
                throw bad(path, "entries '" + a.name() + "' and '" + b.name() + "' overlap");
            }
        }
    }

    private static IllegalArgumentException bad(Path path, String why) {
        return new IllegalArgumentException("not a valid safetensors file " + path + ": " + why);
    }

    /** {@return the tensors by name, in header order (read-only)} */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** {@return the {@code __metadata__} strings by key, empty when the file has none} */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * The entry {@code name}; IllegalArgumentException naming the file if absent.
     *
     * @param name the tensor's name in the header
     * @return the entry, a view of the mapping
     */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new IllegalArgumentException(path + " has no tensor '" + name + "'");
        return e;
    }

    /**
     * The entry as a {@link Tensor} (F32, BF16, F16, I8, U8).
     *
     * @param name the tensor's name in the header
     * @return a view of the mapping, valid until {@link #close()}
     * @throws IllegalArgumentException if there is no such tensor or its dtype has no {@link dev.jao.quant.DType}
     */
    public Tensor tensor(String name) {
        Entry e = entry(name);
        DType t = switch (e.dtype()) {
            case "F32" -> DType.FLOAT32;
            case "BF16" -> DType.BFLOAT16;
            case "F16" -> DType.FLOAT16;
            case "I8" -> DType.INT8;
            case "U8" -> DType.UINT8;
            default -> throw new IllegalArgumentException("tensor '" + name + "' has dtype " + e.dtype()
                    + ", which has no Tensor mapping; use entry()");
        };
        return Tensor.of(e.data(), t, e.shape());
    }

    /**
     * An I32 entry as an int array.
     *
     * @param name the tensor's name in the header
     * @return a new array of the values, row-major, decoded from little-endian
     * @throws IllegalArgumentException if there is no such tensor or it is not I32
     */
    public int[] ints(String name) {
        Entry e = entry(name);
        if (!e.dtype().equals("I32")) throw new IllegalArgumentException("tensor '" + name + "' is " + e.dtype() + ", not I32");
        return e.data().toArray(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    /** Unmaps the file; tensors obtained from it become invalid. */
    @Override
    public void close() {
        arena.close();
    }
}
