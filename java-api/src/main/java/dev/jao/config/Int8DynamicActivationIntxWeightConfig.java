package dev.jao.config;

import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;

/**
 * Dynamic per-token int8 activations × int1..int8 weights, groupwise or channelwise
 * (torchao {@code Int8DynamicActivationIntxWeightConfig}, version 2). The compact
 * constructor applies torchao's {@code __post_init__} checks with its messages; the
 * quantize-time checks (version 2, asymmetric activations, weight shape) run in
 * {@link #checkQuantizable(long, long)}.
 *
 * @param weightDtype INT1..INT8 (default INT8)
 * @param weightGranularity {@link Granularity.PerGroup} or {@code PerAxis(0)} (default PerGroup(32))
 * @param weightMappingType SYMMETRIC (default), ASYMMETRIC or SYMMETRIC_NO_CLIPPING_ERR
 * @param weightScaleDtype null (the weight's dtype), FLOAT32 or BFLOAT16; with a dtype other than the
 *     weight's, qdata is re-quantized with the cast scales, as torchao does
 * @param actMappingType ASYMMETRIC (default) or SYMMETRIC (accepted here, rejected at quantize time as in torchao v2)
 * @param intxPackingFormat UNPACKED_TO_INT8 (default) or one of the opaque formats
 * @param intxChooseQParamsAlgorithm AFFINE (default) or HQQ_SCALE_ONLY (symmetric, zero points 0, ignores the
 *     mapping type, as in torchao)
 * @param version 2 (the only supported version)
 */
