package dev.jao.config;

/**
 * A quantization recipe for linear layers, as torchao's {@code AOBaseConfig} subclasses.
 * Configs are immutable records with torchao's field names, defaults and checks.
 */
public sealed interface QuantConfig permits Int8DynamicActivationIntxWeightConfig, Int8DynamicActivationInt4WeightConfig,
        Int8DynamicActivationInt8WeightConfig, Int8WeightOnlyConfig, Int4WeightOnlyConfig, IntxWeightOnlyConfig,
        UIntXWeightOnlyConfig, FqnToConfig {
    /** {@return torchao's class name of this config, e.g. "Int8DynamicActivationIntxWeightConfig"} */
    default String torchaoName() {
        return getClass().getSimpleName();
    }
}
