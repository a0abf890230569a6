package dev.jao.qat;

import dev.jao.QuantizationReport;
import dev.jao.Quantizer;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * torchao's QAT flow ({@code QATConfig(step="prepare")} then {@code step="convert"}):
 * {@link #prepare} swaps linear layers for {@link FakeQuantizedLinear}s, training runs with
 * them, {@link #convert} swaps them back and quantizes each with the inference config that
 * matches its fake quantization ({@link #matchingConfig}).
 */
public final class Qat {
    private Qat() {}

    /**
     * Swaps every Linear the filter accepts for a FakeQuantizedLinear; returns how many.
     *
     * @param model the tree to prepare in place; the root itself is never swapped
     * @param activation fake quantization of each layer's inputs, or null for none
     * @param weight fake quantization of each layer's weight, not null
     * @param filter called with each {@link Linear} and its fully qualified name; only accepted layers are swapped
     * @return the number of layers swapped
     */
    public static int prepare(Module model, IntxFakeQuantizeConfig activation, IntxFakeQuantizeConfig weight,
                              BiPredicate<Module, String> filter) {
        int swapped = 0;
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (e.getValue() instanceof Linear l && filter.test(l, e.getKey()) && !e.getKey().isEmpty()) {
                model.replace(e.getKey(), new FakeQuantizedLinear(l, activation, weight));
                swapped++;
            }
        }
        return swapped;
    }

    /**
     * The inference config torchao pairs with these fake quantizations: int8 per-token
     * asymmetric activations and an intN per-group / per-channel weight map to
     * {@link Int8DynamicActivationIntxWeightConfig} with the same weight dtype, granularity
     * and mapping.
     *
     * @param activation the activation fake quantization: must be INT8 per-token ASYMMETRIC
     * @param weight the weight fake quantization: a signed dtype, per channel or per group
     * @return the matching config, with torchao's defaults for its other fields
     * @throws IllegalArgumentException for combinations without an inference config here
     */
    public static Int8DynamicActivationIntxWeightConfig matchingConfig(IntxFakeQuantizeConfig activation,
                                                                       IntxFakeQuantizeConfig weight) {
        boolean actOk = activation != null && activation.dtype() == dev.jao.quant.DType.INT8
                && activation.granularity() instanceof Granularity.PerToken
                && activation.mappingType() == MappingType.ASYMMETRIC;
        if (!actOk) {
            throw new IllegalArgumentException("no inference config for activation fake quantization " + activation
                    + " (supported: int8 per_token asymmetric)");
        }
        if (weight.dtype().quantMin() >= 0 || weight.granularity() instanceof Granularity.PerToken) {
            throw new IllegalArgumentException("no inference config for weight fake quantization " + weight
                    + " (supported: signed int1..int8, per_channel or per_group)");
        }
        return Int8DynamicActivationIntxWeightConfig.builder().weightDtype(weight.dtype())
                .weightGranularity(weight.granularity()).weightMappingType(weight.mappingType()).build();
    }

    /**
     * Swaps every FakeQuantizedLinear back and quantizes it with its matching inference config.
     *
     * @param model a tree prepared with {@link #prepare} (and trained), converted in place
     * @return one entry per converted layer, named by its fully qualified name; a skipped layer is put
     *     back as its float {@link Linear}
     * @throws IllegalArgumentException if a layer's fake quantization has no matching inference config
     */
    public static QuantizationReport convert(Module model) {
        java.util.List<QuantizationReport.Layer> layers = new java.util.ArrayList<>();
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (!(e.getValue() instanceof FakeQuantizedLinear f)) continue;
            Int8DynamicActivationIntxWeightConfig config = matchingConfig(f.activationConfig(), f.weightConfig());
            Container holder = new Container();
            holder.register("layer", f.linear());
            QuantizationReport r = Quantizer.quantize(holder, config);
            model.replace(e.getKey(), holder.children().get("layer"));
            r.layers().forEach(l -> layers.add(new QuantizationReport.Layer(e.getKey(), l.config(), l.layout(), l.tier(),
                    l.bytesBefore(), l.bytesAfter(), l.skipped())));
        }
        return new QuantizationReport(layers);
    }
}
