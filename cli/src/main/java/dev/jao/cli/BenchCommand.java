package dev.jao.cli;

import dev.jao.Jao;
import dev.jao.JaoException;
import dev.jao.NativeStatus;
import dev.jao.Quantizer;
import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.config.QuantConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jao bench}: forward throughput of configs × shapes × M through the Java API,
 * median of repeated runs, next to oneDNN's s8 matmul (the peer) measured in the same run;
 * CSV and a PNG plot of GFLOP/s vs M with each config's roofline from the read bandwidth
 * measured at start.
 */
@Command(name = "bench", description = "Measure forward GFLOP/s per config, shape and M; write CSV and a PNG plot.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--configs", split = ",", defaultValue = "int4-g32-bf16,int8-pc", description = "presets (default ${DEFAULT-VALUE})")
    List<String> configs;

    @Option(names = "--shapes", split = ",", defaultValue = "4096x4096", description = "KxN list (default ${DEFAULT-VALUE})")
    List<String> shapes;

    @Option(names = "--m", split = ",", defaultValue = "1,8,32,128", description = "rows per call (default ${DEFAULT-VALUE})")
    List<Integer> rows;

    @Option(names = "--runs", defaultValue = "15", description = "timed runs per point (median; default ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--dram-gbs", description = "DRAM bandwidth for the roofline, GB/s (default: measured at start)")
    Double dramGbs;

    @Option(names = "--peak-gops", description = "int8 compute ceiling of the roofline, GOPS (default: the best GFLOP/s"
            + " measured in this run, jao or oneDNN)")
    Double peakGops;

    @Option(names = "--onednn", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also measure oneDNN's s8 matmul (w8a8 through jao's oneDNN backend) on each shape as the peer line"
                    + " (default ${DEFAULT-VALUE}; --no-onednn to skip)")
    boolean oneDnn;

    @Option(names = "--csv", description = "write results as CSV")
    Path csv;

    @Option(names = "--png", description = "write a plot of GFLOP/s vs M")
    Path png;

    /** Label of the peer line: the default w8a8 config forced onto oneDNN's matmul. */
    static final String ONEDNN_LABEL = "oneDNN s8 (w8a8)";

    record Point(String config, long k, long n, int m, double medianMs, double gflops, long weightBytes) {}

    /** One line of the plot: a config, and the int8 backend forced while packing it (null: automatic). */
    private record Series(String label, QuantConfig config, String int8Backend) {}

    @Override
    public Integer call() throws Exception {
        if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1");
        if (dramGbs != null && !(dramGbs > 0)) throw new IllegalArgumentException("--dram-gbs must be > 0");
        if (peakGops != null && !(peakGops > 0)) throw new IllegalArgumentException("--peak-gops must be > 0");
        var out = spec.commandLine().getOut();
        out.println(Jao.capabilities());
        List<Series> series = new ArrayList<>();
        for (String name : configs) series.add(new Series(name, ConfigPresets.parse(name), null));
        if (oneDnn) {
            Series peerSeries = new Series(ONEDNN_LABEL, new Int8DynamicActivationInt8WeightConfig(), "onednn");
            String refusal = refusalOf(peerSeries);
            if (refusal == null) series.add(peerSeries);
            else out.println("no oneDNN peer line: " + refusal);
        }
        if (dramGbs == null) dramGbs = Jao.measureReadBandwidthGBs();
        out.printf("read bandwidth (roofline): %.1f GB/s%s%n", dramGbs, spec.commandLine().getParseResult()
                .hasMatchedOption("--dram-gbs") ? " (given)" : " (measured, 512 MiB, " + Jao.threads() + " threads)");
        List<Point> points = new ArrayList<>();
        ProgressBar bar = new ProgressBar(System.err, Main.progressWanted());
        int total = series.size() * shapes.size() * rows.size(), done = 0;
        for (String shape : shapes) {
            long[] kn = parseShape(shape);
            Linear layer = randomLinear(kn[0], kn[1]);
            for (Series s : series) {
                try (QuantizedLinear q = quantize(layer, s)) {
                    for (int m : rows) {
                        bar.update("benchmarking", done++, total);
                        float[] x = activations(m, kn[0]);
                        double ms = Timing.medianMs(3, runs, () -> q.forward(x));
                        points.add(new Point(s.label(), kn[0], kn[1], m, ms, 2.0 * m * kn[0] * kn[1] / (ms * 1e6),
                                q.packedBytes()));
                    }
                }
            }
        }
        bar.update("benchmarking", total, total);
        out.printf("%-18s %12s %5s %10s %10s %9s%n", "config", "KxN", "M", "median ms", "GFLOP/s", "vs oneDNN");
        for (Point p : points) {
            String ratio = peer(points, p).map(o -> String.format("%8.2fx", o.medianMs() / p.medianMs())).orElse("");
            out.printf("%-18s %12s %5d %10.3f %10.1f %9s%n", p.config(), p.k() + "x" + p.n(), p.m(), p.medianMs(),
                    p.gflops(), ratio);
        }
        if (csv != null) writeCsv(points);
        if (png != null) writePlot(points, series);
        return 0;
    }

    /** The oneDNN point of the same shape and M (absent without --onednn). */
    private static java.util.Optional<Point> peer(List<Point> points, Point p) {
        return points.stream().filter(o -> o.config().equals(ONEDNN_LABEL) && o.k() == p.k() && o.n() == p.n()
                && o.m() == p.m()).findFirst();
    }

    /**
     * Why {@code s} cannot be packed on this CPU (a small probe layer), or null if it can: oneDNN's s8 matmul is
     * refused where it is not exact (x86 without VNNI), and the bench then runs without its peer line.
     */
    private static String refusalOf(Series s) throws Exception {
        try {
            quantize(randomLinear(32, 32), s).close();
            return null;
        } catch (JaoException e) {
            if (e.status() != NativeStatus.UNSUPPORTED) throw e;
            return e.getMessage();
        }
    }

    private static QuantizedLinear quantize(Linear layer, Series s) throws Exception {
        String property = Int8DynamicActivationInt8WeightConfig.BACKEND_PROPERTY;
        String saved = System.getProperty(property);
        if (s.int8Backend() != null) System.setProperty(property, s.int8Backend());
        try {
            Container holder = new Container();
            holder.register("layer", layer);
            var layerReport = Quantizer.quantize(holder, s.config()).layers().get(0);
            if (!layerReport.quantized()) {
                throw new IllegalArgumentException(s.label() + " does not quantize a " + layer.inFeatures() + "x"
                        + layer.outFeatures() + " (KxN) layer: " + layerReport.skipped());
            }
            return (QuantizedLinear) holder.children().get("layer");
        } finally {
            if (saved == null) System.clearProperty(property);
            else System.setProperty(property, saved);
        }
    }

    static long[] parseShape(String s) {
        String[] p = s.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            long k = Long.parseLong(p[0].trim()), n = Long.parseLong(p[1].trim());
            if (p.length != 2 || k < 1 || n < 1 || k * n > (1L << 30)) throw new NumberFormatException();
            return new long[] {k, n};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad shape '" + s + "': expected KxN with K*N <= 2^30, e.g. 4096x11008");
        }
    }

    /** Seeded normal activations: real rows differ, and a constant row is a degenerate quantization case. */
    private static float[] activations(int m, long k) {
        SplittableRandom rng = new SplittableRandom(m * 7919L + k);
        float[] x = new float[Math.toIntExact(m * k)];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        return x;
    }

    private static Linear randomLinear(long k, long n) {
        SplittableRandom rng = new SplittableRandom(k * 31 + n);
        float[] w = new float[Math.toIntExact(k * n)];
        for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextDouble() * 2 - 1);
        return new Linear(Tensor.ofFloats(w, n, k), null);
    }

    private void writeCsv(List<Point> points) throws Exception {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
            w.println("config,k,n,m,median_ms,gflops,weight_bytes");
            for (Point p : points) {
                w.printf(java.util.Locale.ROOT, "%s,%d,%d,%d,%.4f,%.2f,%d%n", p.config(), p.k(), p.n(), p.m(),
                        p.medianMs(), p.gflops(), p.weightBytes());
            }
        }
    }

    private void writePlot(List<Point> points, List<Series> series) throws Exception {
        XYChart chart = new XYChartBuilder().width(900).height(560).title("jao forward throughput (" + Jao.activeIsa().nativeName()
                + ", " + Jao.threads() + " threads)").xAxisTitle("M (rows per call)").yAxisTitle("GFLOP/s").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        double[] ms = rows.stream().mapToDouble(Integer::doubleValue).sorted().toArray();
        double ceiling = peakGops != null ? peakGops : points.stream().mapToDouble(Point::gflops).max().orElseThrow();
        String ceilingSource = peakGops != null ? "given" : "best measured";
        for (Series line : series) {
            String c = line.label();
            for (String shape : shapes) {
                long[] kn = parseShape(shape);
                List<Point> ps = points.stream().filter(p -> p.config().equals(c) && p.k() == kn[0] && p.n() == kn[1]).toList();
                chart.addSeries(c + " " + shape, ps.stream().mapToDouble(Point::m).toArray(),
                        ps.stream().mapToDouble(Point::gflops).toArray()).setMarker(SeriesMarkers.CIRCLE);
            }
            if (line.int8Backend() != null) continue;  // the peer is a measurement, not a config with a roof
            // roofline: weights streamed from DRAM once per call, capped by the compute ceiling
            Point any = points.stream().filter(p -> p.config().equals(c)).findFirst().orElseThrow();
            double bytesPerWeight = (double) any.weightBytes() / (any.k() * any.n());
            double[] roof = Arrays.stream(ms).map(m -> Math.min(ceiling, 2 * m * dramGbs / bytesPerWeight)).toArray();
            XYSeries r = chart.addSeries(String.format("roofline %s (%.2f B/weight, %.0f GB/s, %.0f GOPS %s)", c,
                    bytesPerWeight, dramGbs, ceiling, ceilingSource), ms, roof);
            r.setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
