package dev.jao;

/**
 * Instruction-set tiers the native kernels are built for, as probed at run time
 * (CPUID+XGETBV on x86, getauxval on AArch64). Within one architecture a higher
 * tier implies the lower ones.
 */
public enum IsaTier {
    /** Portable scalar code, available everywhere. */
    SCALAR(0, "scalar"),
    /** x86 AVX2 + FMA + F16C. */
    AVX2(1, "avx2"),
    /** x86 AVX-512 F/BW/DQ/VL. */
    AVX512(2, "avx512"),
    /** x86 AVX-512 with VNNI (vpdpbusd). */
    AVX512_VNNI(3, "avx512_vnni"),
    /** x86 AVX-512 with VNNI and BF16 (vdpbf16ps): the weight-only GEMV on bf16 activations. */
    AVX512_BF16(4, "avx512_bf16"),
    /** AArch64 Advanced SIMD. */
    NEON(16, "neon"),
    /** AArch64 with SDOT/UDOT. */
    DOTPROD(17, "dotprod"),
    /** AArch64 with the int8 matrix multiply instructions. */
    I8MM(18, "i8mm");

    private final int code;
    private final String nativeName;

    IsaTier(int code, String nativeName) {
        this.code = code;
        this.nativeName = nativeName;
    }

    /** {@return the numeric {@code jao_isa} value of the C ABI} */
    public int code() {
        return code;
    }

    /** {@return the lower-case name used by {@code JAO_ISA} and {@code -Djao.isa}, e.g. "avx512_vnni"} */
    public String nativeName() {
        return nativeName;
    }

    /**
     * The tier with the given {@code jao_isa} value.
     *
     * @param code a numeric {@code jao_isa} value, as returned by {@link #code()}
     * @return the matching tier
     * @throws IllegalArgumentException if no tier has this code
     */
    public static IsaTier ofCode(int code) {
        for (IsaTier t : values()) if (t.code == code) return t;
        throw new IllegalArgumentException("unknown ISA tier code " + code);
    }

    /**
     * The tier with the given name ("avx2", "avx512_vnni", ...), case-insensitive.
     *
     * @param name a tier name as returned by {@link #nativeName()}, in any case
     * @return the matching tier
     * @throws IllegalArgumentException if no tier has this name
     */
    public static IsaTier ofName(String name) {
        for (IsaTier t : values()) if (t.nativeName.equalsIgnoreCase(name)) return t;
        throw new IllegalArgumentException("unknown ISA tier '" + name + "' (known: scalar, avx2, avx512, "
                + "avx512_vnni, avx512_bf16, neon, dotprod, i8mm)");
    }
}
