package dev.jao.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;
import dev.jao.quant.ZeroPointDomain;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults, checks and JSON round trips of the weight-only and int8 × int8 / int4 configs. */
class WeightAndInt8ConfigsTest {
    @Test
    void defaultsAreTorchaos() {
        var w8 = new Int8WeightOnlyConfig();
        assertNull(w8.groupSize());
        assertEquals(new Granularity.PerRow(), w8.granularity());
        var a8 = new Int8DynamicActivationInt8WeightConfig();
        assertEquals(MappingType.SYMMETRIC, a8.actMappingType());
        assertFalse(a8.weightOnlyDecode());
        assertEquals(new Granularity.PerRow(), a8.granularity());
        var w4 = new Int4WeightOnlyConfig();
        assertEquals(128, w4.groupSize());
        assertFalse(w4.useHqq());
        assertEquals(ZeroPointDomain.NONE, w4.zeroPointDomain());
        assertFalse(w4.effectivePreserveZero());
        var wx = new IntxWeightOnlyConfig();
        assertEquals(DType.INT8, wx.weightDtype());
        assertEquals(new Granularity.PerAxis(0), wx.granularity());
        assertEquals(MappingType.SYMMETRIC, wx.mappingType());
        var ux = new UIntXWeightOnlyConfig(DType.UINT4);
        assertEquals(64, ux.groupSize());
        assertEquals(-1, ux.packDim());
        var a4 = new Int8DynamicActivationInt4WeightConfig();
        assertEquals(32, a4.groupSize());
        assertEquals(MappingType.SYMMETRIC, a4.mappingType());
        assertEquals(MappingType.ASYMMETRIC, a4.actMappingType());
        assertEquals(new Granularity.PerGroup(32), a4.asIntx(256).weightGranularity());
        assertEquals(new Granularity.PerAxis(0), new Int8DynamicActivationInt4WeightConfig(-1, MappingType.SYMMETRIC,
                MappingType.ASYMMETRIC).asIntx(256).weightGranularity());
        assertEquals(new Granularity.PerGroup(64), new Int8WeightOnlyConfig(64, new Granularity.PerRow(), 2)
                .effectiveGranularity());
    }

    @Test
    void rejectsWhatTorchaoRejects() {
        assertMessage("group_size must be one of [256, 128, 64, 32], but got 48", () -> Int4WeightOnlyConfig.ofGroupSize(48));
        assertMessage("Layout only support [ZeroPointDomain.FLOAT] on CPU, but got INT",
                () -> new Int4WeightOnlyConfig(32, false, ZeroPointDomain.INT, null));
        assertMessage("weight_dtype must be torch.intx, where 1 <= x <= 8, but got UINT4",
                () -> IntxWeightOnlyConfig.of(DType.UINT4, new Granularity.PerAxis(0), MappingType.SYMMETRIC));
        assertMessage("axis must be 0 with PerAxis, but got 1",
                () -> IntxWeightOnlyConfig.of(DType.INT4, new Granularity.PerAxis(1), MappingType.SYMMETRIC));
        assertMessage("mapping_type must be MappingType.ASYMMETRIC or MappingType.SYMMETRIC, but got SYMMETRIC_NO_CLIPPING_ERR",
                () -> IntxWeightOnlyConfig.of(DType.INT4, new Granularity.PerGroup(32), MappingType.SYMMETRIC_NO_CLIPPING_ERR));
        assertMessage("IntxWeightOnlyConfig supports intx_packing_format UNPACKED_TO_INT8, but got OPAQUE_TORCHAO_AUTO",
                () -> new IntxWeightOnlyConfig(DType.INT4, new Granularity.PerGroup(32), MappingType.SYMMETRIC, null,
                        IntxPackingFormat.OPAQUE_TORCHAO_AUTO, IntxChooseQParamsAlgorithm.AFFINE, 2));
        assertMessage("Unsupported dtype INT4: dtype must be torch.uint1 to torch.uint8", () -> new UIntXWeightOnlyConfig(DType.INT4));
        assertMessage("granularity must be PerRow or PerTensor, but got PerGroup[groupSize=32]",
                () -> Int8DynamicActivationInt8WeightConfig.of(MappingType.SYMMETRIC, new Granularity.PerGroup(32)));
        assertMessage("act_mapping_type must be MappingType.SYMMETRIC or MappingType.ASYMMETRIC, but got null",
                () -> Int8DynamicActivationInt8WeightConfig.of(null, new Granularity.PerRow()));
        assertMessage("granularity must be PerRow, PerTensor or PerGroup, but got PerAxis[axis=0]",
                () -> Int8WeightOnlyConfig.of(new Granularity.PerAxis(0)));
        assertMessage("version must be 2 (version 1 is deprecated in torchao), but got 1",
                () -> new Int8WeightOnlyConfig(null, new Granularity.PerRow(), 1));
        assertMessage("jao runs Int8DynamicActivationInt4WeightConfig with asymmetric activations only, but got SYMMETRIC",
                () -> new Int8DynamicActivationInt4WeightConfig(32, MappingType.SYMMETRIC, MappingType.SYMMETRIC).asIntx(64));
    }

    @Test
    void everyConfigSurvivesJson() {
        List<QuantConfig> configs = List.of(new Int8WeightOnlyConfig(), Int8WeightOnlyConfig.of(new Granularity.PerGroup(64)),
                new Int8WeightOnlyConfig(32, new Granularity.PerTensor(), 2),
                new Int8DynamicActivationInt8WeightConfig(MappingType.ASYMMETRIC, true, new Granularity.PerTensor(), true, 2),
                new Int4WeightOnlyConfig(), new Int4WeightOnlyConfig(32, true, ZeroPointDomain.FLOAT, Boolean.TRUE),
                IntxWeightOnlyConfig.of(DType.INT3, new Granularity.PerGroup(32), MappingType.ASYMMETRIC),
                new UIntXWeightOnlyConfig(DType.UINT2, 32, -1, true), new Int8DynamicActivationInt4WeightConfig(),
                new Int8DynamicActivationIntxWeightConfig());
        for (QuantConfig c : configs) assertEquals(c, ConfigJson.fromJson(ConfigJson.toJson(c)), ConfigJson.toJson(c));
        assertMessage("unknown config type Nope", () -> ConfigJson.fromJson("{\"type\": \"Nope\"}"));
        assertMessage("config field group_size missing", () -> ConfigJson.fromJson("{\"type\": \"Int4WeightOnlyConfig\"}"));
        assertMessage("group_size must be one of [256, 128, 64, 32], but got 7", () -> ConfigJson.fromJson(
                "{\"type\": \"Int4WeightOnlyConfig\", \"group_size\": 7, \"use_hqq\": false, \"zero_point_domain\": \"NONE\","
                        + " \"preserve_zero\": null}"));
    }

    private static void assertMessage(String message, org.junit.jupiter.api.function.Executable e) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, e).getMessage());
    }
}
