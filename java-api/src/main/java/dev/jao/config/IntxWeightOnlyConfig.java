package dev.jao.config;

import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;

/**
 * intN weight-only quantization, N = 1..8, groupwise or channelwise (torchao
 * {@code IntxWeightOnlyConfig}, version 2): weights quantized as
 * {@code IntxUnpackedToInt8Tensor} (int8 zero points, zero preserved for SYMMETRIC),
 * forward {@code F.linear(x, dequant(W), bias)} in floating point.
 *
 * @param weightDtype INT1..INT8 (default INT8)
 * @param granularity {@link Granularity.PerGroup} or {@code PerAxis(0)} (default PerAxis(0))
 * @param mappingType SYMMETRIC (default) or ASYMMETRIC
 * @param scaleDtype null (the weight's dtype) or a floating dtype for the scales
 * @param intxPackingFormat UNPACKED_TO_INT8 (default); jao always packs natively for its kernels
 * @param intxChooseQParamsAlgorithm AFFINE (default) or HQQ_SCALE_ONLY
 * @param version 2 (the only supported version)
 */
public record IntxWeightOnlyConfig(DType weightDtype, Granularity granularity, MappingType mappingType,
                                   DType scaleDtype, IntxPackingFormat intxPackingFormat,
                                   IntxChooseQParamsAlgorithm intxChooseQParamsAlgorithm, int version)
        implements QuantConfig {
    /** Checks the fields as torchao's {@code __post_init__} does. */
    public IntxWeightOnlyConfig {
        ConfigChecks.require(weightDtype != null && weightDtype.isInteger() && weightDtype.ordinal() <= DType.INT8.ordinal(),
                "weight_dtype must be torch.intx, where 1 <= x <= 8, but got " + weightDtype);
        ConfigChecks.require(granularity instanceof Granularity.PerAxis || granularity instanceof Granularity.PerGroup,
                "granularity must be PerAxis or PerGroup, but got " + granularity);
        if (granularity instanceof Granularity.PerAxis(int axis)) {
            ConfigChecks.require(axis == 0, "axis must be 0 with PerAxis, but got " + axis);
        }
        ConfigChecks.require(mappingType == MappingType.ASYMMETRIC || mappingType == MappingType.SYMMETRIC,
                "mapping_type must be MappingType.ASYMMETRIC or MappingType.SYMMETRIC, but got " + mappingType);
        ConfigChecks.require(scaleDtype == null || scaleDtype.isFloating(),
                "scale_dtype must be None or a floating dtype, but got " + scaleDtype);
        ConfigChecks.require(intxPackingFormat == IntxPackingFormat.UNPACKED_TO_INT8,
                "IntxWeightOnlyConfig supports intx_packing_format UNPACKED_TO_INT8, but got " + intxPackingFormat);
        ConfigChecks.require(intxChooseQParamsAlgorithm != null, "intx_choose_qparams_algorithm must not be null");
        ConfigChecks.require(version == 2, "version must be 2 (version 1 is deprecated in torchao), but got " + version);
    }

    /** torchao's defaults: int8, PerAxis(0), symmetric, scales in the weight's dtype. */
    public IntxWeightOnlyConfig() {
        this(DType.INT8, new Granularity.PerAxis(0), MappingType.SYMMETRIC, null, IntxPackingFormat.UNPACKED_TO_INT8,
                IntxChooseQParamsAlgorithm.AFFINE, 2);
    }

    /**
     * A config with the given dtype, granularity and mapping (other fields default).
     *
     * @param weightDtype the weight's signed type, INT1..INT8
     * @param granularity {@link Granularity.PerGroup} or {@code PerAxis(0)}
     * @param mappingType SYMMETRIC or ASYMMETRIC
     * @return the checked config
     * @throws IllegalArgumentException if a value is not one of those allowed
     */
    public static IntxWeightOnlyConfig of(DType weightDtype, Granularity granularity, MappingType mappingType) {
        return new IntxWeightOnlyConfig(weightDtype, granularity, mappingType, null, IntxPackingFormat.UNPACKED_TO_INT8,
                IntxChooseQParamsAlgorithm.AFFINE, 2);
    }

    /**
     * Group size for a weight with {@code inFeatures} columns (K for PerAxis(0)).
     *
     * @param inFeatures columns of the weight (the layer's in_features, K)
     * @return the PerGroup size, or {@code inFeatures} for PerAxis(0)
     */
    public long groupSize(long inFeatures) {
        return granularity instanceof Granularity.PerGroup(int g) ? g : inFeatures;
    }
}
