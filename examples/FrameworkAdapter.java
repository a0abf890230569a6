import dev.jao.Quantizer;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.nn.Container;
import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a JVM framework hands its own linear layers to jao without copying weights, and runs
 * the quantized ones in place of its float matmul.
 *
 * <p>The framework's layer is stood in for by {@link MyDenseLayer}: weights in native memory it
 * owns. {@link #wrap} exposes them as jao {@link Linear}s (views, no copy) in a tree named like
 * the framework's parameters; {@code Quantizer.quantize} replaces them with
 * {@link QuantizedLinear}s, which the framework then calls with its activation buffers.
 */
public final class FrameworkAdapter {
    /** A framework's dense layer: out x in float32 weights in native memory. */
    record MyDenseLayer(String name, int in, int out, MemorySegment weights) {}

    /** The framework's layers as a jao module tree (weights viewed, not copied). */
    static Module wrap(Iterable<MyDenseLayer> layers) {
        Container root = new Container();
        for (MyDenseLayer l : layers) {
            root.register(l.name(), new Linear(Tensor.of(l.weights(), DType.FLOAT32, l.out(), l.in()), null));
        }
        return root;
    }

    /** Builds two layers, quantizes them with int4 weights, runs one token through each. */
    public static void main(String[] args) {
        try (Arena arena = Arena.ofConfined()) {
            Map<String, MyDenseLayer> layers = new LinkedHashMap<>();
            for (String name : new String[] {"attn_out", "mlp_up"}) {
                MemorySegment w = arena.allocate(ValueLayout.JAVA_FLOAT, 256L * 128);
                for (long i = 0; i < 256L * 128; i++) w.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) Math.sin(i * 0.01));
                layers.put(name, new MyDenseLayer(name, 128, 256, w));
            }
            Module model = wrap(layers.values());
            var config = Int8DynamicActivationIntxWeightConfig.builder().weightDtype(DType.INT4).build();
            System.out.print(Quantizer.quantize(model, config));

            MemorySegment x = arena.allocate(ValueLayout.JAVA_FLOAT, 128);   // the framework's activation buffer
            MemorySegment y = arena.allocate(ValueLayout.JAVA_FLOAT, 256);
            for (var e : model.children().entrySet()) {
                try (QuantizedLinear q = (QuantizedLinear) e.getValue()) {
                    q.forward(x, y, 1);                                      // zero-copy: native segments in and out
                    System.out.println(e.getKey() + ": " + q.layout() + ", y[0] = " + y.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
                }
            }
        }
    }
}
