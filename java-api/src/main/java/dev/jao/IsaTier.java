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

    /** The {@code jao_isa} value. */
    public int code() {
        return code;
    }

    /** The name used by {@code JAO_ISA} and {@code -Djao.isa}. */
    public String nativeName() {
        return nativeName;
    }

    /** The tier with the given {@code jao_isa} value. */
    public static IsaTier ofCode(int code) {
        for (IsaTier t : values()) if (t.code == code) return t;
        throw new IllegalArgumentException("unknown ISA tier code " + code);
    }

    /** The tier with the given name ("avx2", "avx512_vnni", ...), case-insensitive. */
    public static IsaTier ofName(String name) {
        for (IsaTier t : values()) if (t.nativeName.equalsIgnoreCase(name)) return t;
        throw new IllegalArgumentException("unknown ISA tier '" + name + "' (known: scalar, avx2, avx512, "
                + "avx512_vnni, neon, dotprod, i8mm)");
    }
}
