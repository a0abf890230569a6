package dev.jao.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jao.io.SafetensorsFile;
import java.io.IOException;

/**
 * Fuzzes {@link SafetensorsFile}: any byte string either opens, and then every tensor reads
 * within its bounds, or is rejected with IllegalArgumentException. Any other exception or a
 * crash is a finding. The committed corpus ({@code SafetensorsFuzzTestInputs/}) is replayed
 * by every test run; {@code JAZZER_FUZZ=1} fuzzes (scripts/test-fuzz-java.sh).
 */
class SafetensorsFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void openAndReadEveryTensor(byte[] data) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(FuzzFiles.write(data))) {
            for (String name : f.entries().keySet()) f.tensor(name).toFloatArray();
        } catch (IllegalArgumentException rejected) {
            // the documented rejection of a malformed file
        }
    }
}