public record Int8DynamicActivationIntxWeightConfig(
        DType weightDtype,
        Granularity weightGranularity,
        MappingType weightMappingType,
        DType weightScaleDtype,
        MappingType actMappingType,
        IntxPackingFormat intxPackingFormat,
        IntxChooseQParamsAlgorithm intxChooseQParamsAlgorithm,
        int version) implements QuantConfig {

    /** Checks the fields as torchao's {@code __post_init__} does. */
    public Int8DynamicActivationIntxWeightConfig {
        ConfigChecks.require(weightDtype != null && weightDtype.isInteger() && weightDtype.ordinal() <= DType.INT8.ordinal(),
                "weight_dtype must be torch.intx, where 1 <= x <= 8, but got " + weightDtype);
        ConfigChecks.require(weightGranularity instanceof Granularity.PerAxis
                        || weightGranularity instanceof Granularity.PerGroup,
                "weight_granularity must be PerAxis or PerGroup, but got " + weightGranularity);
        if (weightGranularity instanceof Granularity.PerAxis(int axis)) {
            ConfigChecks.require(axis == 0, "axis must be 0, but got " + axis);
        }
        ConfigChecks.require(weightMappingType != null,
                "weight_mapping_type must be MappingType.ASYMMETRIC or MappingType.SYMMETRIC or "
                        + "MappingType.SYMMETRIC_NO_CLIPPING_ERR, but got null");
        ConfigChecks.require(actMappingType == MappingType.ASYMMETRIC || actMappingType == MappingType.SYMMETRIC,
                "act_mapping_type must be MappingType.ASYMMETRIC or MappingType.SYMMETRIC, but got " + actMappingType);
        ConfigChecks.require(weightScaleDtype == null || weightScaleDtype == DType.FLOAT32
                        || weightScaleDtype == DType.BFLOAT16 || weightScaleDtype == DType.FLOAT16,
                "weight_scale_dtype must be None or a floating dtype, but got " + weightScaleDtype);
        ConfigChecks.require(intxPackingFormat != null, "intx_packing_format must not be null");
        ConfigChecks.require(intxChooseQParamsAlgorithm != null, "intx_choose_qparams_algorithm must not be null");
        ConfigChecks.require(version == 2, "version must be 2 (version 1 is deprecated in torchao), but got " + version);
    }

    /** torchao's defaults: int8, PerGroup(32), symmetric weights, asymmetric activations, unpacked. */
    public Int8DynamicActivationIntxWeightConfig() {
        this(DType.INT8, new Granularity.PerGroup(32), MappingType.SYMMETRIC, null, MappingType.ASYMMETRIC,
                IntxPackingFormat.UNPACKED_TO_INT8, IntxChooseQParamsAlgorithm.AFFINE, 2);
    }

    /** {@return a new builder starting from torchao's defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the weight bit width, 1..8} */
    public int weightBits() {
        return weightDtype.bits();
    }

    /**
     * Group size for a weight with {@code inFeatures} columns (K for PerAxis(0)).
     *
     * @param inFeatures columns of the weight (the layer's in_features, K)
     * @return the PerGroup size, or {@code inFeatures} for PerAxis(0)
     */
    public long groupSize(long inFeatures) {
        return weightGranularity instanceof Granularity.PerGroup(int g) ? g : inFeatures;
    }

    /**
     * The checks torchao makes when quantizing a {@code [outFeatures, inFeatures]} weight.
     *
     * @param outFeatures rows of the weight (the layer's out_features), must be positive
     * @param inFeatures columns of the weight (the layer's in_features), must be positive and a multiple
     *     of the group size
     * @throws IllegalArgumentException if this config cannot quantize such a weight
     */
    public void checkQuantizable(long outFeatures, long inFeatures) {
        ConfigChecks.require(actMappingType == MappingType.ASYMMETRIC,
                "Int8DynamicActivationIntxWeightConfig (version 2) requires act_mapping_type MappingType.ASYMMETRIC, "
                        + "but got " + actMappingType);
        ConfigChecks.require(outFeatures > 0 && inFeatures > 0,
                "weight must have positive dimensions, got [" + outFeatures + ", " + inFeatures + "]");
        long g = groupSize(inFeatures);
        ConfigChecks.require(inFeatures % g == 0,
                "group_size " + g + " must divide in_features " + inFeatures);
        if (intxPackingFormat == IntxPackingFormat.OPAQUE_ATEN_KLEIDIAI) {
            ConfigChecks.require(weightDtype == DType.INT4, "ATEN target only supports 4-bit");
            ConfigChecks.require(weightMappingType != MappingType.ASYMMETRIC, "ATEN target does not support zeros");
        }
    }

    /** Builder with torchao's defaults; every setter returns the builder. */
    public static final class Builder {
        private DType weightDtype = DType.INT8;
        private Granularity weightGranularity = new Granularity.PerGroup(32);
        private MappingType weightMappingType = MappingType.SYMMETRIC;
        private DType weightScaleDtype;
        private MappingType actMappingType = MappingType.ASYMMETRIC;
        private IntxPackingFormat intxPackingFormat = IntxPackingFormat.UNPACKED_TO_INT8;
        private IntxChooseQParamsAlgorithm intxChooseQParamsAlgorithm = IntxChooseQParamsAlgorithm.AFFINE;
        private int version = 2;

        private Builder() {}

        /**
         * Sets weight_dtype.
         *
         * @param v INT1..INT8
         * @return this builder
         */
        public Builder weightDtype(DType v) { weightDtype = v; return this; }
        /**
         * Sets weight_granularity.
         *
         * @param v {@link Granularity.PerGroup} or {@code PerAxis(0)}
         * @return this builder
         */
        public Builder weightGranularity(Granularity v) { weightGranularity = v; return this; }
        /**
         * Sets weight_mapping_type.
         *
         * @param v SYMMETRIC, ASYMMETRIC or SYMMETRIC_NO_CLIPPING_ERR
         * @return this builder
         */
        public Builder weightMappingType(MappingType v) { weightMappingType = v; return this; }
        /**
         * Sets weight_scale_dtype.
         *
         * @param v FLOAT32, BFLOAT16 or FLOAT16, or null for the weight's dtype
         * @return this builder
         */
        public Builder weightScaleDtype(DType v) { weightScaleDtype = v; return this; }
        /**
         * Sets act_mapping_type.
         *
         * @param v ASYMMETRIC, or SYMMETRIC (accepted by {@link #build()}, rejected at quantize time)
         * @return this builder
         */
        public Builder actMappingType(MappingType v) { actMappingType = v; return this; }
        /**
         * Sets intx_packing_format.
         *
         * @param v UNPACKED_TO_INT8 or one of the opaque formats, not null
         * @return this builder
         */
        public Builder intxPackingFormat(IntxPackingFormat v) { intxPackingFormat = v; return this; }
        /**
         * Sets intx_choose_qparams_algorithm.
         *
         * @param v AFFINE or HQQ_SCALE_ONLY, not null
         * @return this builder
         */
        public Builder intxChooseQParamsAlgorithm(IntxChooseQParamsAlgorithm v) { intxChooseQParamsAlgorithm = v; return this; }
        /**
         * Sets version.
         *
         * @param v the config version; {@link #build()} accepts only 2
         * @return this builder
         */
        public Builder version(int v) { version = v; return this; }

        /**
         * Builds and checks the config.
         *
         * @return a new config with the values set so far (torchao's defaults for the others)
         * @throws IllegalArgumentException if a value fails torchao's {@code __post_init__} checks
         */
        public Int8DynamicActivationIntxWeightConfig build() {
            return new Int8DynamicActivationIntxWeightConfig(weightDtype, weightGranularity, weightMappingType,
                    weightScaleDtype, actMappingType, intxPackingFormat, intxChooseQParamsAlgorithm, version);
        }
    }
}
