package dev.jao.internal;

import java.lang.foreign.MemorySegment;

/**
 * Per-thread scratch memory for kernel workspaces: a heap array that grows to the
 * largest request a thread has made, passed through critical downcalls without copies.
 * No allocation on the hot path once warmed up.
 */
public final class Workspace {
    private Workspace() {}

    private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[0]);

    /** A segment of at least {@code bytes} bytes, valid until this thread's next call. */
    public static MemorySegment get(long bytes) {
        long[] a = SCRATCH.get();
        long words = (bytes + 7) / 8;
        if (words > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("workspace of " + bytes + " bytes is too large");
        if (a.length < words) {
            a = new long[(int) Math.max(words, Math.min(Integer.MAX_VALUE - 8, a.length * 2L))];
            SCRATCH.set(a);
        }
        return MemorySegment.ofArray(a).asSlice(0, Math.max(bytes, 0));
    }
}
