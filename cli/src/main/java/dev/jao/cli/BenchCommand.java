package dev.jao.cli;

import dev.jao.Jao;
import dev.jao.Quantizer;
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
 * median of repeated runs; CSV and a PNG plot of GFLOP/s vs M with the DRAM roofline.
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

    @Option(names = "--dram-gbs", defaultValue = "20", description = "DRAM bandwidth for the roofline, GB/s (default ${DEFAULT-VALUE})")
    double dramGbs;

    @Option(names = "--peak-gops", defaultValue = "830", description = "int8 compute peak for the roofline, GOPS (default ${DEFAULT-VALUE})")
    double peakGops;

    @Option(names = "--csv", description = "write results as CSV")
    Path csv;

    @Option(names = "--png", description = "write a plot of GFLOP/s vs M")
    Path png;

    record Point(String config, long k, long n, int m, double medianMs, double gflops, long weightBytes) {}

    @Override
    public Integer call() throws Exception {
        if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1");
        var out = spec.commandLine().getOut();
        out.println(Jao.capabilities());
        List<Point> points = new ArrayList<>();
        ProgressBar bar = new ProgressBar(System.err, Main.progressWanted());
        int total = configs.size() * shapes.size() * rows.size(), done = 0;
        for (String shape : shapes) {
            long[] kn = parseShape(shape);
            Linear layer = randomLinear(kn[0], kn[1]);
            for (String name : configs) {
                QuantConfig config = ConfigPresets.parse(name);
                Container holder = new Container();
                holder.register("layer", layer);
                Quantizer.quantize(holder, config);
                try (QuantizedLinear q = (QuantizedLinear) holder.children().get("layer")) {
                    for (int m : rows) {
                        bar.update("benchmarking", done++, total);
                        float[] x = new float[Math.toIntExact(m * kn[0])];
                        Arrays.fill(x, 0.5f);
                        double ms = Timing.medianMs(3, runs, () -> q.forward(x));
                        points.add(new Point(name, kn[0], kn[1], m, ms, 2.0 * m * kn[0] * kn[1] / (ms * 1e6), q.packedBytes()));
                    }
                }
            }
        }
        bar.update("benchmarking", total, total);
        out.printf("%-16s %12s %5s %10s %10s%n", "config", "KxN", "M", "median ms", "GFLOP/s");
        for (Point p : points) {
            out.printf("%-16s %12s %5d %10.3f %10.1f%n", p.config(), p.k() + "x" + p.n(), p.m(), p.medianMs(), p.gflops());
        }
        if (csv != null) writeCsv(points);
        if (png != null) writePlot(points);
        return 0;
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

    private void writePlot(List<Point> points) throws Exception {
        XYChart chart = new XYChartBuilder().width(900).height(560).title("jao forward throughput (" + Jao.activeIsa().nativeName()
                + ", " + Jao.threads() + " threads)").xAxisTitle("M (rows per call)").yAxisTitle("GFLOP/s").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        double[] ms = rows.stream().mapToDouble(Integer::doubleValue).sorted().toArray();
        for (String c : configs) {
            for (String shape : shapes) {
                long[] kn = parseShape(shape);
                List<Point> ps = points.stream().filter(p -> p.config().equals(c) && p.k() == kn[0] && p.n() == kn[1]).toList();
                chart.addSeries(c + " " + shape, ps.stream().mapToDouble(Point::m).toArray(),
                        ps.stream().mapToDouble(Point::gflops).toArray()).setMarker(SeriesMarkers.CIRCLE);
            }
            // roofline: weights streamed from DRAM once per call, capped by the int8 compute peak
            Point any = points.stream().filter(p -> p.config().equals(c)).findFirst().orElseThrow();
            double bytesPerWeight = (double) any.weightBytes() / (any.k() * any.n());
            double[] roof = Arrays.stream(ms).map(m -> Math.min(peakGops, 2 * m * dramGbs / bytesPerWeight)).toArray();
            XYSeries r = chart.addSeries(String.format("roofline %s (%.2f B/weight, %.0f GB/s, %.0f GOPS)", c,
                    bytesPerWeight, dramGbs, peakGops), ms, roof);
            r.setMarker(SeriesMarkers.NONE);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
