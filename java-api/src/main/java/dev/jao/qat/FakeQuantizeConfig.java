package dev.jao.qat;

import dev.jao.quant.DType;
import dev.jao.quant.MappingType;

/** torchao's deprecated {@code FakeQuantizeConfig}: the same as {@link IntxFakeQuantizeConfig}. */
public final class FakeQuantizeConfig {
    private FakeQuantizeConfig() {}

    /**
     * See {@link IntxFakeQuantizeConfig#of}.
     *
     * @param dtype INT1..INT8 or UINT1..UINT8
     * @param granularity a {@link dev.jao.quant.Granularity}, "per_token", "per_channel", "per_group", or null
     *     (then {@code groupSize} must be set)
     * @param mappingType SYMMETRIC or ASYMMETRIC, or null to use {@code isSymmetric}
     * @param groupSize elements per group for "per_group" (or null granularity), else null
     * @param isSymmetric alternative to {@code mappingType}; null with a null {@code mappingType} means SYMMETRIC
     * @return the checked config, with torchao's defaults for the other fields
     * @throws IllegalArgumentException with torchao's message for a conflicting or unsupported combination
     */
    public static IntxFakeQuantizeConfig of(DType dtype, Object granularity, MappingType mappingType, Integer groupSize,
                                            Boolean isSymmetric) {
        return IntxFakeQuantizeConfig.of(dtype, granularity, mappingType, groupSize, isSymmetric);
    }
}
