package dev.jao;

import dev.jao.config.FqnToConfig;
import dev.jao.config.QuantConfig;
import dev.jao.internal.LinearQuantizers;
import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.nn.QuantizedLinear;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * torchao's {@code quantize_(model, config, filter_fn)}: walks the module tree by fully
 * qualified names and replaces every eligible {@link Linear} with a
 * {@link QuantizedLinear} quantized natively with the config (or, for an
 * {@link FqnToConfig}, the config its name resolves to).
 */
public final class Quantizer {
    private Quantizer() {}

    /** torchao's default filter: plain linear layers (not already quantized). */
    public static final BiPredicate<Module, String> DEFAULT_FILTER = (m, fqn) -> m instanceof Linear;

    /**
     * {@link #quantize(Module, QuantConfig, BiPredicate)} with {@link #DEFAULT_FILTER}.
     *
     * @param model the module tree to quantize in place; its root cannot be a linear layer
     * @param config the config to apply to every linear layer, or an {@link FqnToConfig} choosing one per name
     * @return one report entry per linear layer considered
     */
    public static QuantizationReport quantize(Module model, QuantConfig config) {
        return quantize(model, config, DEFAULT_FILTER);
    }

    /**
     * Quantizes, in place, every linear layer of {@code model} that {@code filter} accepts.
     * The root itself cannot be replaced (pass its parent). Layers a config cannot handle
     * with torchao's skip rules are left as they are and reported with the reason; any
     * other invalid combination throws {@link IllegalArgumentException} before the tree is
     * changed further.
     *
     * @param model the module tree to quantize in place (not null)
     * @param config the config to apply, or an {@link FqnToConfig} choosing one per fully qualified name (not null)
     * @param filter called with each {@link Linear} and its fully qualified name; only accepted layers are quantized
     * @return one report entry per linear layer considered
     */
    public static QuantizationReport quantize(Module model, QuantConfig config, BiPredicate<Module, String> filter) {
        return quantize(model, config, filter, (fqn, done, total) -> { });
    }

    /** Progress of {@link #quantize(Module, QuantConfig, BiPredicate, Progress)}: before each layer, and once at the end. */
    @FunctionalInterface
    public interface Progress {
        /**
         * Reports progress.
         *
         * @param fqn the layer about to be handled ("" at the end)
         * @param done layers finished so far
         * @param total layers the filter accepted
         */
        void layerDone(String fqn, int done, int total);
    }

    /**
     * {@link #quantize(Module, QuantConfig, BiPredicate)} reporting each layer to {@code progress}.
     *
     * @param model the module tree to quantize in place (not null)
     * @param config the config to apply, or an {@link FqnToConfig} choosing one per fully qualified name (not null)
     * @param filter called with each {@link Linear} and its fully qualified name; only accepted layers are quantized
     * @param progress called on the calling thread before each accepted layer and once at the end
     * @return one report entry per linear layer considered
     */
    public static QuantizationReport quantize(Module model, QuantConfig config, BiPredicate<Module, String> filter,
                                              Progress progress) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(filter, "filter");
        List<QuantizationReport.Layer> report = new ArrayList<>();
        Map<String, Linear> eligible = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (e.getValue() instanceof Linear linear && filter.test(linear, e.getKey())) eligible.put(e.getKey(), linear);
        }
        for (Map.Entry<String, Linear> e : eligible.entrySet()) {
            progress.layerDone(e.getKey(), report.size(), eligible.size());
            String fqn = e.getKey();
            Linear linear = e.getValue();
            if (fqn.isEmpty()) throw new IllegalArgumentException("the root module cannot be replaced; quantize its parent");
            Optional<QuantConfig> chosen = config instanceof FqnToConfig f ? f.configFor(fqn) : Optional.of(config);
            long before = LinearQuantizers.floatBytes(linear);
            if (chosen.isEmpty()) {
                report.add(new QuantizationReport.Layer(fqn, "-", null, null, before, 0, "no config for this name"));
                continue;
            }
            LinearQuantizers.Result r = LinearQuantizers.quantize(linear, chosen.get());
            if (r.skipped() != null) {
                report.add(new QuantizationReport.Layer(fqn, chosen.get().torchaoName(), null, null, before, 0, r.skipped()));
                continue;
            }
            QuantizedLinear q = r.layer();
            model.replace(fqn, q);
            report.add(new QuantizationReport.Layer(fqn, chosen.get().torchaoName(), q.layout(), q.tier(1), before,
                    q.packedBytes(), null));
        }
        progress.layerDone("", report.size(), eligible.size());
        return new QuantizationReport(report);
    }
}
