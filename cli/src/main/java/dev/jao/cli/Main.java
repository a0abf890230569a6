package dev.jao.cli;

import dev.jao.Capabilities;
import dev.jao.Jao;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * The {@code jao} command. {@code jao demo} (the default, the README's main command) shows
 * jao at work on this machine; {@code info}, {@code quantize}, {@code eval} and
 * {@code bench} do the everyday jobs. Exit status: 0 ok, 1 failure, 2 usage error.
 */
@Command(name = "jao", mixinStandardHelpOptions = true, version = "jao 0.1.0",
        description = "torchao-style quantization and quantized CPU kernels for the JVM.",
        subcommands = {Main.Info.class, Main.DemoCommand.class, QuantizeCommand.class, EvalCommand.class,
            BenchCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs a subcommand and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line, printing to {@code out}/{@code err}; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file: " + e.getMessage()
                    : e.getMessage() == null ? e.toString() : e.getMessage();
            cmd.getErr().println("jao " + cmd.getCommandName() + ": " + why);
            return 1;
        });
        return cl.execute(args.length == 0 ? new String[] {"demo"} : args);
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** True when a progress bar helps: an interactive terminal, or JAO_PROGRESS set. */
    static boolean progressWanted() {
        return System.console() != null || System.getenv("JAO_PROGRESS") != null;
    }

    static Path cacheDir() {
        String dir = System.getProperty("jao.cache.dir");
        if (dir != null && !dir.isBlank()) return Path.of(dir);
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache"))
                .resolve("jao");
    }

    static void info(PrintWriter out) {
        Capabilities c = Jao.capabilities();
        out.println("jao " + c.version() + " (C ABI " + c.abiVersion() + ") on " + c.platform());
        out.println("  ISA tiers supported: " + c.supported().stream().sorted().map(t -> t.nativeName()).toList());
        out.println("  ISA tier active:     " + c.active().nativeName());
        out.println("  threads per call:    " + c.threads());
        out.println("  oneDNN:              " + c.oneDnnVersion());
    }

    /** {@code jao info}. */
    @Command(name = "info", description = "Native library, ISA tiers, threads, oneDNN.")
    static final class Info implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            info(spec.commandLine().getOut());
            return 0;
        }
    }

    /** {@code jao demo}. */
    @Command(name = "demo", description = "Quantize the embedded demo model with each config and print a table.")
    static final class DemoCommand implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            info(out);
            out.flush();
            Demo.run(out, cacheDir(), progressWanted());
            return 0;
        }
    }
}
