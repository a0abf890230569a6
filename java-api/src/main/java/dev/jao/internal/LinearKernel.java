package dev.jao.internal;

import dev.jao.IsaTier;
import java.lang.foreign.MemorySegment;

/**
 * The native side of one quantized linear layer: packed weights plus the call that runs
 * them. {@link dev.jao.nn.QuantizedLinear} validates shapes and manages lifetime and
 * threads around it; implementations only marshal to their C functions.
 */
public interface LinearKernel {
    /** Input features K. */
    long inFeatures();

    /** Output features N. */
    long outFeatures();

    /** Bytes of native memory holding the packed weights. */
    long packedBytes();

    /** The packed weights (plain bytes, portable). */
    MemorySegment packed();

    /** The dtype the weight scales were quantized in. */
    dev.jao.quant.DType scaleDtype();

    /** Name of the packed layout ("x86 VNNI int4 nibbles", ...). */
    String layout();

    /** The tier a call with {@code rows} rows would run on now. */
    IsaTier tier(long rows);

    /**
     * The layer's plain quantized tensors under torchao's state-dict names ("qdata",
     * "scale", "zero_point", "bias"), unpacked from the packed form.
     */
    java.util.Map<String, dev.jao.tensor.Tensor> plainTensors();

    /** y[rows, N] = layer(x[rows, K]); FLOAT32 row-major, heap or native segments of exact size. */
    void run(MemorySegment x, MemorySegment y, long rows);
}
