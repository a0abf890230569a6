package dev.jao.config;

import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;

/**
 * Dynamic per-token int8 activations × int4 groupwise weights (torchao
 * {@code Int8DynamicActivationInt4WeightConfig}): the int4 case of
 * {@link Int8DynamicActivationIntxWeightConfig}, run by the same packed kernels. Weights
 * whose in_features the group size does not divide are skipped, as torchao does.
 *
 * @param groupSize elements per group (default 32; -1 means per channel)
 * @param mappingType weight mapping: SYMMETRIC (default) or ASYMMETRIC
 * @param actMappingType activation mapping: ASYMMETRIC (default); SYMMETRIC is rejected when quantizing
 *     (jao's int8 × intN kernels quantize activations asymmetrically, as torchao's intx kernels do)
 */
public record Int8DynamicActivationInt4WeightConfig(int groupSize, MappingType mappingType, MappingType actMappingType)
        implements QuantConfig {
    /** Checks the fields. */
    public Int8DynamicActivationInt4WeightConfig {
        ConfigChecks.require(groupSize > 0 || groupSize == -1, "group_size must be positive or -1, but got " + groupSize);
        ConfigChecks.require(mappingType == MappingType.SYMMETRIC || mappingType == MappingType.ASYMMETRIC,
                "mapping_type must be MappingType.SYMMETRIC or MappingType.ASYMMETRIC, but got " + mappingType);
        ConfigChecks.require(actMappingType == MappingType.SYMMETRIC || actMappingType == MappingType.ASYMMETRIC,
                "act_mapping_type must be MappingType.SYMMETRIC or MappingType.ASYMMETRIC, but got " + actMappingType);
    }

    /** torchao's defaults: group 32, symmetric weights, asymmetric activations. */
    public Int8DynamicActivationInt4WeightConfig() {
        this(32, MappingType.SYMMETRIC, MappingType.ASYMMETRIC);
    }

    /**
     * The equivalent intx config for a weight with {@code inFeatures} columns.
     *
     * @param inFeatures columns of the weight (the layer's in_features); a group size equal to it becomes
     *     {@code PerAxis(0)}
     * @return an INT4 {@link Int8DynamicActivationIntxWeightConfig} with this config's group size and weight
     *     mapping, asymmetric activations and the {@code OPAQUE_TORCHAO_AUTO} packing format
     * @throws IllegalArgumentException for symmetric activations, which jao's kernels do not implement
     */
    public Int8DynamicActivationIntxWeightConfig asIntx(long inFeatures) {
        ConfigChecks.require(actMappingType == MappingType.ASYMMETRIC,
                "jao runs Int8DynamicActivationInt4WeightConfig with asymmetric activations only, but got "
                        + actMappingType);
        Granularity g = groupSize == -1 || groupSize == inFeatures ? new Granularity.PerAxis(0)
                : new Granularity.PerGroup(groupSize);
        return new Int8DynamicActivationIntxWeightConfig(DType.INT4, g, mappingType, null, MappingType.ASYMMETRIC,
                IntxPackingFormat.OPAQUE_TORCHAO_AUTO, IntxChooseQParamsAlgorithm.AFFINE, 2);
    }
}
