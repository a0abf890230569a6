package dev.jao.cli;

import dev.jao.io.JaoModelFile;
import dev.jao.io.SafetensorsFile;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jao eval}: per-layer SQNR and max error of a jao model file against its fp32 checkpoint. */
@Command(name = "eval", description = "Per-layer SQNR and max abs error of a quantized model vs the float checkpoint.")
final class EvalCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--rows", defaultValue = "8", description = "input rows per layer (default ${DEFAULT-VALUE})")
    int rows;

    @Parameters(index = "0", description = "float .safetensors checkpoint")
    Path checkpoint;

    @Parameters(index = "1", description = ".jao model file made from it")
    Path model;

    @Override
    public Integer call() throws Exception {
        if (rows < 1) throw new IllegalArgumentException("--rows must be >= 1");
        var out = spec.commandLine().getOut();
        try (SafetensorsFile ckpt = SafetensorsFile.open(checkpoint); JaoModelFile.MappedModel m = JaoModelFile.load(model)) {
            out.printf("%-40s %10s %12s%n", "layer", "SQNR", "max |err|");
            double worst = Double.POSITIVE_INFINITY;
            int layers = 0;
            for (var e : m.model().namedModules().entrySet()) {
                if (!(e.getValue() instanceof QuantizedLinear q)) continue;
                String w = e.getKey() + ".weight";
                if (!ckpt.entries().containsKey(w)) throw new IllegalArgumentException(checkpoint + " has no " + w);
                Linear ref = new Linear(ckpt.tensor(w), ckpt.entries().containsKey(e.getKey() + ".bias")
                        ? ckpt.tensor(e.getKey() + ".bias") : null);
                float[] x = new float[(int) (rows * q.inFeatures())];
                SplittableRandom rng = new SplittableRandom(e.getKey().hashCode());
                for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
                float[] y = q.forward(x), r = Demo.reference(ref, x, rows);
                double s = 0, n = 0, max = 0;
                for (int i = 0; i < y.length; i++) {
                    double d = r[i] - y[i];
                    s += (double) r[i] * r[i];
                    n += d * d;
                    max = Math.max(max, Math.abs(d));
                }
                double sqnr = 10 * Math.log10(s / n);
                worst = Math.min(worst, sqnr);
                layers++;
                out.printf("%-40s %7.2f dB %12.4g%n", e.getKey(), sqnr, max);
            }
            out.printf("%d quantized layers; worst SQNR %.2f dB%n", layers, worst);
        }
        return 0;
    }
}
