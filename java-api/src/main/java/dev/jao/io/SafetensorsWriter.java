package dev.jao.io;

import dev.jao.internal.Json;
import dev.jao.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes safetensors files (F32, BF16, F16, I8, U8, I32): tensors in insertion order, header
 * padded to 8 bytes.
 * The file is written to a temporary sibling and renamed into place, so readers never
 * see a partial file.
 */
public final class SafetensorsWriter {
    /** A tensor's bytes with its safetensors dtype code. */
    private record Entry(String dtype, long[] shape, MemorySegment data) {}

    private final Map<String, Entry> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Creates a writer with no tensors and no metadata. */
    public SafetensorsWriter() {}

    /**
     * Adds a tensor (F32, BF16, F16, I8 or U8); names must be unique.
     *
     * @param name the tensor's name in the file: non-empty, unique, not "__metadata__"
     * @param t a FLOAT32, BFLOAT16, FLOAT16, INT8 or UINT8 tensor; its memory is not copied and is read
     *     by {@link #write}, so it must stay valid and unchanged until then
     * @return this writer, for chaining
     * @throws IllegalArgumentException for a bad or duplicate name or an unsupported dtype
     */
    public SafetensorsWriter put(String name, Tensor t) {
        return add(name, new Entry(code(t), t.shape(), t.data()));
    }

    /**
     * Adds an I32 tensor (e.g. torchao's int32 zero points) from a Java array.
     *
     * @param name the tensor's name in the file: non-empty, unique, not "__metadata__"
     * @param values the elements, row-major (copied, stored little-endian)
     * @param shape the dimensions; their product must equal {@code values.length}
     * @return this writer, for chaining
     * @throws IllegalArgumentException for a bad or duplicate name or a shape that does not fit
     */
    public SafetensorsWriter putInts(String name, int[] values, long... shape) {
        if (Tensor.numel(shape) != values.length) {
            throw new IllegalArgumentException(values.length + " ints do not fill shape " + java.util.Arrays.toString(shape));
        }
        MemorySegment le = MemorySegment.ofArray(new byte[values.length * 4]);
        for (int i = 0; i < values.length; i++) le.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, values[i]);
        return add(name, new Entry("I32", shape.clone(), le));
    }

    private SafetensorsWriter add(String name, Entry e) {
        if (name == null || name.isEmpty() || name.equals("__metadata__")) {
            throw new IllegalArgumentException("bad tensor name '" + name + "'");
        }
        if (tensors.putIfAbsent(name, e) != null) throw new IllegalArgumentException("duplicate tensor '" + name + "'");
        return this;
    }

    /**
     * Adds a {@code __metadata__} entry.
     *
     * @param key the metadata key; a repeated key replaces the earlier value
     * @param value the string value
     * @return this writer, for chaining
     */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /**
     * Writes the file atomically.
     *
     * @param path the file to create or replace; its directory must exist and be writable
     * @throws IOException if the temporary file cannot be written or moved into place (it is deleted)
     */
    public void write(Path path) throws IOException {
        StringBuilder h = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            h.append("\"__metadata__\":{");
            String sep = "";
            for (var e : metadata.entrySet()) {
                h.append(sep).append(quote(e.getKey())).append(':').append(quote(e.getValue()));
                sep = ",";
            }
            h.append('}');
        }
        long offset = 0;
        for (var e : tensors.entrySet()) {
            Entry t = e.getValue();
            long bytes = t.data().byteSize();
            h.append(h.length() > 1 ? "," : "").append(quote(e.getKey())).append(":{\"dtype\":\"").append(t.dtype())
                    .append("\",\"shape\":").append(java.util.Arrays.toString(t.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        h.append('}');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        while (header.length % 8 != 0) header = h.append(' ').toString().getBytes(StandardCharsets.UTF_8);
        Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), path.getFileName().toString(), ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
            out.write(header);
            byte[] chunk = new byte[1 << 20];
            for (Entry t : tensors.values()) {
                MemorySegment s = t.data();
                for (long at = 0; at < s.byteSize(); at += chunk.length) {
                    int n = (int) Math.min(chunk.length, s.byteSize() - at);
                    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String code(Tensor t) {
        return switch (t.dtype()) {
            case FLOAT32 -> "F32";
            case BFLOAT16 -> "BF16";
            case FLOAT16 -> "F16";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            default -> throw new IllegalArgumentException("cannot store " + t.dtype() + " in safetensors (unpack to INT8/UINT8)");
        };
    }

    private static String quote(String s) {
        return Json.write(s);
    }
}
