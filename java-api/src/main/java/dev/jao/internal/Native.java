package dev.jao.internal;

import dev.jao.JaoException;
import dev.jao.NativeStatus;
import dev.jao.bindings.JaoAbi;

/**
 * The gate to the bindings: {@link #ready()} loads the library, checks the ABI version and
 * applies {@code -Djao.isa}; {@link #check} turns a {@code jao_status} into a
 * {@link JaoException} naming the C function and carrying the native message.
 */
public final class Native {
    /** System property capping the ISA tier (same names as the JAO_ISA environment variable). */
    public static final String ISA_PROPERTY = "jao.isa";

    private static volatile boolean ready;

    private Native() {}

    /** Loads and checks the native library once; call before touching {@link JaoAbi}. */
    public static void ready() {
        if (ready) return;
        synchronized (Native.class) {
            if (ready) return;
            NativeLoader.ensureLoaded();
            int abi = JaoAbi.jao_abi_version();
            if (abi != JaoAbi.JAO_ABI_VERSION()) {
                throw new UnsatisfiedLinkError("jao: the native library has ABI version " + abi
                        + " but these bindings need " + JaoAbi.JAO_ABI_VERSION()
                        + "; the jao and jao-native jars must come from the same release");
            }
            String isa = System.getProperty(ISA_PROPERTY);
            if (isa != null && !isa.isBlank()) {
                try (var arena = java.lang.foreign.Arena.ofConfined()) {
                    var tier = arena.allocate(JaoAbi.C_INT);
                    check(JaoAbi.jao_isa_parse(arena.allocateFrom(isa.trim()), tier), "jao_isa_parse");
                    check(JaoAbi.jao_isa_set_cap(tier.get(JaoAbi.C_INT, 0)), "jao_isa_set_cap");
                }
            }
            ready = true;
        }
    }

    /** Throws a {@link JaoException} unless {@code status} is {@code JAO_OK}. */
    public static void check(int status, String function) {
        if (status == 0) return;
        String message = JaoAbi.jao_last_error().getString(0);
        throw new JaoException(NativeStatus.of(status), function, message);
    }
}
