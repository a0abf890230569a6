package dev.jao.internal;

import java.util.Locale;

/** The running platform as jao names it ({@code linux-x86_64}, {@code linux-aarch64}). */
public final class Platform {
    private Platform() {}

    /** The platform string of this JVM; unsupported systems get a descriptive name too. */
    public static String current() {
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "unknown").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macos" : os.replace(' ', '_');
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return osName + "-" + archName;
    }
}
