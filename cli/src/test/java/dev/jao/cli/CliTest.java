package dev.jao.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.io.SafetensorsWriter;
import dev.jao.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command on small inputs: outputs and exit codes. */
class CliTest {
    record Run(int code, String out, String err) {}

    static Run jao(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path checkpoint(Path dir) throws Exception {
        SplittableRandom rng = new SplittableRandom(5);
        SafetensorsWriter w = new SafetensorsWriter();
        for (String name : new String[] {"layers.0.up_proj", "layers.0.down_proj"}) {
            float[] v = new float[128 * 128];
            for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
            w.put(name + ".weight", Tensor.ofFloats(v, 128, 128));
        }
        Path p = dir.resolve("small.safetensors");
        w.write(p);
        return p;
    }

    @Test
    void infoQuantizeEvalBench(@TempDir Path dir) throws Exception {
        Run info = jao("info");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("oneDNN:"), info.out());

        Path ckpt = checkpoint(dir), model = dir.resolve("small.jao");
        Run q = jao("quantize", "--config", "int4-g32", ckpt.toString(), model.toString());
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("2 of 2 layers quantized"), q.out());
        assertTrue(Files.size(model) > 0);

        Path fqn = Files.writeString(dir.resolve("fqn.json"), "{\"layers.0.up_proj\": \"int8-pc\", \"_default\": null}");
        Run mixed = jao("quantize", "--fqn-config", fqn.toString(), ckpt.toString(), dir.resolve("mixed.jao").toString());
        assertEquals(0, mixed.code(), mixed.err());
        assertTrue(mixed.out().contains("1 of 2 layers quantized"), mixed.out());

        Run eval = jao("eval", ckpt.toString(), model.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("2 quantized layers; worst SQNR"), eval.out());

        Path csv = dir.resolve("b.csv"), png = dir.resolve("b.png");
        Run bench = jao("bench", "--shapes", "256x128", "--m", "1,4", "--runs", "3", "--csv", csv.toString(), "--png", png.toString());
        assertEquals(0, bench.code(), bench.err());
        List<String> rows = Files.readAllLines(csv);
        assertTrue(bench.out().contains("read bandwidth (roofline)"), bench.out());
        if (bench.out().contains("no oneDNN peer line:")) {
            // x86 without VNNI: oneDNN's s8 matmul saturates there, so jao refuses it and says so.
            assertTrue(bench.out().contains("not exact on this CPU"), bench.out());
            assertEquals(1 + 2 * 2, rows.size(), "2 default configs x 2 values of M, no peer");
        } else {
            assertEquals(1 + 3 * 2, rows.size(), "2 default configs + the oneDNN peer, x 2 values of M");
            assertEquals(2, rows.stream().filter(r -> r.startsWith(BenchCommand.ONEDNN_LABEL + ",256,128,")).count(),
                    rows.toString());
            assertTrue(bench.out().lines().anyMatch(l -> l.startsWith("int8-pc") && l.strip().endsWith("x")), bench.out());
        }
        byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, magic);
    }

    @Test
    void badArgumentsAndFilesGiveClearErrorsAndExitCodes(@TempDir Path dir) throws Exception {
        assertEquals(2, jao("bogus").code());
        assertEquals(2, jao("quantize").code());
        Run badConfig = jao("quantize", "--config", "int9", "a.safetensors", "b.jao");
        assertEquals(1, badConfig.code());
        assertTrue(badConfig.err().contains("unknown config 'int9'"), badConfig.err());
        Run missing = jao("eval", dir.resolve("none.safetensors").toString(), dir.resolve("none.jao").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
        Path junk = Files.write(dir.resolve("junk.jao"), new byte[100]);
        Run corrupt = jao("eval", checkpoint(dir).toString(), junk.toString());
        assertEquals(1, corrupt.code());
        assertTrue(corrupt.err().contains("not a jao model file"), corrupt.err());
        Run shape = jao("bench", "--shapes", "12x", "--runs", "1");
        assertEquals(1, shape.code());
        assertTrue(shape.err().contains("bad shape"), shape.err());
        Run skipped = jao("bench", "--shapes", "16x32", "--configs", "w8a8", "--runs", "1", "--dram-gbs", "10");
        assertEquals(1, skipped.code());
        assertTrue(skipped.err().contains("does not quantize a 16x32"), skipped.err());
        Run badRoof = jao("bench", "--dram-gbs", "-1", "--runs", "1");
        assertEquals(1, badRoof.code());
        assertTrue(badRoof.err().contains("--dram-gbs must be > 0"), badRoof.err());
    }

    @Test
    void demoPrintsTheTable() {
        Run demo = jao("demo");
        assertEquals(0, demo.code(), demo.err());
        assertTrue(demo.out().contains("M=128 throughput"), demo.out());
        assertTrue(demo.out().lines().filter(l -> l.startsWith("int8 act x")).count() >= 4, demo.out());
    }
}
