/**
 * jao: torchao-style quantization and quantized CPU kernels for the JVM.
 *
 * <p>Only the API packages are exported; {@code dev.jao.internal} (native loading, status
 * mapping) and the generated bindings stay private. Run with
 * {@code --enable-native-access=dev.jao,dev.jao.bindings} on the module path (or
 * {@code ALL-UNNAMED} on the class path) so the JDK prints no native-access warning.
 */
module dev.jao {
    requires dev.jao.bindings;
    requires java.logging;

    exports dev.jao;
    exports dev.jao.config;
    exports dev.jao.quant;
    exports dev.jao.nn;
    exports dev.jao.tensor;
    exports dev.jao.io;
    exports dev.jao.qat;
}
