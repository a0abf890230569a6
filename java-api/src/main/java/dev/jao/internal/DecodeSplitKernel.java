package dev.jao.internal;

import dev.jao.IsaTier;
import dev.jao.quant.DType;
import dev.jao.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * torchao's weight_only_decode: one-row calls (decode) run the weight-only kernel on
 * unquantized activations, all others the dynamically quantized {@code prefill} kernel.
 * The packed form saved to files is the prefill kernel's; the decode copy is rebuilt.
 *
 * @param prefill the kernel for calls of two or more rows
 * @param decode the kernel for single-row calls
 */
record DecodeSplitKernel(LinearKernel prefill, LinearKernel decode) implements LinearKernel {
    private LinearKernel pick(long rows) {
        return rows == 1 ? decode : prefill;
    }

    @Override
    public long inFeatures() {
        return prefill.inFeatures();
    }

    @Override
    public long outFeatures() {
        return prefill.outFeatures();
    }

    @Override
    public long packedBytes() {
        return prefill.packedBytes() + decode.packedBytes();
    }

    @Override
    public MemorySegment packed() {
        return prefill.packed();
    }

    @Override
    public DType scaleDtype() {
        return prefill.scaleDtype();
    }

    @Override
    public String layout() {
        return prefill.layout() + "; decode: " + decode.layout();
    }

    @Override
    public IsaTier tier(long rows, dev.jao.quant.DType activations) {
        return pick(rows).tier(rows, activations);
    }

    @Override
    public Map<String, Tensor> plainTensors() {
        return prefill.plainTensors();
    }

    @Override
    public void run(MemorySegment x, MemorySegment y, long rows) {
        pick(rows).run(x, y, rows);
    }

    @Override
    public void run(MemorySegment x, dev.jao.quant.DType xType, MemorySegment y, dev.jao.quant.DType yType, long rows) {
        pick(rows).run(x, xType, y, yType, rows);
    }
}
