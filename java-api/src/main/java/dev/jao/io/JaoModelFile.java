package dev.jao.io;

import dev.jao.config.ConfigJson;
import dev.jao.config.QuantConfig;
import dev.jao.internal.LinearKernel;
import dev.jao.internal.LinearQuantizers;
import dev.jao.internal.Json;
import dev.jao.internal.NativeMemory;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * jao's model file: every linear layer of a tree — quantized ones as config + packed buffer
 * (the portable form: it runs on any CPU), float ones as their weight and bias — in one
 * file, loaded back by memory mapping without copies.
 *
 * <p>Layout: {@code "JAOMODEL"}, u32 format version, u32 CRC32C of the header, u64 header
 * length, the header (JSON: per layer its name, kind, config, dtypes, shapes, offsets,
 * sizes, CRC32C), then the blobs, each 64-byte aligned. {@link #load} checks the magic,
 * version, header CRC, every offset and size against the file, and every blob's CRC32C
 * before any layer is used: a truncated, corrupted or wrong-version file is rejected with a
 * clear {@link IllegalArgumentException}, never read out of bounds.
 */
public final class JaoModelFile {
    private static final byte[] MAGIC = "JAOMODEL".getBytes(StandardCharsets.US_ASCII);
    /** The format version this library writes and reads. */
    public static final int FORMAT_VERSION = 1;
    private static final int PREFIX = 24;

    private JaoModelFile() {}

    /** A loaded model: the tree, and the mapping its layers read from. Close it to unmap. */
    public static final class MappedModel implements AutoCloseable {
        private final Module model;
        private final Arena arena;
        private final List<QuantizedLinear> layers;

        private MappedModel(Module model, Arena arena, List<QuantizedLinear> layers) {
            this.model = model;
            this.arena = arena;
            this.layers = layers;
        }

        /** {@return the module tree (valid until {@link #close()})} */
        public Module model() {
            return model;
        }

        /** Closes every quantized layer (waiting for forwards in flight), then unmaps the file. */
        @Override
        public void close() {
            layers.forEach(QuantizedLinear::close);
            arena.close();
        }
    }

    /**
     * Writes every Linear and QuantizedLinear of {@code model} to {@code path} (atomically).
     *
     * @param model the tree to save; only its Linear and QuantizedLinear layers are stored, under their
     *     fully qualified names
     * @param path the file to create or replace, written via a temporary sibling and an atomic move
     * @throws IOException if the file cannot be written (the temporary file is deleted)
     */
    public static void save(Module model, Path path) throws IOException {
        List<Map<String, Object>> entries = new ArrayList<>();
        List<MemorySegment> blobs = new ArrayList<>();
        long offset = 0;
        for (var e : model.namedModules().entrySet()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("fqn", e.getKey());
            if (e.getValue() instanceof QuantizedLinear q) {
                entry.put("kind", "packed");
                entry.put("config", ConfigJson.encode(q.config()));
                entry.put("model_dtype", q.modelDtype().name());
                entry.put("scale_dtype", q.scaleDtype().name());
                offset = addBlob(entry, "packed", q.packed(), offset, blobs);
            } else if (e.getValue() instanceof Linear l) {
                entry.put("kind", "linear");
                offset = addTensor(entry, "weight", l.weight(), offset, blobs);
                if (l.bias() != null) offset = addTensor(entry, "bias", l.bias(), offset, blobs);
            } else {
                continue;
            }
            entries.add(entry);
        }
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("format", "jao model");
        header.put("layers", entries);
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        long dataStart = align(PREFIX + json.length);
        Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), path.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ByteBuffer prefix = ByteBuffer.allocate(PREFIX).order(ByteOrder.LITTLE_ENDIAN);
            prefix.put(MAGIC).putInt(FORMAT_VERSION).putInt(crc(MemorySegment.ofArray(json))).putLong(json.length);
            out.write(prefix.array());
            out.write(json);
            out.write(new byte[(int) (dataStart - PREFIX - json.length)]);
            long written = 0;
            byte[] chunk = new byte[1 << 20];
            for (MemorySegment b : blobs) {
                for (long at = 0; at < b.byteSize(); at += chunk.length) {
                    int n = (int) Math.min(chunk.length, b.byteSize() - at);
                    MemorySegment.copy(b, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
                    out.write(chunk, 0, n);
                }
                long padded = align(b.byteSize());
                out.write(new byte[(int) (padded - b.byteSize())]);
                written += padded;
            }
            assert written == offset;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static long addTensor(Map<String, Object> entry, String name, Tensor t, long offset, List<MemorySegment> blobs) {
        entry.put(name + "_dtype", t.dtype().name());
        List<Object> shape = new ArrayList<>();
        for (long d : t.shape()) shape.add(d);
        entry.put(name + "_shape", shape);
        return addBlob(entry, name, t.data(), offset, blobs);
    }

    private static long addBlob(Map<String, Object> entry, String name, MemorySegment data, long offset,
                                List<MemorySegment> blobs) {
        entry.put(name + "_offset", offset);
        entry.put(name + "_size", data.byteSize());
        entry.put(name + "_crc32c", (long) crc(data) & 0xffffffffL);
        blobs.add(data);
        return offset + align(data.byteSize());
    }

    /**
     * Maps {@code path} and rebuilds the tree; every check runs before the tree is returned.
     *
     * @param path a file written by {@link #save}
     * @return the loaded model; close it to free its quantized layers and unmap the file
     * @throws IOException if the file cannot be opened or mapped
     * @throws IllegalArgumentException if the file is not a valid jao model file of this version
     */
    public static MappedModel load(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        List<QuantizedLinear> layers = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            Module model = parse(path, file, layers);
            return new MappedModel(model, arena, layers);
        } catch (IOException | RuntimeException e) {
            layers.forEach(QuantizedLinear::close);
            arena.close();
            throw e;
        }
    }

    private static Module parse(Path path, MemorySegment file, List<QuantizedLinear> layers) {
        long size = file.byteSize();
        if (size < PREFIX) throw bad(path, "file is shorter than the " + PREFIX + "-byte prefix");
        if (MemorySegment.ofArray(MAGIC).mismatch(file.asSlice(0, 8)) != -1) {
            throw bad(path, "not a jao model file (bad magic)");
        }
        ValueLayout.OfInt i32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        int version = file.get(i32, 8);
        if (version != FORMAT_VERSION) {
            throw bad(path, "format version " + version + " (this jao reads version " + FORMAT_VERSION + ")");
        }
        long headerLen = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 16);
        if (headerLen < 2 || headerLen > size - PREFIX) throw bad(path, "header length " + headerLen + " does not fit");
        MemorySegment json = file.asSlice(PREFIX, headerLen);
        if (crc(json) != file.get(i32, 12)) throw bad(path, "header CRC32C mismatch");
        long dataStart = align(PREFIX + headerLen);
        Object parsed;
        try {
            parsed = Json.parse(new String(json.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw bad(path, "header is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> header)) throw bad(path, "header is not a JSON object");
        Container root = new Container();
        if (!(header.get("layers") instanceof List<?> list)) throw bad(path, "header has no layer list");
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> e)) throw bad(path, "layer entry is not an object: " + o);
            String fqn = field(path, e, "fqn", String.class);
            Module layer = switch (field(path, e, "kind", String.class)) {
                case "packed", "intx" -> {
                    // fromPacked runs the native verify: header checks and the payload CRC32C
                    MemorySegment packed = blob(path, file, dataStart, e, "packed", false);
                    QuantConfig config = ConfigJson.decode(field(path, e, "config", Map.class));
                    DType scaleDtype = dtype(path, e, "scale_dtype"), modelDtype = dtype(path, e, "model_dtype");
                    NativeMemory memory = new NativeMemory("QuantizedLinear " + fqn);
                    LinearKernel k;
                    try {
                        k = LinearQuantizers.fromPacked(config, packed, scaleDtype, memory);
                    } catch (dev.jao.JaoException corrupt) {
                        memory.close();
                        throw bad(path, "layer " + fqn + ": packed weights rejected: " + corrupt.nativeMessage());
                    }
                    QuantizedLinear q = new QuantizedLinear(config, modelDtype, k, memory);
                    layers.add(q);
                    yield q;
                }
                case "linear" -> new Linear(tensor(path, file, dataStart, e, "weight"),
                        e.containsKey("bias_offset") ? tensor(path, file, dataStart, e, "bias") : null);
                default -> throw bad(path, "layer " + fqn + " has unknown kind " + e.get("kind"));
            };
            Checkpoints.place(root, fqn, layer);
        }
        return root;
    }

    private static Tensor tensor(Path path, MemorySegment file, long dataStart, Map<?, ?> e, String name) {
        List<?> dims = field(path, e, name + "_shape", List.class);
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) throw bad(path, "layer " + e.get("fqn") + ": bad " + name + " shape " + dims);
            shape[i] = d;
        }
        return Tensor.of(blob(path, file, dataStart, e, name, true), dtype(path, e, name + "_dtype"), shape);
    }

    /** A header field of the expected JSON type; anything else is a malformed file, not a crash. */
    private static <T> T field(Path path, Map<?, ?> e, String key, Class<T> type) {
        Object v = e.get(key);
        if (!type.isInstance(v)) {
            throw bad(path, "layer " + e.get("fqn") + ": field " + key + " must be a JSON "
                    + type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + ", got " + v);
        }
        return type.cast(v);
    }

    private static DType dtype(Path path, Map<?, ?> e, String key) {
        String name = field(path, e, key, String.class);
        try {
            return DType.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            throw bad(path, "layer " + e.get("fqn") + ": unknown " + key + " " + name);
        }
    }

    private static MemorySegment blob(Path path, MemorySegment file, long dataStart, Map<?, ?> e, String name,
                                      boolean checkCrc) {
        if (!(e.get(name + "_offset") instanceof Long off) || !(e.get(name + "_size") instanceof Long size)
                || !(e.get(name + "_crc32c") instanceof Long crc)) {
            throw bad(path, "layer " + e.get("fqn") + " lacks " + name + " offset/size/crc32c");
        }
        if (off < 0 || size < 0 || off % 64 != 0 || dataStart + off > file.byteSize() - size) {
            throw bad(path, "layer " + e.get("fqn") + ": " + name + " lies outside the file (truncated?)");
        }
        MemorySegment s = file.asSlice(dataStart + off, size);
        if (checkCrc && (crc(s) & 0xffffffffL) != crc) {
            throw bad(path, "layer " + e.get("fqn") + ": " + name + " CRC32C mismatch");
        }
        return s;
    }

    private static int crc(MemorySegment s) {
        CRC32C c = new CRC32C();
        c.update(s.asByteBuffer());
        return (int) c.getValue();
    }

    private static long align(long v) {
        return (v + 63) & ~63L;
    }

    private static IllegalArgumentException bad(Path path, String why) {
        return new IllegalArgumentException("not a valid jao model file " + path + ": " + why);
    }
}
