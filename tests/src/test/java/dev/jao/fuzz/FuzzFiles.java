package dev.jao.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The parsers under test read files (they map them), so each fuzz input is written to one
 * scratch file, reused across inputs and deleted when the JVM exits.
 */
final class FuzzFiles {
    private static Path scratch;

    private FuzzFiles() {}

    static synchronized Path write(byte[] bytes) {
        try {
            if (scratch == null) {
                scratch = Files.createTempFile("jao-fuzz", ".bin");
                scratch.toFile().deleteOnExit();
            }
            return Files.write(scratch, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
