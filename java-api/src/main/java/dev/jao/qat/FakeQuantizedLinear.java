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

    /** The float layer being trained. */
    public Linear linear() {
        return linear;
    }

    /** The activation fake-quantize config, or null. */
    public IntxFakeQuantizeConfig activationConfig() {
        return activationConfig;
    }

    /** The weight fake-quantize config. */
    public IntxFakeQuantizeConfig weightConfig() {
        return weightConfig;
    }

    /** The weight after fake quantization (same dtype and shape). */
    public Tensor fakeQuantizedWeight() {
        return weight.forward(linear.weight());
    }

    /** {@code x [..., K]} after activation fake quantization (unchanged when there is none). */
    public Tensor fakeQuantizeActivation(Tensor x) {
        return activation == null ? x : activation.forward(x);
    }

    /** Reference forward: fq(x) · fq(W)ᵀ + b in float32 (accumulated in double), FLOAT32 [..., N]. */
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
