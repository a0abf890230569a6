package dev.jao.config;

import dev.jao.quant.Granularity;

/**
 * Int8 weight-only quantization: symmetric int8 weights, floating activations (torchao
 * {@code Int8WeightOnlyConfig}, version 2 / Int8Tensor). Weights are quantized per row
 * (default), per tensor or per group with scale {@code amax / 127.5} (eps = 2^-23); the
 * forward is {@code x @ dequant(W)^T + bias} in floating point.
 *
 * @param groupSize torchao's older spelling of PerGroup: when non-null it overrides the granularity
 * @param granularity {@link Granularity.PerRow} (default), {@link Granularity.PerTensor} or {@link Granularity.PerGroup}
 * @param version 2 (the only supported version)
 */
public record Int8WeightOnlyConfig(Integer groupSize, Granularity granularity, int version) implements QuantConfig {
    /** Checks the fields as torchao does. */
    public Int8WeightOnlyConfig {
        ConfigChecks.require(groupSize == null || groupSize > 0, "group_size must be positive, but got " + groupSize);
        ConfigChecks.require(granularity instanceof Granularity.PerRow || granularity instanceof Granularity.PerTensor
                        || granularity instanceof Granularity.PerGroup,
                "granularity must be PerRow, PerTensor or PerGroup, but got " + granularity);
        ConfigChecks.require(version == 2, "version must be 2 (version 1 is deprecated in torchao), but got " + version);
    }

    /** torchao's defaults: PerRow, version 2. */
    public Int8WeightOnlyConfig() {
        this(null, new Granularity.PerRow(), 2);
    }

    /**
     * A config with the given granularity (version 2).
     *
     * @param granularity {@link Granularity.PerRow}, {@link Granularity.PerTensor} or {@link Granularity.PerGroup}
     * @return the checked config, with no {@code groupSize} override
     * @throws IllegalArgumentException for any other granularity
     */
    public static Int8WeightOnlyConfig of(Granularity granularity) {
        return new Int8WeightOnlyConfig(null, granularity, 2);
    }

    /** {@return the granularity after applying {@link #groupSize()}: PerGroup(groupSize) when it is set} */
    public Granularity effectiveGranularity() {
        return groupSize != null ? new Granularity.PerGroup(groupSize) : granularity;
    }
}
