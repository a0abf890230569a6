package dev.jao.qat;

import dev.jao.nn.Linear;
import dev.jao.nn.Module;
import dev.jao.tensor.Tensor;
import java.util.Objects;

/**
 * A linear layer during quantization-aware training (torchao's {@code FakeQuantizedLinear}):
 * the float layer plus fake quantizers for its activations (optional) and weight. A training
 * framework takes {@link #fakeQuantizedWeight()} / {@link #fakeQuantizeActivation} for its own
 * matmul and the quantizers' {@code backward} for the straight-through gradients;
 * {@link #forward} is a simple reference forward.
 */
public final class FakeQuantizedLinear extends Module {
    private final Linear linear;
    private final IntxFakeQuantizeConfig activationConfig;
    private final IntxFakeQuantizeConfig weightConfig;
    private final IntxFakeQuantizer activation;
    private final IntxFakeQuantizer weight;

    /**
     * Wraps {@code linear}.
     *
     * @param linear the float layer to train; its weight and bias are used, not copied
     * @param activationConfig fake quantization of the inputs, or null for none
     * @param weightConfig fake quantization of the weight
     */
    public FakeQuantizedLinear(Linear linear, IntxFakeQuantizeConfig activationConfig, IntxFakeQuantizeConfig weightConfig) {
        this.linear = Objects.requireNonNull(linear, "linear");
        this.activationConfig = activationConfig;
        this.weightConfig = Objects.requireNonNull(weightConfig, "weight config");
        this.activation = activationConfig == null ? null : new IntxFakeQuantizer(activationConfig);
        this.weight = new IntxFakeQuantizer(weightConfig);
    }

    /** {@return the float layer being trained} */
    public Linear linear() {
        return linear;
    }

    /** {@return the activation fake-quantize config, or null when activations are not fake quantized} */
    public IntxFakeQuantizeConfig activationConfig() {
        return activationConfig;
    }

    /** {@return the weight fake-quantize config} */
    public IntxFakeQuantizeConfig weightConfig() {
        return weightConfig;
    }

    /** {@return a new tensor: the current weight after fake quantization, same dtype and shape {@code [N, K]}} */
    public Tensor fakeQuantizedWeight() {
        return weight.forward(linear.weight());
    }

    /**
     * {@code x [..., K]} after activation fake quantization (unchanged when there is none).
     *
     * @param x the FLOAT32, BFLOAT16 or FLOAT16 input {@code [..., K]}
     * @return a new fake-quantized tensor of x's dtype and shape, or {@code x} itself without activation
     *     fake quantization
     */
    public Tensor fakeQuantizeActivation(Tensor x) {
        return activation == null ? x : activation.forward(x);
    }

    /**
     * Reference forward: fq(x) · fq(W)ᵀ + b in float32 (accumulated in double), FLOAT32 [..., N].
     *
     * @param x the input {@code [..., K]}, rank >= 1, a floating dtype
     * @return a new FLOAT32 heap tensor {@code [..., N]}
     * @throws IllegalArgumentException if the last dimension of {@code x} is not K
     */
    public Tensor forward(Tensor x) {
        int k = (int) linear.inFeatures(), n = (int) linear.outFeatures();
        if (x.rank() < 1 || x.dim(-1) != k) throw new IllegalArgumentException("input must be [..., " + k + "], got " + x);
        float[] xs = fakeQuantizeActivation(x).toFloatArray(), w = fakeQuantizedWeight().toFloatArray();
        float[] b = linear.bias() == null ? null : linear.bias().toFloatArray();
        int rows = xs.length / k;
        float[] y = new float[rows * n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                double acc = b == null ? 0 : b[j];
                for (int i = 0; i < k; i++) acc += (double) xs[r * k + i] * w[j * k + i];
                y[r * n + j] = (float) acc;
            }
        }
        long[] shape = x.shape();
        shape[shape.length - 1] = n;
        return Tensor.ofFloats(y, shape);
    }
}
