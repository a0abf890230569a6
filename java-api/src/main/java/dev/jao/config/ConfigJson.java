package dev.jao.config;

import dev.jao.internal.Json;
import dev.jao.quant.DType;
import dev.jao.quant.Granularity;
import dev.jao.quant.IntxChooseQParamsAlgorithm;
import dev.jao.quant.IntxPackingFormat;
import dev.jao.quant.MappingType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configs as JSON with torchao's field names ({"type": "Int8DynamicActivationIntxWeightConfig",
 * "weight_dtype": "INT4", ...}): how jao model files, exported state dicts and the CLI
 * store and read configs.
 */
public final class ConfigJson {
    private ConfigJson() {}

    /** The config as JSON text. */
    public static String toJson(QuantConfig config) {
        return Json.write(encode(config));
    }

    /** Parses JSON text made by {@link #toJson}; IllegalArgumentException on anything else. */
    public static QuantConfig fromJson(String json) {
        if (!(Json.parse(json) instanceof Map<?, ?> m)) throw new IllegalArgumentException("a config must be a JSON object");
        return decode(m);
    }

    /** The config as {"type": torchao class name, fields...}. */
    public static Map<String, Object> encode(QuantConfig config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", config.torchaoName());
        switch (config) {
            case Int8DynamicActivationIntxWeightConfig c -> {
                m.put("weight_dtype", c.weightDtype().name());
                m.put("weight_granularity", granularity(c.weightGranularity()));
                m.put("weight_mapping_type", c.weightMappingType().name());
                m.put("weight_scale_dtype", c.weightScaleDtype() == null ? null : c.weightScaleDtype().name());
                m.put("act_mapping_type", c.actMappingType().name());
                m.put("intx_packing_format", c.intxPackingFormat().name());
                m.put("intx_choose_qparams_algorithm", c.intxChooseQParamsAlgorithm().name());
                m.put("version", (long) c.version());
            }
            case FqnToConfig f -> throw new IllegalArgumentException("FqnToConfig is resolved per layer before saving");
        }
        return m;
    }

    /** Parses a map made by {@link #encode}; IllegalArgumentException on anything else. */
    public static QuantConfig decode(Map<?, ?> m) {
        Object type = m.get("type");
        if (!"Int8DynamicActivationIntxWeightConfig".equals(type)) {
            throw new IllegalArgumentException("unknown config type " + type);
        }
        Object sdt = m.get("weight_scale_dtype");
        return new Int8DynamicActivationIntxWeightConfig(
                DType.valueOf(string(m, "weight_dtype")),
                granularity((Map<?, ?>) m.get("weight_granularity")),
                MappingType.valueOf(string(m, "weight_mapping_type")),
                sdt == null ? null : DType.valueOf((String) sdt),
                MappingType.valueOf(string(m, "act_mapping_type")),
                IntxPackingFormat.valueOf(string(m, "intx_packing_format")),
                IntxChooseQParamsAlgorithm.valueOf(string(m, "intx_choose_qparams_algorithm")),
                ((Long) m.get("version")).intValue());
    }

    private static Map<String, Object> granularity(Granularity g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", g.getClass().getSimpleName());
        switch (g) {
            case Granularity.PerGroup(int size) -> m.put("group_size", (long) size);
            case Granularity.PerAxis(int axis) -> m.put("axis", (long) axis);
            default -> { }
        }
        return m;
    }

    private static Granularity granularity(Map<?, ?> m) {
        return switch (String.valueOf(m.get("type"))) {
            case "PerGroup" -> new Granularity.PerGroup(((Long) m.get("group_size")).intValue());
            case "PerAxis" -> new Granularity.PerAxis(((Long) m.get("axis")).intValue());
            case "PerTensor" -> new Granularity.PerTensor();
            case "PerRow" -> new Granularity.PerRow();
            case "PerToken" -> new Granularity.PerToken();
            default -> throw new IllegalArgumentException("unknown granularity " + m.get("type"));
        };
    }

    private static String string(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof String s)) throw new IllegalArgumentException("config field " + key + " missing");
        return s;
    }
}
