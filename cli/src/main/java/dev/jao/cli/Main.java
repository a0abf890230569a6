package dev.jao.cli;

import dev.jao.Capabilities;
import dev.jao.Jao;
import java.io.PrintStream;

/**
 * The {@code jao} command. {@code jao info} prints what the native library can do here;
 * {@code jao demo} (the README's main command) shows jao at work on this machine.
 */
public final class Main {
    private Main() {}

    /** Runs a subcommand and exits with its status (0 ok, 2 usage error, 1 failure). */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a subcommand, printing to {@code out}/{@code err}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args.length == 0 ? "demo" : args[0];
        try {
            switch (command) {
                case "info" -> info(out);
                case "demo" -> {
                    info(out);
                    Demo.run(out, err, cacheDir(), System.console() != null || System.getenv("JAO_PROGRESS") != null);
                }
                case "help", "--help", "-h" -> usage(out);
                default -> {
                    err.println("jao: unknown command '" + command + "'");
                    usage(err);
                    return 2;
                }
            }
            return 0;
        } catch (RuntimeException | LinkageError | java.io.IOException e) {
            err.println("jao: " + e.getMessage());
            return 1;
        }
    }

    private static java.nio.file.Path cacheDir() {
        String dir = System.getProperty("jao.cache.dir");
        if (dir != null && !dir.isBlank()) return java.nio.file.Path.of(dir);
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? java.nio.file.Path.of(xdg)
                : java.nio.file.Path.of(System.getProperty("user.home"), ".cache")).resolve("jao");
    }

    private static void usage(PrintStream out) {
        out.println("usage: jao <command>");
        out.println("  demo   show what jao does on this machine (default)");
        out.println("  info   native library, ISA tiers, threads, oneDNN");
    }

    private static void info(PrintStream out) {
        Capabilities c = Jao.capabilities();
        out.println("jao " + c.version() + " (C ABI " + c.abiVersion() + ") on " + c.platform());
        out.println("  ISA tiers supported: " + c.supported().stream().sorted().map(t -> t.nativeName()).toList());
        out.println("  ISA tier active:     " + c.active().nativeName());
        out.println("  threads per call:    " + c.threads());
        out.println("  oneDNN:              " + c.oneDnnVersion());
    }
}
