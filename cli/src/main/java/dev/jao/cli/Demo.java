package dev.jao.cli;

import dev.jao.QuantizationReport;
import dev.jao.Quantizer;
import dev.jao.config.Int4WeightOnlyConfig;
import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.config.Int8WeightOnlyConfig;
import dev.jao.config.QuantConfig;
import dev.jao.io.Checkpoints;
import dev.jao.io.SafetensorsFile;
import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code jao demo}: quantizes the embedded demo model with each implemented config and
 * prints, per config: layout, ISA tier, weight bytes and compression, output SQNR against
 * fp32, latency of the whole stack at M=1 and throughput at M=128.
 */
final class Demo {
    private static final int SQNR_ROWS = 8, DECODE_RUNS = 21, PREFILL_ROWS = 128, PREFILL_RUNS = 5;

    private Demo() {}

    /** The configs the demo compares, by label. */
    static Map<String, QuantConfig> configs() {
        Map<String, QuantConfig> c = new LinkedHashMap<>();
        var intx = Int8DynamicActivationIntxWeightConfig.builder().intxPackingFormat(IntxPackingFormat.OPAQUE_TORCHAO_AUTO);
        c.put("int8 act x int4 g32 sym", intx.weightDtype(DType.INT4).weightGranularity(new Granularity.PerGroup(32)).build());
        c.put("int8 act x int4 g128 asym", intx.weightDtype(DType.INT4).weightGranularity(new Granularity.PerGroup(128))
                .weightMappingType(MappingType.ASYMMETRIC).build());
        c.put("int8 act x int8 per-channel", intx.weightDtype(DType.INT8).weightGranularity(new Granularity.PerAxis(0))
                .weightMappingType(MappingType.SYMMETRIC).build());
        c.put("int8 act x int2 g32 sym", intx.weightDtype(DType.INT2).weightGranularity(new Granularity.PerGroup(32)).build());
        c.put("int8 act x int8 w (torchao w8a8)", new Int8DynamicActivationInt8WeightConfig());
        c.put("int8 weight-only per-row", new Int8WeightOnlyConfig());
        c.put("int4 weight-only g128 (tinygemm)", new Int4WeightOnlyConfig());
        return c;
    }

    static void run(PrintWriter out, Path cacheDir, boolean progressBar) throws IOException {
        ProgressBar bar = new ProgressBar(System.err, progressBar);
        Path file = DemoModel.checkpoint(cacheDir, bar);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            List<Linear> reference = linears(Checkpoints.linearTree(f));
            long params = reference.stream().mapToLong(l -> l.inFeatures() * l.outFeatures()).sum();
            out.printf("demo model: %d linear layers, %.1f M parameters, fp32 %.1f MB (%s)%n", reference.size(),
                    params / 1e6, params * 4 / 1e6, file);
            Inputs in = new Inputs(reference);
            List<String[]> rows = new ArrayList<>();
            int step = 0;
            Map<String, QuantConfig> configs = configs();
            for (var e : configs.entrySet()) {
                bar.update("quantizing and measuring", step++, configs.size());
                rows.add(measure(e.getKey(), e.getValue(), Checkpoints.linearTree(f), in, params));
            }
            bar.update("quantizing and measuring", step, configs.size());
            printTable(out, rows);
        }
    }

    /** Seeded inputs and fp32 reference outputs per layer. */
    private static final class Inputs {
        final List<float[]> sqnrX = new ArrayList<>(), sqnrY = new ArrayList<>(), decodeX = new ArrayList<>(),
                prefillX = new ArrayList<>();

        Inputs(List<Linear> layers) {
            SplittableRandom rng = new SplittableRandom(7);
            for (Linear l : layers) {
                int k = (int) l.inFeatures();
                float[] x = gaussian(rng, SQNR_ROWS * k);
                sqnrX.add(x);
                sqnrY.add(reference(l, x, SQNR_ROWS));
                decodeX.add(gaussian(rng, k));
                prefillX.add(gaussian(rng, PREFILL_ROWS * k));
            }
        }
    }

    private static String[] measure(String label, QuantConfig config, Module model, Inputs in, long params) {
        QuantizationReport report = Quantizer.quantize(model, config);
        List<QuantizedLinear> layers = quantized(model);
        try {
            double signal = 0, noise = 0;
            for (int i = 0; i < layers.size(); i++) {
                float[] y = layers.get(i).forward(in.sqnrX.get(i)), ref = in.sqnrY.get(i);
                for (int j = 0; j < y.length; j++) {
                    signal += (double) ref[j] * ref[j];
                    noise += (double) (ref[j] - y[j]) * (ref[j] - y[j]);
                }
            }
            double decodeMs = Timing.medianMs(5, DECODE_RUNS, () -> forwardAll(layers, in.decodeX));
            double prefillMs = Timing.medianMs(3, PREFILL_RUNS, () -> forwardAll(layers, in.prefillX));
            long packed = report.layers().stream().mapToLong(QuantizationReport.Layer::bytesAfter).sum();
            QuantizedLinear first = layers.get(0);
            return new String[] {label, first.layout(), first.tier(1).nativeName() + "/" + first.tier(PREFILL_ROWS).nativeName(),
                String.format("%.1f MB", packed / 1e6), String.format("%.1fx", params * 4.0 / packed),
                String.format("%.1f dB", 10 * Math.log10(signal / noise)), String.format("%.2f ms", decodeMs),
                String.format("%.0f GFLOP/s", 2.0 * PREFILL_ROWS * params / (prefillMs * 1e6))};
        } finally {
            layers.forEach(QuantizedLinear::close);
        }
    }

    private static void forwardAll(List<QuantizedLinear> layers, List<float[]> xs) {
        for (int i = 0; i < layers.size(); i++) layers.get(i).forward(xs.get(i));
    }

    private static void printTable(PrintWriter out, List<String[]> rows) {
        String[] head = {"config", "layout", "ISA M=1/M=128", "weights", "vs fp32", "SQNR", "M=1 latency", "M=128 throughput"};
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] r : rows) w[i] = Math.max(w[i], r[i].length());
        }
        StringBuilder fmt = new StringBuilder();
        for (int x : w) fmt.append("%-").append(x).append("s  ");
        String f = fmt.toString();
        out.println(String.format(f, (Object[]) head).stripTrailing());
        for (String[] r : rows) out.println(String.format(f, (Object[]) r).stripTrailing());
    }

    static List<Linear> linears(Module m) {
        return m.namedModules().values().stream().filter(Linear.class::isInstance).map(Linear.class::cast).toList();
    }

    static List<QuantizedLinear> quantized(Module m) {
        return m.namedModules().values().stream().filter(QuantizedLinear.class::isInstance)
                .map(QuantizedLinear.class::cast).toList();
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble()));
        return x;
    }

    /** fp32 y = x Wᵀ + b for a float Linear (the SQNR reference), accumulated in double. */
    static float[] reference(Linear l, float[] x, int rows) {
        float[] w = l.weight().toFloatArray();
        float[] b = l.bias() == null ? null : l.bias().toFloatArray();
        int k = (int) l.inFeatures(), n = (int) l.outFeatures();
        float[] y = new float[rows * n];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < n; j++) {
                double acc = b == null ? 0 : b[j];
                for (int i = 0; i < k; i++) acc += (double) x[r * k + i] * w[j * k + i];
                y[r * n + j] = (float) acc;
            }
        return y;
    }
}
