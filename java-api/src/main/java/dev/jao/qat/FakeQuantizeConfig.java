package dev.jao.qat;

import dev.jao.quant.DType;
import dev.jao.quant.MappingType;

/** torchao's deprecated {@code FakeQuantizeConfig}: the same as {@link IntxFakeQuantizeConfig}. */
public final class FakeQuantizeConfig {
    private FakeQuantizeConfig() {}

    /** See {@link IntxFakeQuantizeConfig#of}. */
    public static IntxFakeQuantizeConfig of(DType dtype, Object granularity, MappingType mappingType, Integer groupSize,
                                            Boolean isSymmetric) {
        return IntxFakeQuantizeConfig.of(dtype, granularity, mappingType, groupSize, isSymmetric);
    }
}
