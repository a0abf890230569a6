package dev.jao.cli;

import dev.jao.QuantizationReport;
import dev.jao.Quantizer;
import dev.jao.config.FqnToConfig;
import dev.jao.config.QuantConfig;
import dev.jao.internal.Json;
import dev.jao.io.Checkpoints;
import dev.jao.io.JaoModelFile;
import dev.jao.io.SafetensorsFile;
import dev.jao.nn.Module;
import dev.jao.nn.QuantizedLinear;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jao quantize}: a safetensors checkpoint → a jao model file, with a per-layer report. */
@Command(name = "quantize", description = "Quantize the linear layers of a safetensors checkpoint into a jao model file.")
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", defaultValue = "int4-g32",
            description = "preset (${COMPLETION-CANDIDATES}), inline JSON or a JSON file; default: ${DEFAULT-VALUE}",
            completionCandidates = PresetNames.class)
    String config;

    @Option(names = "--fqn-config", description = "JSON file {\"<fqn>|re:<regex>|_default\": <preset|config|null>}")
    Path fqnConfig;

    @Parameters(index = "0", description = "input .safetensors")
    Path input;

    @Parameters(index = "1", description = "output .jao model file")
    Path output;

    /** The preset names, for help and completion. */
    static final class PresetNames extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        PresetNames() {
            super(ConfigPresets.all().keySet());
        }
    }

    @Override
    public Integer call() throws Exception {
        var out = spec.commandLine().getOut();
        QuantConfig chosen = fqnConfig == null ? ConfigPresets.parse(config) : fqnConfigs(fqnConfig);
        ProgressBar bar = new ProgressBar(System.err, Main.progressWanted());
        try (SafetensorsFile file = SafetensorsFile.open(input)) {
            Module model = Checkpoints.linearTree(file);
            QuantizationReport report = Quantizer.quantize(model, chosen, Quantizer.DEFAULT_FILTER,
                    (fqn, done, total) -> bar.update("quantizing", done, total));
            out.print(report);
            JaoModelFile.save(model, output);
            model.namedModules().values().stream().filter(QuantizedLinear.class::isInstance)
                    .forEach(m -> ((QuantizedLinear) m).close());
            long before = report.layers().stream().mapToLong(QuantizationReport.Layer::bytesBefore).sum();
            out.printf("%d of %d layers quantized; %s written (%.1f MB, linear weights %.1f MB before)%n",
                    report.quantizedCount(), report.layers().size(), output, Files.size(output) / 1e6, before / 1e6);
        }
        return 0;
    }

    private static QuantConfig fqnConfigs(Path file) throws Exception {
        if (!(Json.parse(Files.readString(file)) instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(file + " must hold a JSON object of name -> config");
        }
        Map<String, QuantConfig> byName = new LinkedHashMap<>();
        for (var e : m.entrySet()) {
            Object v = e.getValue();
            byName.put((String) e.getKey(), v == null ? null
                    : v instanceof String s ? ConfigPresets.parse(s) : ConfigPresets.parse(Json.write(v)));
        }
        return new FqnToConfig(byName);
    }
}
