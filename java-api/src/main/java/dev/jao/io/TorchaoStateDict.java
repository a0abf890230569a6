package dev.jao.io;

import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.config.ConfigJson;
import dev.jao.config.QuantConfig;
import dev.jao.internal.IntxLinearTransform;
import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Quantized models as torchao state-dict tensors, so they move between PyTorch and the JVM:
 * per quantized layer {@code <fqn>.weight.qdata} (unpacked), {@code <fqn>.weight.scale} and, when
 * the layer has them, {@code <fqn>.weight.zero_point} / {@code <fqn>.weight.zero_point_float} — the
 * inner tensors of torchao's IntxUnpackedToInt8Tensor / Int8Tensor — and {@code <fqn>.bias}; float layers as {@code <fqn>.weight} /
 * {@code <fqn>.bias}. Each layer's config is stored in the safetensors metadata under
 * {@code jao.config.<fqn>}. Import packs the given integers as they are: no re-quantization.
 */
public final class TorchaoStateDict {
    private static final String CONFIG_KEY = "jao.config.";

    private TorchaoStateDict() {}

    /**
     * Writes every Linear and QuantizedLinear of {@code model} to a safetensors file.
     *
     * @param model the tree to export; tensor names are prefixed with each layer's fully qualified name
     * @param path the safetensors file to create or replace (written atomically)
     * @throws IOException if the file cannot be written
     */
    public static void export(Module model, Path path) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "torchao plain quantized tensors (jao export)");
        for (var e : model.namedModules().entrySet()) {
            String fqn = e.getKey();
            if (e.getValue() instanceof QuantizedLinear q) {
                // every inner tensor of the layer's packed form (qdata, scale, zero_point or zero_point_float)
                for (var t : q.plainTensors().entrySet()) {
                    w.put(t.getKey().equals("bias") ? fqn + ".bias" : fqn + ".weight." + t.getKey(), t.getValue());
                }
                w.metadata(CONFIG_KEY + fqn, ConfigJson.toJson(q.config()));
                w.metadata("jao.model_dtype." + fqn, q.modelDtype().name());
            } else if (e.getValue() instanceof Linear l) {
                w.put(fqn + ".weight", l.weight());
                if (l.bias() != null) w.put(fqn + ".bias", l.bias());
            }
        }
        w.write(path);
    }

    /**
     * Builds quantized layers from plain tensors: {@code <prefix>weight.qdata},
     * {@code .scale}, {@code .zero_point} and an optional {@code <prefix>bias} in {@code file},
     * quantized with {@code config} (any source: torchao or {@link #export}).
     *
     * @param file the open safetensors file holding the layer's tensors
     * @param fqn the layer's fully qualified name, the prefix of its tensor names (without the trailing '.')
     * @param config the layer's config; must be an {@link Int8DynamicActivationIntxWeightConfig}
     * @return a new quantized layer owning native memory (close it); the model dtype comes from the file's
     *     metadata, else the scales' dtype
     * @throws IllegalArgumentException if the config is of another type or a tensor is missing or malformed
     */
    public static QuantizedLinear importLayer(SafetensorsFile file, String fqn, QuantConfig config) {
        if (!(config instanceof Int8DynamicActivationIntxWeightConfig c)) {
            throw new IllegalArgumentException("import supports Int8DynamicActivationIntxWeightConfig layers, got "
                    + config.torchaoName());
        }
        Tensor qdata = file.tensor(fqn + ".weight.qdata");
        Tensor scale = file.tensor(fqn + ".weight.scale");
        Tensor zero = file.tensor(fqn + ".weight.zero_point");
        Tensor bias = file.entries().containsKey(fqn + ".bias") ? file.tensor(fqn + ".bias") : null;
        String modelDtype = file.metadata().get("jao.model_dtype." + fqn);
        return IntxLinearTransform.fromPlain(c, modelDtype == null ? scale.dtype() : DType.valueOf(modelDtype), qdata,
                scale, zero, bias);
    }

    /**
     * The config stored for {@code fqn} by {@link #export}.
     *
     * @param file a safetensors file written by {@link #export}
     * @param fqn the layer's fully qualified name
     * @return the decoded config
     * @throws IllegalArgumentException if no config is stored for {@code fqn} or it cannot be decoded
     */
    public static QuantConfig storedConfig(SafetensorsFile file, String fqn) {
        String json = file.metadata().get(CONFIG_KEY + fqn);
        if (json == null) throw new IllegalArgumentException("no jao config stored for layer '" + fqn + "'");
        return ConfigJson.fromJson(json);
    }

    /**
     * Every layer {@link #export} wrote, rebuilt (quantized layers from their integers, float ones as views).
     *
     * @param file a safetensors file written by {@link #export}; must stay open while float layers are used
     * @return the layers by fully qualified name, quantized ones first; the caller closes the quantized ones
     */
    public static Map<String, Module> importAll(SafetensorsFile file) {
        Map<String, Module> out = new LinkedHashMap<>();
        for (String key : file.metadata().keySet()) {
            if (key.startsWith(CONFIG_KEY)) {
                String fqn = key.substring(CONFIG_KEY.length());
                out.put(fqn, importLayer(file, fqn, storedConfig(file, fqn)));
            }
        }
        for (String name : file.entries().keySet()) {
            if (name.endsWith(".weight") && !out.containsKey(name.substring(0, name.length() - 7))) {
                String fqn = name.substring(0, name.length() - 7);
                out.put(fqn, new Linear(file.tensor(name), file.entries().containsKey(fqn + ".bias")
                        ? file.tensor(fqn + ".bias") : null));
            }
        }
        return out;
    }
}
