package dev.jao.cli;

import java.io.PrintStream;

/** A one-line progress bar on a terminal stream (redrawn with '\r'); silent when disabled. */
public final class ProgressBar {
    private final PrintStream out;
    private final boolean enabled;
    private String lastLabel = "";

    /** A bar on {@code out}; {@code enabled = false} makes every call a no-op. */
    public ProgressBar(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    /** Draws "label [#####.....] done/total". */
    public void update(String label, int done, int total) {
        if (!enabled) return;
        int width = 30, filled = total == 0 ? width : (int) ((long) width * done / total);
        if (!label.equals(lastLabel) && !lastLabel.isEmpty()) out.print('\n');
        lastLabel = label;
        out.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total);
        if (done >= total) {
            out.print('\n');
            lastLabel = "";
        }
        out.flush();
    }
}
