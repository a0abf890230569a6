package dev.jao.qat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.MappingType;
import dev.jao.quant.ZeroPointDomain;
import org.junit.jupiter.api.Test;

/** torchao's argument forms (string granularities, group_size, is_symmetric) and messages. */
class IntxFakeQuantizeConfigTest {
    @Test
    void torchaosExamplesAreEquivalent() {
        assertEquals(IntxFakeQuantizeConfig.of(DType.INT8, "per_token", null, null, false),
                IntxFakeQuantizeConfig.of(DType.INT8, new Granularity.PerToken(), MappingType.ASYMMETRIC, null, null));
        assertEquals(IntxFakeQuantizeConfig.of(DType.INT4, "per_channel", null, null, null),
                IntxFakeQuantizeConfig.of(DType.INT4, new Granularity.PerAxis(0), MappingType.SYMMETRIC, null, null));
        var g32 = IntxFakeQuantizeConfig.of(DType.INT4, null, null, 32, null);
        assertEquals(g32, IntxFakeQuantizeConfig.of(DType.INT4, "per_group", null, 32, true));
        assertEquals(g32, FakeQuantizeConfig.of(DType.INT4, new Granularity.PerGroup(32), MappingType.SYMMETRIC, null, null));
        assertEquals(DType.FLOAT32, g32.scalePrecision());
        assertEquals(ZeroPointDomain.INT, g32.zeroPointDomain());
    }

    @Test
    void rejectsWhatTorchaoRejects() {
        message("`group_size` conflicts with granularity 'per_token'", () -> IntxFakeQuantizeConfig.of(DType.INT4, "per_token", null, 32, null));
        message("Granularity was 'per_group' but no `group_size` was set", () -> IntxFakeQuantizeConfig.of(DType.INT4, "per_group", null, null, null));
        message("Unexpected granularity: 'per_row', must be one of [per_token, per_channel, per_group]",
                () -> IntxFakeQuantizeConfig.of(DType.INT4, "per_row", null, null, null));
        message("At least one of `granularity` or `group_size` must be set", () -> IntxFakeQuantizeConfig.of(DType.INT4, null, null, null, null));
        message("Cannot set both `mapping_type` and `is_symmetric`",
                () -> IntxFakeQuantizeConfig.of(DType.INT4, "per_channel", MappingType.SYMMETRIC, null, true));
        message("Only axis=0 is supported for PerAxis granularity",
                () -> IntxFakeQuantizeConfig.of(DType.INT4, new Granularity.PerAxis(1), null, null, null));
        message("MappingType 'SYMMETRIC_NO_CLIPPING_ERR' is not supported",
                () -> IntxFakeQuantizeConfig.of(DType.INT4, "per_channel", MappingType.SYMMETRIC_NO_CLIPPING_ERR, null, null));
        message("`is_dynamic` is not compatible with `range_learning`", () -> new IntxFakeQuantizeConfig(DType.INT4,
                new Granularity.PerGroup(32), MappingType.SYMMETRIC, DType.FLOAT32, ZeroPointDomain.INT, true, true, null));
        message("Unsupported dtype 'FLOAT32', choose from INT1..INT8, UINT1..UINT8",
                () -> IntxFakeQuantizeConfig.of(DType.FLOAT32, "per_token", null, null, null));
        assertThrows(UnsupportedOperationException.class,
                () -> new IntxFakeQuantizer(IntxFakeQuantizeConfig.of(DType.INT8, "per_token", null, null, true)));
    }

    private static void message(String expected, Runnable r) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, r::run).getMessage());
    }
}
