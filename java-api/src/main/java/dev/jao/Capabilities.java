package dev.jao;

import java.util.Set;

/**
 * What the loaded native library can do on this machine.
 *
 * @param platform the platform string, e.g. {@code linux-x86_64}
 * @param version the native library version
 * @param abiVersion the C ABI version
 * @param supported the ISA tiers this CPU and OS support
 * @param active the tier kernels use now (the best supported, possibly capped)
 * @param threads the number of threads one call may use
 * @param oneDnnVersion the linked oneDNN version ("3.13.0")
 */
public record Capabilities(String platform, String version, int abiVersion, Set<IsaTier> supported,
                           IsaTier active, int threads, String oneDnnVersion) {
    /** Copies {@code supported} into an immutable set. */
    public Capabilities {
        supported = Set.copyOf(supported);
    }

    @Override
    public String toString() {
        return "jao " + version + " (ABI " + abiVersion + ") on " + platform + ": ISA " + active.nativeName()
                + " active, supported " + supported.stream().map(IsaTier::nativeName).sorted().toList()
                + ", " + threads + " threads, oneDNN " + oneDnnVersion;
    }
}
