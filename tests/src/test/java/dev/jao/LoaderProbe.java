package dev.jao;

/** Started in child JVMs by {@link LoaderTest}: loads the library and prints what it found. */
public final class LoaderProbe {
    private LoaderProbe() {}

    /** Prints the version and the active ISA, or the load error, and exits 0 or 3. */
    public static void main(String[] args) {
        try {
            System.out.println("loaded " + Jao.version() + " " + Jao.activeIsa());
        } catch (Throwable e) {
            System.out.println("error " + e.getClass().getName() + ": " + e.getMessage());
            System.exit(3);
        }
    }
}
