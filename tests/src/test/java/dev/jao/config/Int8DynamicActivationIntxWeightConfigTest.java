package dev.jao.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;
import org.junit.jupiter.api.Test;

/** torchao's defaults and __post_init__ / quantize-time checks, with its messages. */
class Int8DynamicActivationIntxWeightConfigTest {
    @Test
    void defaultsAreTorchaos() {
        var c = new Int8DynamicActivationIntxWeightConfig();
        assertEquals(DType.INT8, c.weightDtype());
        assertEquals(new Granularity.PerGroup(32), c.weightGranularity());
        assertEquals(MappingType.SYMMETRIC, c.weightMappingType());
        assertNull(c.weightScaleDtype());
        assertEquals(MappingType.ASYMMETRIC, c.actMappingType());
        assertEquals(IntxPackingFormat.UNPACKED_TO_INT8, c.intxPackingFormat());
        assertEquals(IntxChooseQParamsAlgorithm.AFFINE, c.intxChooseQParamsAlgorithm());
        assertEquals(2, c.version());
        assertEquals(c, Int8DynamicActivationIntxWeightConfig.builder().build());
    }

    @Test
    void rejectsWhatTorchaoRejects() {
        var b = Int8DynamicActivationIntxWeightConfig.builder();
        assertMessage("weight_dtype must be torch.intx, where 1 <= x <= 8, but got UINT4",
                () -> b.weightDtype(DType.UINT4).build());
        assertMessage("weight_dtype must be torch.intx, where 1 <= x <= 8, but got FLOAT32",
                () -> Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.FLOAT32).build());
        assertMessage("weight_granularity must be PerAxis or PerGroup, but got PerRow[]",
                () -> Int8DynamicActivationIntxWeightConfig.builder().weightGranularity(new Granularity.PerRow()).build());
        assertMessage("axis must be 0, but got 1",
                () -> Int8DynamicActivationIntxWeightConfig.builder().weightGranularity(new Granularity.PerAxis(1)).build());
        assertMessage("version must be 2 (version 1 is deprecated in torchao), but got 1",
                () -> Int8DynamicActivationIntxWeightConfig.builder().version(1).build());
        assertThrows(IllegalArgumentException.class, () -> new Granularity.PerGroup(0));
    }

    @Test
    void quantizeTimeChecks() {
        var sym = Int8DynamicActivationIntxWeightConfig.builder().actMappingType(MappingType.SYMMETRIC).build();
        assertMessage("Int8DynamicActivationIntxWeightConfig (version 2) requires act_mapping_type "
                + "MappingType.ASYMMETRIC, but got SYMMETRIC", () -> sym.checkQuantizable(8, 64));
        var c = new Int8DynamicActivationIntxWeightConfig();
        assertMessage("group_size 32 must divide in_features 48", () -> c.checkQuantizable(8, 48));
        var aten = Int8DynamicActivationIntxWeightConfig.builder()
                .intxPackingFormat(IntxPackingFormat.OPAQUE_ATEN_KLEIDIAI).build();
        assertMessage("ATEN target only supports 4-bit", () -> aten.checkQuantizable(8, 64));
        var perAxis = Int8DynamicActivationIntxWeightConfig.builder().weightGranularity(new Granularity.PerAxis(0)).build();
        perAxis.checkQuantizable(8, 48);
        assertEquals(48, perAxis.groupSize(48));
    }

    private static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().equals(expected), "got: " + e.getMessage());
    }
}
