package dev.jao.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;

/**
 * Native memory owned by one Java object, use-counted (ONNX Runtime's NativeObject idea):
 * {@link #acquire()} / {@link #release()} bracket every native call; {@link #close()}
 * waits for the calls in flight, then frees, and every later acquire throws
 * {@link IllegalStateException}. If the owner is garbage collected unclosed, a Cleaner
 * frees the memory and logs the leak.
 */
public final class NativeMemory implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final System.Logger LOG = System.getLogger("dev.jao");

    private final String description;
    private final State state;
    private Cleaner.Cleanable cleanable;

    /** Holds the arena (null when the memory is borrowed); referenced by the cleaner. */
    private static final class State implements Runnable {
        final Arena arena;
        final String description;
        int inFlight;
        boolean closed;

        State(String description, boolean owning) {
            this.description = description;
            this.arena = owning ? Arena.ofShared() : null;
        }

        @Override
        public void run() {  // cleaner: the owner became unreachable without close()
            synchronized (this) {
                if (closed) return;
                closed = true;
            }
            if (arena == null) return;  // borrowed memory: its owner frees it
            LOG.log(System.Logger.Level.WARNING, "jao: " + description + " was not closed; freeing its native memory");
            arena.close();
        }
    }

    /** Creates an empty store, described in messages as {@code description}. */
    public NativeMemory(String description) {
        this(description, true);
    }

    private NativeMemory(String description, boolean owning) {
        this.description = description;
        this.state = new State(description, owning);
    }

    /**
     * Use-counting only, for memory that something else owns (a mapped model file): close
     * waits for calls in flight and forbids later ones, the owner frees the memory.
     */
    public static NativeMemory borrowed(String description) {
        return new NativeMemory(description, false);
    }

    /**
     * Ties the memory to {@code owner}: if the owner becomes unreachable unclosed, the
     * memory is freed and the leak logged. Call once, when the owning object exists.
     */
    public synchronized void ownedBy(Object owner) {
        if (cleanable != null) throw new IllegalStateException(description + " already has an owner");
        cleanable = CLEANER.register(owner, state);
    }

    /** Allocates {@code bytes} (aligned to 64) owned by this object. */
    public MemorySegment allocate(long bytes) {
        if (state.arena == null) throw new IllegalStateException(description + " borrows its memory");
        acquire();
        try {
            return state.arena.allocate(Math.max(1, bytes), 64);
        } finally {
            release();
        }
    }

    /** Marks a native call in flight; throws IllegalStateException after close. */
    public void acquire() {
        synchronized (state) {
            if (state.closed) throw new IllegalStateException(description + " is closed");
            state.inFlight++;
        }
    }

    /** Ends a call started by {@link #acquire()}. */
    public void release() {
        synchronized (state) {
            if (--state.inFlight == 0) state.notifyAll();
        }
    }

    /** True once closed. */
    public boolean isClosed() {
        synchronized (state) {
            return state.closed;
        }
    }

    /** Waits for calls in flight, then frees the memory; idempotent. */
    @Override
    public void close() {
        synchronized (state) {
            if (state.closed) return;
            state.closed = true;
            boolean interrupted = false;
            while (state.inFlight > 0) {
                try {
                    state.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (state.arena != null) state.arena.close();
        synchronized (this) {
            if (cleanable != null) cleanable.clean();
        }
    }
}
