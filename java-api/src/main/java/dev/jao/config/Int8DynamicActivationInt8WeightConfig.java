package dev.jao.config;

import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;

/**
 * Dynamic per-token int8 activations × symmetric int8 weights (torchao
 * {@code Int8DynamicActivationInt8WeightConfig}, version 2 / Int8Tensor): an exact integer
 * matmul (oneDNN or jao's VNNI kernels) followed by torchao's float epilogue, bit-exact
 * with torchao. Layers with {@code in_features <= 16} are skipped, as torchao does.
 * The integer matmul is chosen per layer when it is packed; the system property
 * {@value #BACKEND_PROPERTY} overrides the choice.
 *
 * @param actMappingType SYMMETRIC (default) or ASYMMETRIC per-token activation quantization
 * @param weightOnlyDecode when true, single-row inputs (decode) skip activation quantization and run
 *     the weight-only int8 path; other inputs are quantized as configured
 * @param granularity {@link Granularity.PerRow} (default) or {@link Granularity.PerTensor} weight scales
 * @param reduceRange quantize weights to [-64, 63] instead of [-128, 127]
 * @param version 2 (the only supported version)
 */
public record Int8DynamicActivationInt8WeightConfig(MappingType actMappingType, boolean weightOnlyDecode,
                                                    Granularity granularity, boolean reduceRange, int version)
        implements QuantConfig {
    /**
     * System property that forces the integer matmul of layers quantized from now on:
     * {@code auto} (default: the faster on this CPU for the layer's shape, by a measured
     * rule), {@code onednn} (oneDNN's s8 matmul, weights in its blocked layout) or
     * {@code jao} (jao's own VNNI / AVX2 / scalar kernels). Outputs are identical. On an x86 CPU
     * without VNNI, oneDNN's s8 kernels sum u8 x s8 pairs in saturating int16 and can give wrong
     * results, so there {@code auto} always picks jao and {@code onednn} makes quantization fail with
     * a {@link dev.jao.JaoException} of status {@link dev.jao.NativeStatus#UNSUPPORTED}.
     */
    public static final String BACKEND_PROPERTY = "jao.int8.backend";

    /** Checks the fields as torchao does. */
    public Int8DynamicActivationInt8WeightConfig {
        ConfigChecks.require(actMappingType == MappingType.SYMMETRIC || actMappingType == MappingType.ASYMMETRIC,
                "act_mapping_type must be MappingType.SYMMETRIC or MappingType.ASYMMETRIC, but got " + actMappingType);
        ConfigChecks.require(granularity instanceof Granularity.PerRow || granularity instanceof Granularity.PerTensor,
                "granularity must be PerRow or PerTensor, but got " + granularity);
        ConfigChecks.require(version == 2, "version must be 2 (version 1 is deprecated in torchao), but got " + version);
    }

    /** torchao's defaults: symmetric activations, PerRow, full range, version 2. */
    public Int8DynamicActivationInt8WeightConfig() {
        this(MappingType.SYMMETRIC, false, new Granularity.PerRow(), false, 2);
    }

    /**
     * A config with the given activation mapping and weight granularity (other fields default).
     *
     * @param actMappingType per-token activation quantization: SYMMETRIC or ASYMMETRIC
     * @param granularity weight scales: {@link Granularity.PerRow} or {@link Granularity.PerTensor}
     * @return the checked config
     * @throws IllegalArgumentException if either value is not one of those allowed
     */
    public static Int8DynamicActivationInt8WeightConfig of(MappingType actMappingType, Granularity granularity) {
        return new Int8DynamicActivationInt8WeightConfig(actMappingType, false, granularity, false, 2);
    }
}
