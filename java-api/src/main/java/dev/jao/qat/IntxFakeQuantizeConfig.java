package dev.jao.qat;

import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import dev.jao.quant.ZeroPointDomain;

/**
 * How to fake quantize weights or activations for quantization-aware training (torchao
 * {@code IntxFakeQuantizeConfig}; {@link FakeQuantizeConfig} is its deprecated alias).
 * Build it with {@link #of}, which accepts torchao's string
 * granularities ("per_token", "per_channel", "per_group" + group_size) and
 * {@code is_symmetric}, with torchao's checks and messages.
 *
 * @param dtype INT1..INT8 or UINT1..UINT8
 * @param granularity PerToken, PerAxis(0) or PerGroup(g)
 * @param mappingType SYMMETRIC (default) or ASYMMETRIC
 * @param scalePrecision scale dtype (default FLOAT32)
 * @param zeroPointDomain INT (default)
 * @param isDynamic recompute qparams every forward (default true)
 * @param rangeLearning learn qparams (prototype in torchao; not supported here)
 * @param eps lower bound of scales, or null for torchao's default per path
 */
public record IntxFakeQuantizeConfig(DType dtype, Granularity granularity, MappingType mappingType, DType scalePrecision,
                                     ZeroPointDomain zeroPointDomain, boolean isDynamic, boolean rangeLearning, Float eps) {
    /** torchao's checks. */
    public IntxFakeQuantizeConfig {
        if (zeroPointDomain == null) throw new IllegalArgumentException("Please use ZeroPointDomain.NONE instead of None");
        if (dtype == null || !dtype.isInteger()) {
            throw new IllegalArgumentException("Unsupported dtype '" + dtype + "', choose from INT1..INT8, UINT1..UINT8");
        }
        if (granularity instanceof Granularity.PerAxis(int axis) && axis != 0) {
            throw new IllegalArgumentException("Only axis=0 is supported for PerAxis granularity");
        }
        if (!(granularity instanceof Granularity.PerToken || granularity instanceof Granularity.PerAxis
                || granularity instanceof Granularity.PerGroup)) {
            throw new IllegalArgumentException("Granularity '" + granularity + "' is not supported");
        }
        if (mappingType != MappingType.SYMMETRIC && mappingType != MappingType.ASYMMETRIC) {
            throw new IllegalArgumentException("MappingType '" + mappingType + "' is not supported");
        }
        if (scalePrecision == null || !scalePrecision.isFloating()) {
            throw new IllegalArgumentException("scale_precision must be a floating dtype, got " + scalePrecision);
        }
        if (isDynamic && rangeLearning) throw new IllegalArgumentException("`is_dynamic` is not compatible with `range_learning`");
    }

    /**
     * torchao's constructor: {@code granularity} is a {@link Granularity}, one of the strings
     * "per_token", "per_channel", "per_group", or null (then {@code groupSize} must be set);
     * {@code mappingType} and {@code isSymmetric} are alternatives (both null = SYMMETRIC).
     *
     * @param dtype INT1..INT8 or UINT1..UINT8
     * @param granularity a {@link Granularity}, "per_token", "per_channel", "per_group", or null
     * @param mappingType SYMMETRIC or ASYMMETRIC, or null to use {@code isSymmetric}
     * @param groupSize elements per group for "per_group" (or null granularity), else null
     * @param isSymmetric alternative to {@code mappingType}, or null
     * @return the checked config: FLOAT32 scales, INT zero-point domain, dynamic, no range learning,
     *     torchao's default eps
     * @throws IllegalArgumentException with torchao's message for a conflicting or unsupported combination
     */
    public static IntxFakeQuantizeConfig of(DType dtype, Object granularity, MappingType mappingType, Integer groupSize,
                                            Boolean isSymmetric) {
        return new IntxFakeQuantizeConfig(dtype, granularity(granularity, groupSize), mapping(mappingType, isSymmetric),
                DType.FLOAT32, ZeroPointDomain.INT, true, false, null);
    }

    private static Granularity granularity(Object g, Integer groupSize) {
        if (groupSize != null && g != null && !"per_group".equals(g)) {
            throw new IllegalArgumentException("`group_size` conflicts with granularity '" + g + "'");
        }
        if (g instanceof Granularity gr) return gr;
        if ("per_token".equals(g)) return new Granularity.PerToken();
        if ("per_channel".equals(g)) return new Granularity.PerAxis(0);
        if ("per_group".equals(g)) {
            if (groupSize == null) throw new IllegalArgumentException("Granularity was 'per_group' but no `group_size` was set");
            return new Granularity.PerGroup(groupSize);
        }
        if (g instanceof String s) {
            throw new IllegalArgumentException("Unexpected granularity: '" + s + "', must be one of [per_token, per_channel, per_group]");
        }
        if (g != null) throw new IllegalArgumentException("Granularity '" + g + "' has unexpected type " + g.getClass());
        if (groupSize == null) throw new IllegalArgumentException("At least one of `granularity` or `group_size` must be set");
        return new Granularity.PerGroup(groupSize);
    }

    private static MappingType mapping(MappingType m, Boolean isSymmetric) {
        if (m != null && isSymmetric != null) throw new IllegalArgumentException("Cannot set both `mapping_type` and `is_symmetric`");
        if (m != null) return m;
        return isSymmetric == null || isSymmetric ? MappingType.SYMMETRIC : MappingType.ASYMMETRIC;
    }

    /** {@return true when {@link #mappingType()} is SYMMETRIC} */
    public boolean isSymmetric() {
        return mappingType == MappingType.SYMMETRIC;
    }
}
