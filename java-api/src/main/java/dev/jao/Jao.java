package dev.jao;

import dev.jao.bindings.JaoAbi;
import dev.jao.internal.Native;
import dev.jao.internal.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * Entry point to the native library: version, capabilities, ISA cap, thread count and the
 * machine's read bandwidth.
 * Every method loads the library on first use (see {@code -Djao.library.path}).
 */
public final class Jao {
    private Jao() {}

    /** {@return the native library version, e.g. "0.1.0"} */
    public static String version() {
        Native.ready();
        return JaoAbi.jao_version_string().getString(0);
    }

    /**
     * What this machine and library support, and what is active.
     *
     * @return a snapshot of the platform, versions, supported and active ISA tiers and thread count
     */
    public static Capabilities capabilities() {
        Native.ready();
        long mask = JaoAbi.jao_isa_supported_mask();
        Set<IsaTier> supported = EnumSet.noneOf(IsaTier.class);
        for (IsaTier t : IsaTier.values()) if ((mask >>> t.code() & 1) != 0) supported.add(t);
        return new Capabilities(Platform.current(), version(), JaoAbi.jao_abi_version(), supported, activeIsa(),
                threads(), oneDnnVersion());
    }

    /** {@return the ISA tier the kernels use now (the best supported tier not above the cap)} */
    public static IsaTier activeIsa() {
        Native.ready();
        return IsaTier.ofCode(JaoAbi.jao_isa_active());
    }

    /**
     * Caps the ISA tier used by the kernels (for tests and benchmarks); the best supported
     * tier not above {@code cap} becomes active.
     *
     * @param cap the highest tier the kernels may use; must be one this CPU supports
     * @throws JaoException with {@link NativeStatus#UNSUPPORTED} if this CPU lacks {@code cap}
     */
    public static void capIsa(IsaTier cap) {
        Native.ready();
        Native.check(JaoAbi.jao_isa_set_cap(cap.code()), "jao_isa_set_cap");
    }

    /** {@return the number of threads one jao call may use, >= 1} */
    public static int threads() {
        Native.ready();
        return JaoAbi.jao_threads_get();
    }

    /**
     * Sets the number of threads one jao call may use (shared among concurrent calls).
     *
     * @param n the thread count, in [1, 4096]
     * @throws IllegalArgumentException unless {@code 1 <= n <= 4096}
     */
    public static void setThreads(int n) {
        if (n < 1 || n > 4096) throw new IllegalArgumentException("threads must be in [1, 4096], got " + n);
        Native.ready();
        Native.check(JaoAbi.jao_threads_set(n), "jao_threads_set");
    }

    /** {@return the version of the oneDNN library jao is linked with, as "major.minor.patch", e.g. "3.13.0"} */
    public static String oneDnnVersion() {
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JaoAbi.C_INT, 3);
            Native.check(JaoAbi.jao_onednn_version(v, v.asSlice(4), v.asSlice(8)), "jao_onednn_version");
            return v.getAtIndex(JaoAbi.C_INT, 0) + "." + v.getAtIndex(JaoAbi.C_INT, 1) + "."
                    + v.getAtIndex(JaoAbi.C_INT, 2);
        }
    }

    /**
     * Measures this machine's sustained read bandwidth: the roof of weight-streaming
     * (M = 1) forward calls. Reads a freshly allocated 512 MiB buffer (larger than any
     * last-level cache) with {@link #threads()} threads, best of 5 passes; takes about
     * half a second. Measure it in the same run as the figures it is compared with:
     * shared machines drift between runs.
     *
     * @return the read bandwidth in GB/s (1e9 bytes per second)
     * @throws JaoException with {@link NativeStatus#OUT_OF_MEMORY} if the buffer cannot be allocated
     */
    public static double measureReadBandwidthGBs() {
        Native.ready();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment gbs = arena.allocate(JaoAbi.C_DOUBLE);
            Native.check(JaoAbi.jao_measure_read_bandwidth(512L << 20, threads(), 5, gbs), "jao_measure_read_bandwidth");
            return gbs.get(JaoAbi.C_DOUBLE, 0);
        }
    }
}
