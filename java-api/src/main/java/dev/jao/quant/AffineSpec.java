package dev.jao.quant;

import java.util.Arrays;
import java.util.Objects;

/**
 * The parameters of torchao's {@code choose_qparams_affine} / {@code quantize_affine} /
 * {@code dequantize_affine}, with torchao's defaults: quant_min/quant_max from the target
 * dtype, ZeroPointDomain.INT, preserve_zero = true, eps = the smallest normal float
 * (torchao's {@code finfo(input dtype).smallest_normal} for fp32 and bf16), scales in the
 * input dtype. Any block size whose entries divide the input's dimensions works (per tensor,
 * per axis, per group, per row, per token, tiles); {@code (1, ..., 1, g)} blocks need no
 * data reordering.
 *
 * @param blockSize elements sharing one (scale, zero point), one entry per input dimension
 * @param targetDtype INT1..INT8 or UINT1..UINT8
 * @param quantMin smallest quantized value
 * @param quantMax largest quantized value
 * @param mappingType SYMMETRIC, SYMMETRIC_NO_CLIPPING_ERR or ASYMMETRIC
 * @param zeroPointDomain INT, FLOAT (tinygemm; ASYMMETRIC only) or NONE
 * @param preserveZero widen [min, max] to include 0 (INT domain)
 * @param eps lower bound of scales
 * @param scaleDtype the scales' dtype, or null for the input's dtype
 */
public record AffineSpec(long[] blockSize, DType targetDtype, int quantMin, int quantMax, MappingType mappingType,
                         ZeroPointDomain zeroPointDomain, boolean preserveZero, float eps, DType scaleDtype) {
    /** Checks the fields. */
    public AffineSpec {
        Objects.requireNonNull(blockSize, "block_size");
        blockSize = blockSize.clone();
        Objects.requireNonNull(targetDtype, "target_dtype");
        Objects.requireNonNull(mappingType, "mapping_type");
        Objects.requireNonNull(zeroPointDomain, "zero_point_domain");
        if (!targetDtype.isInteger()) throw new IllegalArgumentException("target_dtype must be an integer dtype, got " + targetDtype);
        if (quantMin < targetDtype.quantMin() || quantMax > targetDtype.quantMax() || quantMin >= quantMax) {
            throw new IllegalArgumentException("quant_min/quant_max " + quantMin + "/" + quantMax + " must lie in the "
                    + targetDtype + " range [" + targetDtype.quantMin() + ", " + targetDtype.quantMax() + "] with min < max");
        }
        if (!(eps >= 0) || Float.isInfinite(eps)) throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
        if (scaleDtype != null && !scaleDtype.isFloating()) {
            throw new IllegalArgumentException("scale_dtype must be floating, got " + scaleDtype);
        }
        if (zeroPointDomain == ZeroPointDomain.FLOAT && mappingType != MappingType.ASYMMETRIC) {
            throw new IllegalArgumentException("the FLOAT zero_point_domain needs MappingType.ASYMMETRIC");
        }
        for (long b : blockSize) if (b < 1) throw new IllegalArgumentException("block_size entries must be >= 1: " + Arrays.toString(blockSize));
    }

    /**
     * torchao's defaults for {@code targetDtype}, {@code mappingType} and a block size.
     *
     * @param blockSize elements sharing one (scale, zero point), one entry >= 1 per input dimension (copied)
     * @param targetDtype INT1..INT8 or UINT1..UINT8; gives quant_min and quant_max
     * @param mappingType SYMMETRIC, SYMMETRIC_NO_CLIPPING_ERR or ASYMMETRIC
     * @return a spec with the INT zero-point domain, preserve_zero, eps = {@link Float#MIN_NORMAL} and
     *     scales in the input's dtype
     */
    public static AffineSpec of(long[] blockSize, DType targetDtype, MappingType mappingType) {
        return new AffineSpec(blockSize, targetDtype, targetDtype.quantMin(), targetDtype.quantMax(), mappingType,
                ZeroPointDomain.INT, true, Float.MIN_NORMAL, null);
    }

    /**
     * A copy with another zero-point domain.
     *
     * @param d INT, FLOAT (ASYMMETRIC mapping only) or NONE
     * @return the new spec; this one is unchanged
     */
    public AffineSpec withZeroPointDomain(ZeroPointDomain d) {
        return new AffineSpec(blockSize, targetDtype, quantMin, quantMax, mappingType, d, preserveZero, eps, scaleDtype);
    }

    /**
     * A copy with another preserve_zero.
     *
     * @param p true to widen each block's [min, max] to include 0 so that 0 is exactly representable
     * @return the new spec; this one is unchanged
     */
    public AffineSpec withPreserveZero(boolean p) {
        return new AffineSpec(blockSize, targetDtype, quantMin, quantMax, mappingType, zeroPointDomain, p, eps, scaleDtype);
    }

    /**
     * A copy with another eps.
     *
     * @param e the lower bound of scales, finite and >= 0
     * @return the new spec; this one is unchanged
     */
    public AffineSpec withEps(float e) {
        return new AffineSpec(blockSize, targetDtype, quantMin, quantMax, mappingType, zeroPointDomain, preserveZero, e, scaleDtype);
    }

    /**
     * A copy with another scale dtype (null = the input's).
     *
     * @param d FLOAT32, BFLOAT16 or FLOAT16, or null for the input's dtype
     * @return the new spec; this one is unchanged
     */
    public AffineSpec withScaleDtype(DType d) {
        return new AffineSpec(blockSize, targetDtype, quantMin, quantMax, mappingType, zeroPointDomain, preserveZero, eps, d);
    }

    /**
     * A copy with another quant range.
     *
     * @param min the new quant_min, >= the target dtype's minimum
     * @param max the new quant_max, at most the target dtype's maximum and greater than {@code min}
     * @return the new spec; this one is unchanged
     */
    public AffineSpec withRange(int min, int max) {
        return new AffineSpec(blockSize, targetDtype, min, max, mappingType, zeroPointDomain, preserveZero, eps, scaleDtype);
    }

    /** {@return the block size, one entry per input dimension (a copy)} */
    @Override
    public long[] blockSize() {
        return blockSize.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AffineSpec s && Arrays.equals(blockSize, s.blockSize) && targetDtype == s.targetDtype
                && quantMin == s.quantMin && quantMax == s.quantMax && mappingType == s.mappingType
                && zeroPointDomain == s.zeroPointDomain && preserveZero == s.preserveZero
                && Float.compare(eps, s.eps) == 0 && scaleDtype == s.scaleDtype;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(blockSize), targetDtype, quantMin, quantMax, mappingType, zeroPointDomain,
                preserveZero, eps, scaleDtype);
    }

    @Override
    public String toString() {
        return "AffineSpec[block_size=" + Arrays.toString(blockSize) + ", " + targetDtype + " [" + quantMin + ", " + quantMax
                + "], " + mappingType + ", " + zeroPointDomain + ", preserve_zero=" + preserveZero + ", eps=" + eps
                + ", scale_dtype=" + scaleDtype + "]";
    }
}
