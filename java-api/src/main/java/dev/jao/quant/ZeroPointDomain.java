package dev.jao.quant;

/** Where zero points live (torchao {@code ZeroPointDomain}); values are ABI codes. */
public enum ZeroPointDomain {
    /** Integer zero point added after rounding: q = round(x/s) + zp. */
    INT,
    /** Floating zero point (tinygemm): q = round((x - (zp - s*mid)) / s). */
    FLOAT,
    /** No zero point: q = round(x/s). */
    NONE
}
