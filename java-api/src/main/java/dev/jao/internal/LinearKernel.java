package dev.jao.internal;

import dev.jao.IsaTier;
import dev.jao.quant.DType;
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

    /** The tier a call with {@code rows} rows of float32 activations would run on now. */
    default IsaTier tier(long rows) {
        return tier(rows, dev.jao.quant.DType.FLOAT32);
    }

    /**
     * The tier a call with {@code rows} rows of {@code activations} (FLOAT32, BFLOAT16 or FLOAT16)
     * would run on now.
     */
    IsaTier tier(long rows, dev.jao.quant.DType activations);

    /**
     * The layer's plain quantized tensors under torchao's state-dict names ("qdata",
     * "scale", "zero_point", "bias"), unpacked from the packed form.
     */
    java.util.Map<String, dev.jao.tensor.Tensor> plainTensors();

    /** y[rows, N] = layer(x[rows, K]); FLOAT32 row-major, heap or native segments of exact size. */
    void run(MemorySegment x, MemorySegment y, long rows);

    /**
     * y[rows, N] = layer(x[rows, K]) with x and y of any floating dtype (FLOAT32, BFLOAT16, FLOAT16),
     * y rounded to nearest even; 16-bit x and y are widened and narrowed natively.
     */
    void run(MemorySegment x, DType xType, MemorySegment y, DType yType, long rows);
}
