package dev.jao;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/FrameworkAdapter.java compiles against the API and runs. */
class ExamplesTest {
    @Test
    void frameworkAdapterRuns(@TempDir Path dir) throws Exception {
        Path src = BindingsAreCurrentTest.repoRoot().resolve("examples/FrameworkAdapter.java");
        ByteArrayOutputStream diag = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, diag, diag, "-d", dir.toString(), "-cp",
                System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc, diag.toString(StandardCharsets.UTF_8));
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            cl.loadClass("FrameworkAdapter").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(stdout);
        }
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("attn_out: x86 VNNI") && s.contains("mlp_up: x86 VNNI"), s);
    }
}
