package dev.jao;

import java.util.List;

/**
 * What {@link Quantizer#quantize} did, per linear layer it considered.
 *
 * @param layers one entry per linear layer, in tree order
 */
public record QuantizationReport(List<Layer> layers) {
    /** Copies the list. */
    public QuantizationReport {
        layers = List.copyOf(layers);
    }

    /**
     * One layer's outcome.
     *
     * @param fqn fully qualified name
     * @param config the config's torchao name, or "-" when none applied
     * @param layout the packed layout, or null when skipped
     * @param tier the ISA tier a single-row forward uses, or null when skipped
     * @param bytesBefore bytes of the floating weight and bias
     * @param bytesAfter bytes of the packed weight (0 when skipped)
     * @param skipped why the layer was left as is, or null when quantized
     */
    public record Layer(String fqn, String config, String layout, IsaTier tier, long bytesBefore, long bytesAfter,
                        String skipped) {
        /** {@return true when the layer was quantized (replaced by a packed layer), false when skipped} */
        public boolean quantized() {
            return skipped == null;
        }
    }

    /** {@return the number of layers that were quantized (not skipped)} */
    public long quantizedCount() {
        return layers.stream().filter(Layer::quantized).count();
    }

    /** A table, one line per layer. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.format("%-40s %-40s %-28s %10s %10s%n", "layer", "config", "layout",
                "bytes", "packed"));
        for (Layer l : layers) {
            b.append(String.format("%-40s %-40s %-28s %10d %10s%n", l.fqn(), l.config(),
                    l.quantized() ? l.layout() : "skipped: " + l.skipped(), l.bytesBefore(),
                    l.quantized() ? Long.toString(l.bytesAfter()) : "-"));
        }
        return b.toString();
    }
}
