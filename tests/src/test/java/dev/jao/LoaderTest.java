package dev.jao;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader, exercised in child JVMs so each starts with nothing loaded. */
class LoaderTest {
    record Result(int exit, String out) {}

    private static Process start(String... props) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of(props));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), LoaderProbe.class.getName()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static Result finish(Process p) throws Exception {
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM hung");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void twoJvmsExtractingAtOnceShareOneCompleteCopy(@TempDir Path cache) throws Exception {
        Process a = start("-Djao.cache.dir=" + cache);
        Process b = start("-Djao.cache.dir=" + cache);
        Result ra = finish(a), rb = finish(b);
        assertEquals(0, ra.exit(), ra.out());
        assertEquals(0, rb.exit(), rb.out());
        assertTrue(ra.out().startsWith("loaded "), ra.out());
        try (Stream<Path> entries = Files.list(cache)) {
            List<Path> left = entries.toList();
            assertEquals(1, left.size(), "expected one cache folder and no staging leftovers: " + left);
            assertTrue(Files.isRegularFile(left.get(0).resolve("libjao.so")));
            assertTrue(Files.isRegularFile(left.get(0).resolve("libdnnl.so.3")));
        }
        Result again = finish(start("-Djao.cache.dir=" + cache));
        assertEquals(0, again.exit(), again.out());
    }

    @Test
    void missingLibraryFolderNamesPlatformAndDlopenMessage(@TempDir Path empty) throws Exception {
        Result r = finish(start("-Djao.library.path=" + empty));
        assertEquals(3, r.exit(), r.out());
        assertTrue(r.out().contains("UnsatisfiedLinkError"), r.out());
        assertTrue(r.out().contains("for platform linux-"), r.out());
        assertTrue(r.out().contains("libjao.so"), r.out());
    }

    @Test
    void unsupportedPlatformIsNamed() throws Exception {
        Result r = finish(start("-Dos.arch=riscv64"));
        assertEquals(3, r.exit(), r.out());
        assertTrue(r.out().contains("no native library for platform linux-riscv64"), r.out());
    }

    @Test
    void explicitLibraryPathIsUsed() throws Exception {
        Path dir = dev.jao.internal.NativeLoader.ensureLoaded();
        Result r = finish(start("-Djao.library.path=" + dir));
        assertEquals(0, r.exit(), r.out());
    }
}
