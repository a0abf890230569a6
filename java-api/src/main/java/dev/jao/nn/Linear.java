package dev.jao.nn;

import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.util.Objects;

/**
 * A floating-point linear layer {@code y = x Wᵀ + b} with weight {@code [out, in]} in
 * FLOAT32, BFLOAT16 or FLOAT16 and an optional bias {@code [out]}. The tensors are views:
 * the layer does not copy or own the framework's weight memory.
 */
public final class Linear extends Module {
    private final Tensor weight;
    private final Tensor bias;

    /**
     * Creates the layer.
     *
     * @param weight {@code [outFeatures, inFeatures]}, a floating dtype
     * @param bias {@code [outFeatures]} or null
     */
    public Linear(Tensor weight, Tensor bias) {
        Objects.requireNonNull(weight, "weight");
        if (weight.rank() != 2) throw new IllegalArgumentException("Linear weight must be 2-D [out, in], got " + weight);
        if (!weight.dtype().isFloating()) {
            throw new IllegalArgumentException("Linear weight must be FLOAT32, BFLOAT16 or FLOAT16, got " + weight.dtype());
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0) || !bias.dtype().isFloating())) {
            throw new IllegalArgumentException("bias must be a floating [" + weight.dim(0) + "] tensor, got " + bias);
        }
        this.weight = weight;
        this.bias = bias;
    }

    /** {@return the weight {@code [out, in]}, a view of the framework's memory (not a copy)} */
    public Tensor weight() {
        return weight;
    }

    /** {@return the bias {@code [out]}, or null when the layer has none} */
    public Tensor bias() {
        return bias;
    }

    /** {@return the number of output features (N), the weight's first dimension} */
    public long outFeatures() {
        return weight.dim(0);
    }

    /** {@return the number of input features (K), the weight's second dimension} */
    public long inFeatures() {
        return weight.dim(1);
    }

    /** {@return the weight's dtype, FLOAT32, BFLOAT16 or FLOAT16 (the model dtype of torchao's checks)} */
    public DType dtype() {
        return weight.dtype();
    }
}
