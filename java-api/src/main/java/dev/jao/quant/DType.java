package dev.jao.quant;

/**
 * Element types jao quantizes to and from, named like torch dtypes. Integer types carry
 * torchao's value bounds ({@code _DTYPE_TO_QVALUE_BOUNDS}); sub-byte values are stored
 * unpacked, one per byte, unless a packed format says otherwise.
 */
public enum DType {
    /** 1-bit signed, [-1, 0]. */ INT1(1, true),
    /** 2-bit signed, [-2, 1]. */ INT2(2, true),
    /** 3-bit signed, [-4, 3]. */ INT3(3, true),
    /** 4-bit signed, [-8, 7]. */ INT4(4, true),
    /** 5-bit signed, [-16, 15]. */ INT5(5, true),
    /** 6-bit signed, [-32, 31]. */ INT6(6, true),
    /** 7-bit signed, [-64, 63]. */ INT7(7, true),
    /** 8-bit signed, [-128, 127]. */ INT8(8, true),
    /** 1-bit unsigned, [0, 1]. */ UINT1(1, false),
    /** 2-bit unsigned, [0, 3]. */ UINT2(2, false),
    /** 3-bit unsigned, [0, 7]. */ UINT3(3, false),
    /** 4-bit unsigned, [0, 15]. */ UINT4(4, false),
    /** 5-bit unsigned, [0, 31]. */ UINT5(5, false),
    /** 6-bit unsigned, [0, 63]. */ UINT6(6, false),
    /** 7-bit unsigned, [0, 127]. */ UINT7(7, false),
    /** 8-bit unsigned, [0, 255]. */ UINT8(8, false),
    /** IEEE binary32. */ FLOAT32(32, true),
    /** bfloat16: the upper half of a binary32. */ BFLOAT16(16, true),
    /** IEEE binary16. */ FLOAT16(16, true);

    private final int bits;
    private final boolean signed;

    DType(int bits, boolean signed) {
        this.bits = bits;
        this.signed = signed;
    }

    /** {@return the width in bits: 1..8 for the integer types, 32 or 16 for the floating ones} */
    public int bits() {
        return bits;
    }

    /** {@return true for INT1..INT8 and UINT1..UINT8} */
    public boolean isInteger() {
        return ordinal() <= UINT8.ordinal();
    }

    /** {@return true for FLOAT32, BFLOAT16, FLOAT16} */
    public boolean isFloating() {
        return !isInteger();
    }

    /**
     * Smallest quantized value (integer types only).
     *
     * @return -2^(bits-1) for signed types, 0 for unsigned ones
     * @throws IllegalArgumentException for a floating type
     */
    public int quantMin() {
        requireInteger();
        return signed ? -(1 << (bits - 1)) : 0;
    }

    /**
     * Largest quantized value (integer types only).
     *
     * @return 2^(bits-1) - 1 for signed types, 2^bits - 1 for unsigned ones
     * @throws IllegalArgumentException for a floating type
     */
    public int quantMax() {
        requireInteger();
        return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /** {@return bytes per element as stored in memory: 1 for every integer type (sub-byte ones unpacked), 4 or 2 for floats} */
    public int storageBytes() {
        return isInteger() ? 1 : bits / 8;
    }

    /**
     * The signed integer type of the given width, 1..8.
     *
     * @param bits the width in bits, 1..8
     * @return INT1..INT8
     * @throws IllegalArgumentException if {@code bits} is outside [1, 8]
     */
    public static DType intOfBits(int bits) {
        if (bits < 1 || bits > 8) throw new IllegalArgumentException("bit width must be in [1, 8], got " + bits);
        return values()[bits - 1];
    }

    private void requireInteger() {
        if (!isInteger()) throw new IllegalArgumentException(this + " is not an integer dtype");
    }
}
