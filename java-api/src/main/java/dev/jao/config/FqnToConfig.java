package dev.jao.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Per-module configs by fully qualified name (torchao {@code FqnToConfig}): an exact name
 * wins, then the first {@code re:}-prefixed regular expression that fully matches (in
 * insertion order), then {@code _default}. A null value means "leave this module alone".
 *
 * @param fqnToConfig names (exact, {@code re:<regex>}, or {@code _default}) to configs
 */
public record FqnToConfig(Map<String, QuantConfig> fqnToConfig) implements QuantConfig {
    /** The key of the fallback config. */
    public static final String DEFAULT_KEY = "_default";
    private static final String REGEX_PREFIX = "re:";

    /** Copies the map (keeping its order) and checks the regexes compile. */
    public FqnToConfig {
        Objects.requireNonNull(fqnToConfig, "fqn_to_config");
        fqnToConfig = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fqnToConfig));
        for (var e : fqnToConfig.entrySet()) {
            if (e.getValue() instanceof FqnToConfig) {
                throw new IllegalArgumentException("FqnToConfig cannot nest another FqnToConfig (at '" + e.getKey() + "')");
            }
            if (e.getKey().startsWith(REGEX_PREFIX)) {
                try {
                    Pattern.compile(e.getKey().substring(REGEX_PREFIX.length()));
                } catch (java.util.regex.PatternSyntaxException ex) {
                    throw new IllegalArgumentException("bad regex in FqnToConfig key '" + e.getKey() + "': "
                            + ex.getDescription());
                }
            }
        }
    }

    /**
     * The config for module {@code fqn}, or empty when none applies.
     *
     * @param fqn the module's fully qualified name ("layers.0.attn.q_proj"; "" for the root)
     * @return the config of the exact key, else of the first fully matching {@code re:} key, else of
     *     {@code _default}; empty when none matches or the matching entry maps to null
     */
    public Optional<QuantConfig> configFor(String fqn) {
        if (fqnToConfig.containsKey(fqn)) return Optional.ofNullable(fqnToConfig.get(fqn));
        for (var e : fqnToConfig.entrySet()) {
            String k = e.getKey();
            if (k.startsWith(REGEX_PREFIX) && Pattern.matches(k.substring(REGEX_PREFIX.length()), fqn)) {
                return Optional.ofNullable(e.getValue());
            }
        }
        return Optional.ofNullable(fqnToConfig.get(DEFAULT_KEY));
    }
}
