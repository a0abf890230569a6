package dev.jao.internal;

import dev.jao.config.FqnToConfig;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.config.QuantConfig;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;

/** Turns one {@link Linear} into a {@link QuantizedLinear} for a config (the per-config transforms). */
public final class LinearQuantizers {
    private LinearQuantizers() {}

    /**
     * A transform's outcome: the layer, or why it was skipped (torchao's skip rules).
     *
     * @param layer the quantized layer, or null when skipped
     * @param skipped the reason, or null
     */
    public record Result(QuantizedLinear layer, String skipped) {}

    /** Bytes of a linear layer's floating weight and bias. */
    public static long floatBytes(Linear l) {
        long b = l.weight().data().byteSize();
        return l.bias() == null ? b : b + l.bias().data().byteSize();
    }

    /** Quantizes {@code linear} with {@code config} (not an FqnToConfig). */
    public static Result quantize(Linear linear, QuantConfig config) {
        return switch (config) {
            case Int8DynamicActivationIntxWeightConfig c -> new Result(IntxLinearTransform.apply(linear, c), null);
            case FqnToConfig f -> throw new IllegalArgumentException("FqnToConfig must be resolved per module first");
        };
    }
}
