package dev.jao.cli;

import dev.jao.config.ConfigJson;
import dev.jao.config.Int4WeightOnlyConfig;
import dev.jao.config.Int8DynamicActivationInt4WeightConfig;
import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.config.Int8WeightOnlyConfig;
import dev.jao.config.IntxWeightOnlyConfig;
import dev.jao.config.UIntXWeightOnlyConfig;
import dev.jao.config.QuantConfig;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Named configs for the command line, plus JSON configs given inline or as a file. */
final class ConfigPresets {
    private ConfigPresets() {}

    static Map<String, QuantConfig> all() {
        var b = Int8DynamicActivationIntxWeightConfig.builder().intxPackingFormat(IntxPackingFormat.OPAQUE_TORCHAO_AUTO);
        Map<String, QuantConfig> m = new LinkedHashMap<>();
        m.put("int4-g32", b.weightDtype(DType.INT4).weightGranularity(new Granularity.PerGroup(32)).build());
        m.put("int4-g32-bf16", b.weightScaleDtype(DType.BFLOAT16).build());
        m.put("int4-g128-asym", Int8DynamicActivationIntxWeightConfig.builder().intxPackingFormat(IntxPackingFormat.OPAQUE_TORCHAO_AUTO)
                .weightDtype(DType.INT4).weightGranularity(new Granularity.PerGroup(128)).weightMappingType(MappingType.ASYMMETRIC).build());
        m.put("int8-pc", Int8DynamicActivationIntxWeightConfig.builder().intxPackingFormat(IntxPackingFormat.OPAQUE_TORCHAO_AUTO)
                .weightDtype(DType.INT8).weightGranularity(new Granularity.PerAxis(0)).build());
        m.put("int8-g32", new Int8DynamicActivationIntxWeightConfig());
        m.put("int3-g32", Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT3).build());
        m.put("int2-g32", Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT2).build());
        m.put("w8a8", new Int8DynamicActivationInt8WeightConfig());
        m.put("w8a8-asym", Int8DynamicActivationInt8WeightConfig.of(MappingType.ASYMMETRIC, new Granularity.PerRow()));
        m.put("w4a8", new Int8DynamicActivationInt4WeightConfig());
        m.put("int8-wo", new Int8WeightOnlyConfig());
        m.put("int4-wo-g32", Int4WeightOnlyConfig.ofGroupSize(32));
        m.put("int4-wo-g128", new Int4WeightOnlyConfig());
        m.put("intx-wo-int4-g32", IntxWeightOnlyConfig.of(DType.INT4, new Granularity.PerGroup(32), MappingType.SYMMETRIC));
        m.put("uint4-wo-g64", new UIntXWeightOnlyConfig(DType.UINT4));
        return m;
    }

    /** A preset name, inline JSON ("{...}") or a path to a JSON file. */
    static QuantConfig parse(String spec) throws IOException {
        QuantConfig preset = all().get(spec);
        if (preset != null) return preset;
        String s = spec.strip();
        if (s.startsWith("{")) return ConfigJson.fromJson(s);
        Path p = Path.of(spec);
        if (Files.isRegularFile(p)) return ConfigJson.fromJson(Files.readString(p));
        throw new IllegalArgumentException("unknown config '" + spec + "' (presets: " + String.join(", ", all().keySet())
                + "; or a JSON config inline or in a file)");
    }
}
