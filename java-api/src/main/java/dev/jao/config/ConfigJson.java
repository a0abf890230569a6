package dev.jao.config;

import dev.jao.internal.Json;
import dev.jao.quant.Granularity;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Configs as JSON with torchao's field names ({"type": "Int8DynamicActivationIntxWeightConfig",
 * "weight_dtype": "INT4", ...}): how jao model files, exported state dicts and the CLI
 * store and read configs. Every config record is encoded field by field (camelCase
 * component → snake_case key), so a new config needs no code here.
 */
public final class ConfigJson {
    private ConfigJson() {}

    /** The config records JSON can name, by torchao class name. */
    private static final Map<String, Class<? extends QuantConfig>> TYPES = types(List.of(
            Int8DynamicActivationIntxWeightConfig.class, Int8DynamicActivationInt4WeightConfig.class,
            Int8DynamicActivationInt8WeightConfig.class, Int8WeightOnlyConfig.class, Int4WeightOnlyConfig.class,
            IntxWeightOnlyConfig.class, UIntXWeightOnlyConfig.class));

    private static Map<String, Class<? extends QuantConfig>> types(List<Class<? extends QuantConfig>> list) {
        Map<String, Class<? extends QuantConfig>> m = new LinkedHashMap<>();
        for (Class<? extends QuantConfig> c : list) m.put(c.getSimpleName(), c);
        return m;
    }

    /**
     * The config as JSON text.
     *
     * @param config any config record except {@link FqnToConfig}
     * @return a JSON object, {"type": torchao class name, snake_case fields...}
     * @throws IllegalArgumentException for an {@link FqnToConfig}, which is resolved per layer before saving
     */
    public static String toJson(QuantConfig config) {
        return Json.write(encode(config));
    }

    /**
     * Parses JSON text made by {@link #toJson}; IllegalArgumentException on anything else.
     *
     * @param json a JSON object with a "type" naming a config record and one key per field
     * @return the config, checked by its constructor
     * @throws IllegalArgumentException if the text is not such an object, a field is missing or has a bad
     *     value, or the config's own checks fail
     */
    public static QuantConfig fromJson(String json) {
        if (!(Json.parse(json) instanceof Map<?, ?> m)) throw new IllegalArgumentException("a config must be a JSON object");
        return decode(m);
    }

    /**
     * The config as {"type": torchao class name, fields...}.
     *
     * @param config any config record except {@link FqnToConfig}
     * @return a mutable ordered map: "type", then one snake_case key per record component; enums as their
     *     names, ints as {@code Long}, granularities as nested maps, null stays null
     * @throws IllegalArgumentException for an {@link FqnToConfig}, which is resolved per layer before saving
     */
    public static Map<String, Object> encode(QuantConfig config) {
        if (config instanceof FqnToConfig) {
            throw new IllegalArgumentException("FqnToConfig is resolved per layer before saving");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", config.torchaoName());
        for (RecordComponent rc : config.getClass().getRecordComponents()) {
            try {
                m.put(snake(rc.getName()), value(rc.getAccessor().invoke(config)));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + rc.getName() + " of " + config, e);
            }
        }
        return m;
    }

    /**
     * Parses a map made by {@link #encode}; IllegalArgumentException on anything else.
     *
     * @param m a map as {@link #encode} makes it (integers as {@code Long}), e.g. a parsed JSON object
     * @return the config, checked by its constructor
     * @throws IllegalArgumentException if the type is unknown, a field is missing or has a bad value, or
     *     the config's own checks fail
     */
    public static QuantConfig decode(Map<?, ?> m) {
        Class<? extends QuantConfig> type = TYPES.get(String.valueOf(m.get("type")));
        if (type == null) throw new IllegalArgumentException("unknown config type " + m.get("type"));
        RecordComponent[] rcs = type.getRecordComponents();
        Class<?>[] types = new Class<?>[rcs.length];
        Object[] args = new Object[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            types[i] = rcs[i].getType();
            String key = snake(rcs[i].getName());
            if (!m.containsKey(key)) throw new IllegalArgumentException("config field " + key + " missing");
            args[i] = field(key, types[i], m.get(key));
        }
        try {
            Constructor<? extends QuantConfig> ctor = type.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) throw iae;
            throw new IllegalArgumentException("bad " + type.getSimpleName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    private static Object value(Object v) {
        return switch (v) {
            case null -> null;
            case Enum<?> e -> e.name();
            case Granularity g -> granularity(g);
            case Integer i -> (long) i;
            default -> v;  // Boolean
        };
    }

    private static Object field(String key, Class<?> type, Object v) {
        if (v == null) {
            if (type.isPrimitive()) throw new IllegalArgumentException("config field " + key + " must not be null");
            return null;
        }
        try {
            if (type == int.class || type == Integer.class) return Math.toIntExact((Long) v);
            if (type == boolean.class || type == Boolean.class) return (Boolean) v;
            if (type == Granularity.class) return granularity((Map<?, ?>) v);
            if (type.isEnum()) return enumValue(type, (String) v);
        } catch (ClassCastException | ArithmeticException e) {
            throw new IllegalArgumentException("config field " + key + " has a bad value " + v);
        }
        throw new IllegalStateException("no JSON mapping for " + type);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String name) {
        return Enum.valueOf((Class) type, name);
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
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
            case "PerGroup" -> new Granularity.PerGroup(intField(m, "group_size"));
            case "PerAxis" -> new Granularity.PerAxis(intField(m, "axis"));
            case "PerTensor" -> new Granularity.PerTensor();
            case "PerRow" -> new Granularity.PerRow();
            case "PerToken" -> new Granularity.PerToken();
            default -> throw new IllegalArgumentException("unknown granularity " + m.get("type"));
        };
    }

    private static int intField(Map<?, ?> granularity, String key) {
        if (!(granularity.get(key) instanceof Long v) || v != v.intValue()) {
            throw new IllegalArgumentException("granularity field " + key + " must be an int, got " + granularity.get(key));
        }
        return v.intValue();
    }
}
