package dev.jao.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.golden.Golden;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading real files (the golden set) and rejecting malformed ones without reading out of bounds. */
class SafetensorsFileTest {
    @Test
    void readsGoldenFile() throws Exception {
        Path p = Golden.root().resolve("data/da8intx_int4_g32_asymmetric_snone_bias_float32_n24.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            Tensor w = f.tensor("weight");
            assertEquals(DType.FLOAT32, w.dtype());
            assertArrayEquals(new long[] {24, 256}, w.shape());
            assertEquals(DType.INT8, f.tensor("qdata").dtype());
            assertEquals("3_da8intx", f.metadata().get("category"));
        }
    }

    private static Path write(Path dir, String header, int dataBytes) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = dir.resolve("t.safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static void assertRejected(Path p, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void rejectsMalformedFiles(@TempDir Path dir) throws Exception {
        assertRejected(write(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4),
                "outside the 4-byte data section");
        assertRejected(write(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12");
        assertRejected(write(dir, "{\"a\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "unknown dtype");
        assertRejected(write(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "bad shape");
        assertRejected(write(dir, "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}", 8), "overlap");
        assertRejected(write(dir, "{\"a\":", 0), "not valid JSON");
        assertRejected(write(dir, "[1]", 0), "not a JSON object");
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertRejected(tiny, "shorter than the 8-byte header length");
        Path huge = dir.resolve("huge");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).array());
        assertRejected(huge, "does not fit");
    }

    @Test
    void writerRoundTripsEveryDtype(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("all.safetensors");
        new SafetensorsWriter().metadata("k", "v \"quoted\"")
                .put("f32", Tensor.ofFloats(new float[] {1.5f, -2f}, 2))
                .put("bf16", dev.jao.internal.Tensors.rounded(new float[] {3.25f}, DType.BFLOAT16, 1))
                .put("f16", dev.jao.internal.Tensors.rounded(new float[] {0.5f, 65504f}, DType.FLOAT16, 2))
                .put("i8", Tensor.of(java.lang.foreign.MemorySegment.ofArray(new byte[] {-8, 7}), DType.INT8, 2))
                .put("u8", Tensor.of(java.lang.foreign.MemorySegment.ofArray(new byte[] {(byte) 255}), DType.UINT8, 1))
                .putInts("i32", new int[] {-5, 1 << 20, 7, 0}, 2, 2)
                .write(p);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertArrayEquals(new float[] {1.5f, -2f}, f.tensor("f32").toFloatArray());
            assertArrayEquals(new float[] {3.25f}, f.tensor("bf16").toFloatArray());
            assertArrayEquals(new float[] {0.5f, 65504f}, f.tensor("f16").toFloatArray());
            assertArrayEquals(new float[] {-8, 7}, f.tensor("i8").toFloatArray());
            assertArrayEquals(new float[] {255}, f.tensor("u8").toFloatArray());
            assertArrayEquals(new int[] {-5, 1 << 20, 7, 0}, f.ints("i32"));
            assertArrayEquals(new long[] {2, 2}, f.entry("i32").shape());
            assertEquals("v \"quoted\"", f.metadata().get("k"));
        }
    }

    @Test
    void truncatedGoldenFileIsRejected(@TempDir Path dir) throws Exception {
        byte[] all = Files.readAllBytes(Golden.root().resolve("data/da8intx_int4_g32_asymmetric_snone_bias_float32_n24.safetensors"));
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 100));
        assertRejected(cut, "outside");
    }
}
