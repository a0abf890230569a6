package dev.jao.io;

import dev.jao.nn.QuantizedLinear;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Run in a new JVM by {@link ModelFileTest}: loads a model file and writes every layer's outputs. */
public final class ModelFileProbe {
    private ModelFileProbe() {}

    /** args: model file, output file. */
    public static void main(String[] args) throws Exception {
        try (JaoModelFile.MappedModel m = JaoModelFile.load(Path.of(args[0]))) {
            Files.write(Path.of(args[1]), outputs(m.model().namedModules()));
        }
    }

    /** Every quantized layer's output on the seeded input, concatenated as little-endian floats. */
    static byte[] outputs(Map<String, dev.jao.nn.Module> modules) {
        ByteBuffer out = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (var e : modules.entrySet()) {
            if (!(e.getValue() instanceof QuantizedLinear q)) continue;
            float[] x = new float[(int) (3 * q.inFeatures())];
            for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.11 + e.getKey().length());
            for (float v : q.forward(x)) out.putFloat(v);
        }
        byte[] b = new byte[out.position()];
        out.flip().get(b);
        return b;
    }
}
