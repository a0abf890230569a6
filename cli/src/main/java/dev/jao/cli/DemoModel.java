package dev.jao.cli;

import dev.jao.io.SafetensorsWriter;
import dev.jao.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The demo's embedded default model: a small transformer-style stack (attention q/k/v/o
 * and a gated MLP per layer) with realistic weight statistics — Gaussian rows scaled by
 * 1/sqrt(in), a few outlier input channels ×6 as trained LLM weights have — generated
 * deterministically from a seed and cached as safetensors at first use (no network).
 */
public final class DemoModel {
    private DemoModel() {}

    /** Hidden size. */
    public static final int HIDDEN = 1024;
    /** MLP intermediate size. */
    public static final int FFN = 2816;
    /** Decoder layers. */
    public static final int LAYERS = 2;
    private static final long SEED = 20261122L;
    private static final String FILE = "demo-model-v1-h" + HIDDEN + "-f" + FFN + "-l" + LAYERS + ".safetensors";

    /** The cached checkpoint, generated first if missing. */
    public static Path checkpoint(Path cacheDir, ProgressBar progress) throws IOException {
        Path file = cacheDir.resolve(FILE);
        if (Files.isRegularFile(file)) return file;
        Files.createDirectories(cacheDir);
        SafetensorsWriter w = new SafetensorsWriter().metadata("generator", "jao DemoModel, seed " + SEED);
        SplittableRandom rng = new SplittableRandom(SEED);
        String[][] shapes = {
            {"self_attn.q_proj", "" + HIDDEN, "" + HIDDEN}, {"self_attn.k_proj", "" + HIDDEN, "" + HIDDEN},
            {"self_attn.v_proj", "" + HIDDEN, "" + HIDDEN}, {"self_attn.o_proj", "" + HIDDEN, "" + HIDDEN},
            {"mlp.gate_proj", "" + FFN, "" + HIDDEN}, {"mlp.up_proj", "" + FFN, "" + HIDDEN},
            {"mlp.down_proj", "" + HIDDEN, "" + FFN},
        };
        int total = LAYERS * shapes.length, done = 0;
        for (int l = 0; l < LAYERS; l++) {
            for (String[] s : shapes) {
                int out = Integer.parseInt(s[1]), in = Integer.parseInt(s[2]);
                w.put("layers." + l + "." + s[0] + ".weight", Tensor.ofFloats(weights(rng, out, in), out, in));
                progress.update("generating demo model", ++done, total);
            }
        }
        w.write(file);
        return file;
    }

    private static float[] weights(SplittableRandom rng, int out, int in) {
        float[] w = new float[out * in];
        double std = 1.0 / Math.sqrt(in);
        boolean[] outlier = new boolean[in];
        for (int i = 0; i < in / 128; i++) outlier[rng.nextInt(in)] = true;
        for (int r = 0; r < out; r++) {
            for (int c = 0; c < in; c++) {
                double v = gaussian(rng) * std;
                w[r * in + c] = (float) (outlier[c] ? v * 6 : v);
            }
        }
        return w;
    }

    private static double gaussian(SplittableRandom rng) {  // Box-Muller: reproducible across JDKs
        double u = 1.0 - rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
