package dev.jao.quant;

/** How floating values map to integers (torchao {@code MappingType}); values are ABI codes. */
public enum MappingType {
    /** Zero maps to the integer midpoint; scale = max|x| / ((qmax - qmin) / 2). */
    SYMMETRIC,
    /** Symmetric, with the scale chosen so neither side clips: max(min/qmin, max/qmax). */
    SYMMETRIC_NO_CLIPPING_ERR,
    /** Full [min, max] range with a zero point. */
    ASYMMETRIC
}
