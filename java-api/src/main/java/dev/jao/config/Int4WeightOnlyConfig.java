package dev.jao.config;

import dev.jao.quant.ZeroPointDomain;
import java.util.List;

/**
 * uint4 weight-only asymmetric per-group quantization with floating zero points, as
 * torchao's {@code Int4WeightOnlyConfig} does on CPU (tinygemm numerics: values 0..15,
 * {@code w = (q - 8) * scale + zero}, eps 1e-6, scale and zero in the weight's dtype, zero
 * not preserved). Weights whose in_features the group size does not divide are skipped
 * and reported, as torchao logs and skips them.
 *
 * @param groupSize 32, 64, 128 (default) or 256
 * @param useHqq choose scales and zeros with HQQ (torchao's proximal solver, FLOAT-domain zeros)
 * @param zeroPointDomain NONE (default: the CPU layout's FLOAT) or FLOAT; INT is not supported on CPU
 * @param preserveZero null (default: false for the FLOAT domain) or an explicit choice
 */
public record Int4WeightOnlyConfig(int groupSize, boolean useHqq, ZeroPointDomain zeroPointDomain, Boolean preserveZero)
        implements QuantConfig {
    /** The group sizes tinygemm supports. */
    public static final List<Integer> GROUP_SIZES = List.of(256, 128, 64, 32);

    /** Checks the fields as torchao does. */
    public Int4WeightOnlyConfig {
        ConfigChecks.require(GROUP_SIZES.contains(groupSize),
                "group_size must be one of " + GROUP_SIZES + ", but got " + groupSize);
        ConfigChecks.require(zeroPointDomain == ZeroPointDomain.NONE || zeroPointDomain == ZeroPointDomain.FLOAT,
                "Layout only support [ZeroPointDomain.FLOAT] on CPU, but got " + zeroPointDomain);
    }

    /** torchao's defaults: group size 128, no HQQ, the CPU layout's FLOAT zero points. */
    public Int4WeightOnlyConfig() {
        this(128, false, ZeroPointDomain.NONE, null);
    }

    /**
     * A config with the given group size (other fields default).
     *
     * @param groupSize elements per group along in_features: one of {@link #GROUP_SIZES} (32, 64, 128, 256)
     * @return the checked config
     * @throws IllegalArgumentException if {@code groupSize} is not supported
     */
    public static Int4WeightOnlyConfig ofGroupSize(int groupSize) {
        return new Int4WeightOnlyConfig(groupSize, false, ZeroPointDomain.NONE, null);
    }

    /** {@return whether zero is kept exactly representable: {@link #preserveZero()}, with null meaning false} */
    public boolean effectivePreserveZero() {
        return preserveZero != null && preserveZero;
    }
}
