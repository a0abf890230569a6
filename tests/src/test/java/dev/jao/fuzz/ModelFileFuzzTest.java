package dev.jao.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jao.io.JaoModelFile;
import dev.jao.nn.QuantizedLinear;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link JaoModelFile#load}: every input either loads, and then every layer runs a
 * forward pass, or is rejected with IllegalArgumentException. The header CRC would stop
 * nearly every mutation at the first check, so inputs whose first byte is odd are a JSON
 * header (up to the first 0 byte) and a payload that this harness wraps in a valid prefix
 * with the right CRC: the fuzzer then reaches the JSON parser, the layer specs and the
 * packed-buffer checks. Inputs whose first byte is even are used as the file itself.
 */
class ModelFileFuzzTest {
    private static final byte[] MAGIC = "JAOMODEL".getBytes(StandardCharsets.US_ASCII);

    @FuzzTest(maxDuration = "30s")
    void loadAndRun(byte[] data) throws IOException {
        if (data.length == 0) return;
        byte[] file = (data[0] & 1) == 0 ? Arrays.copyOfRange(data, 1, data.length) : withValidPrefix(data);
        try (JaoModelFile.MappedModel m = JaoModelFile.load(FuzzFiles.write(file))) {
            for (var module : m.model().namedModules().values()) {
                if (module instanceof QuantizedLinear q) q.forward(new float[Math.toIntExact(q.inFeatures())]);
            }
        } catch (IllegalArgumentException rejected) {
            // the documented rejection of a malformed or damaged file
        }
    }

    /** The header-mode seed must get past every prefix check and load both of its layers. */
    @Test
    void headerModeSeedLoads() throws IOException {
        byte[] seed;
        try (var in = ModelFileFuzzTest.class.getResourceAsStream("ModelFileFuzzTestInputs/loadAndRun/seed_model_header")) {
            seed = in.readAllBytes();
        }
        try (JaoModelFile.MappedModel m = JaoModelFile.load(FuzzFiles.write(withValidPrefix(seed)))) {
            long layers = m.model().namedModules().values().stream().filter(QuantizedLinear.class::isInstance).count();
            assertEquals(2, layers);
        }
    }

    /** magic, version, CRC32C of the header, header length, header, padding to 64, payload. */
    static byte[] withValidPrefix(byte[] data) {
        int end = 1;
        while (end < data.length && data[end] != 0) end++;
        byte[] json = Arrays.copyOfRange(data, 1, end);
        byte[] payload = end < data.length ? Arrays.copyOfRange(data, end + 1, data.length) : new byte[0];
        CRC32C crc = new CRC32C();
        crc.update(json);
        int dataStart = (24 + json.length + 63) / 64 * 64;
        ByteBuffer b = ByteBuffer.allocate(dataStart + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(JaoModelFile.FORMAT_VERSION).putInt((int) crc.getValue()).putLong(json.length).put(json);
        b.position(dataStart);
        b.put(payload);
        return b.array();
    }
}
