package dev.jao;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fails when a header under native/include/jao (or the jextract argfile) changed but the
 * bindings were not regenerated: recomputes the digest bindings/header-hash.sh wrote.
 */
class BindingsAreCurrentTest {
    static Path repoRoot() {
        return Path.of(System.getProperty("jao.repo.root", "..")).toAbsolutePath().normalize();
    }

    @Test
    void headerHashMatchesTheStamp() throws Exception {
        Path root = repoRoot();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Path> headers;
        try (Stream<Path> s = Files.list(root.resolve("native/include/jao"))) {
            headers = s.filter(p -> p.toString().endsWith(".h")).sorted().toList();
        }
        for (Path h : headers) all.writeBytes(Files.readAllBytes(h));
        all.writeBytes(Files.readAllBytes(root.resolve("bindings/jextract-includes.txt")));
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.toByteArray()));
        String stamp = Files.readString(root.resolve("bindings/header.sha256")).trim();
        assertEquals(stamp, digest, "native/include/jao changed: run bindings/regenerate.sh and commit the result");
    }
}
