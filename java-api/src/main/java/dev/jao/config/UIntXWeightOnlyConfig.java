package dev.jao.config;

import dev.jao.quant.DType;

/**
 * uintN weight-only asymmetric per-group quantization, N = 1..8 (torchao
 * {@code UIntXWeightOnlyConfig}): integer zero points in [0, 2^N - 1], zero preserved,
 * eps 2^-23; forward {@code x @ dequant(W)^T + bias} in floating point. Weights whose
 * in_features the group size does not divide are skipped and reported.
 *
 * @param dtype UINT1..UINT8
 * @param groupSize elements per group (default 64)
 * @param packDim the packing dimension (torchao's default -1; jao packs its own layout either way)
 * @param useHqq choose scales and zeros with HQQ (torchao's proximal solver, FLOAT-domain zeros)
 */
public record UIntXWeightOnlyConfig(DType dtype, int groupSize, int packDim, boolean useHqq) implements QuantConfig {
    /** Checks the fields as torchao does. */
    public UIntXWeightOnlyConfig {
        ConfigChecks.require(dtype != null && dtype.isInteger() && dtype.ordinal() >= DType.UINT1.ordinal(),
                "Unsupported dtype " + dtype + ": dtype must be torch.uint1 to torch.uint8");
        ConfigChecks.require(groupSize > 0, "group_size must be positive, but got " + groupSize);
        ConfigChecks.require(packDim == -1 || packDim == 0 || packDim == 1, "pack_dim must be -1, 0 or 1, but got " + packDim);
    }

    /**
     * torchao's defaults for {@code dtype}: group size 64, pack_dim -1, no HQQ.
     *
     * @param dtype the weight's unsigned type, UINT1..UINT8
     * @throws IllegalArgumentException if {@code dtype} is not UINT1..UINT8
     */
    public UIntXWeightOnlyConfig(DType dtype) {
        this(dtype, 64, -1, false);
    }
}
