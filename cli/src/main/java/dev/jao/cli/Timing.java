package dev.jao.cli;

import java.util.Arrays;

/** Wall-clock medians for the demo and the bench (shared hosts are noisy: medians, not means). */
final class Timing {
    private Timing() {}

    /** Median milliseconds of {@code runs} timed calls after {@code warmups} untimed ones. */
    static double medianMs(int warmups, int runs, Runnable r) {
        for (int i = 0; i < warmups; i++) r.run();
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[runs / 2];
    }
}
