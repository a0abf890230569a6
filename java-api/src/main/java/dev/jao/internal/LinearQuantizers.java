package dev.jao.internal;

import dev.jao.config.FqnToConfig;
import dev.jao.config.Int4WeightOnlyConfig;
import dev.jao.config.Int8DynamicActivationInt4WeightConfig;
import dev.jao.config.Int8DynamicActivationInt8WeightConfig;
import dev.jao.config.Int8DynamicActivationIntxWeightConfig;
import dev.jao.config.Int8WeightOnlyConfig;
import dev.jao.config.IntxWeightOnlyConfig;
import dev.jao.config.UIntXWeightOnlyConfig;
import dev.jao.config.QuantConfig;
import dev.jao.nn.Linear;
import dev.jao.nn.QuantizedLinear;
import dev.jao.quant.DType;
import java.lang.foreign.MemorySegment;

/** Turns one {@link Linear} into a {@link QuantizedLinear} for a config (the per-config transforms). */
public final class LinearQuantizers {
    private LinearQuantizers() {}

    /**
     * A transform's outcome: the layer, or why it was skipped (torchao's skip rules).
     *
     * @param layer the quantized layer, or null when skipped
     * @param skipped the reason, or null
     */
    public record Result(QuantizedLinear layer, String skipped) {}

    /** Bytes of a linear layer's floating weight and bias. */
    public static long floatBytes(Linear l) {
        long b = l.weight().data().byteSize();
        return l.bias() == null ? b : b + l.bias().data().byteSize();
    }

    /**
     * Restores the kernel of a layer quantized with {@code config} from its packed buffer
     * (checked completely, CRC included); extra native buffers go to {@code memory}.
     *
     * @param scaleDtype the dtype the scales were quantized in, as the file recorded it
     */
    public static LinearKernel fromPacked(QuantConfig config, MemorySegment packed, DType scaleDtype,
                                          NativeMemory memory) {
        return switch (config) {
            case Int8DynamicActivationIntxWeightConfig c -> IntxKernel.fromPacked(packed, scaleDtype);
            case Int8DynamicActivationInt4WeightConfig c -> IntxKernel.fromPacked(packed, scaleDtype);
            case Int8DynamicActivationInt8WeightConfig c -> Int8LinearTransform.fromPacked(c, memory, packed);
            case Int8WeightOnlyConfig c -> WeightOnlyKernel.fromPacked(packed);
            case Int4WeightOnlyConfig c -> WeightOnlyKernel.fromPacked(packed);
            case IntxWeightOnlyConfig c -> WeightOnlyKernel.fromPacked(packed);
            case UIntXWeightOnlyConfig c -> WeightOnlyKernel.fromPacked(packed);
            case FqnToConfig f -> throw new IllegalArgumentException("FqnToConfig is resolved per layer");
        };
    }

    /** Quantizes {@code linear} with {@code config} (not an FqnToConfig). */
    public static Result quantize(Linear linear, QuantConfig config) {
        return switch (config) {
            case Int8DynamicActivationIntxWeightConfig c -> new Result(IntxLinearTransform.apply(linear, c, c), null);
            case Int8DynamicActivationInt4WeightConfig c -> {
                long k = linear.inFeatures();
                if (c.groupSize() != -1 && k % c.groupSize() != 0) {
                    yield new Result(null, "group_size " + c.groupSize() + " does not divide in_features " + k);
                }
                yield new Result(IntxLinearTransform.apply(linear, c.asIntx(k), c), null);
            }
            case Int8DynamicActivationInt8WeightConfig c -> Int8LinearTransform.apply(linear, c);
            case Int8WeightOnlyConfig c -> WeightOnlyLinearTransform.apply(linear, c);
            case Int4WeightOnlyConfig c -> WeightOnlyLinearTransform.apply(linear, c);
            case IntxWeightOnlyConfig c -> WeightOnlyLinearTransform.apply(linear, c);
            case UIntXWeightOnlyConfig c -> WeightOnlyLinearTransform.apply(linear, c);
            case FqnToConfig f -> throw new IllegalArgumentException("FqnToConfig must be resolved per module first");
        };
    }
}
