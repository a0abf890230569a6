package dev.jao;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.io.SafetensorsWriter;
import dev.jao.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java snippets compile against the API and run (the model path points at a generated checkpoint). */
class ReadmeSnippetsTest {
    private static final String IMPORTS = "import dev.jao.*; import dev.jao.config.*; import dev.jao.quant.*; "
            + "import dev.jao.nn.*; import dev.jao.io.*; import dev.jao.tensor.*; import java.nio.file.*; "
            + "import java.util.*; import java.lang.foreign.*; import dev.jao.nn.Module;\n";

    @Test
    void snippetsCompileAndRun(@TempDir Path dir) throws Exception {
        String readme = Files.readString(BindingsAreCurrentTest.repoRoot().resolve("README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> snippets = new ArrayList<>();
        while (m.find()) snippets.add(m.group(1));
        assertTrue(snippets.size() >= 2, "README has Java snippets");

        Path model = dir.resolve("model.safetensors");
        float[] w = new float[96 * 64];
        for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i * 0.37);
        new SafetensorsWriter()
                .put("layers.0.mlp.up_proj.weight", Tensor.ofFloats(w, 96, 64))
                .put("layers.0.self_attn.q_proj.weight", Tensor.ofFloats(w.clone(), 96, 64))
                .put("lm_head.weight", Tensor.ofFloats(w.clone(), 96, 64))
                .write(model);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            String body = snippets.get(i).replace("Path.of(\"model.safetensors\")",
                    "Path.of(\"" + model.toString().replace("\\", "\\\\") + "\")");
            String name = "Snippet" + i;
            Files.writeString(dir.resolve(name + ".java"), IMPORTS + "public class " + name
                    + " { public static void run() throws Exception {\n" + body + "\n} }\n");
            names.add(name);
        }
        List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-cp", System.getProperty("java.class.path")));
        for (String n : names) args.add(dir.resolve(n + ".java").toString());
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertEquals(0, rc, "README snippets do not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));

        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            for (String n : names) {
                Method run = cl.loadClass(n).getMethod("run");
                run.invoke(null);
            }
        } finally {
            System.setOut(stdout);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("layers.0.mlp.up_proj"), out);
        assertTrue(out.contains("96 outputs"), out);
    }
}
