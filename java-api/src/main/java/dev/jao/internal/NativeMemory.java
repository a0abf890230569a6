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

    /** Holds the arena; referenced by the cleaner, never by the owner's fields only. */
    private static final class State implements Runnable {
        final Arena arena = Arena.ofShared();
        final String description;
        int inFlight;
        boolean closed;

        State(String description) {
            this.description = description;
        }

        @Override
        public void run() {  // cleaner: the owner became unreachable without close()
            synchronized (this) {
                if (closed) return;
                closed = true;
            }
            LOG.log(System.Logger.Level.WARNING, "jao: " + description + " was not closed; freeing its native memory");
            arena.close();
        }
    }

    /** Creates an empty store, described in messages as {@code description}. */
    public NativeMemory(String description) {
        this.description = description;
        this.state = new State(description);
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
        state.arena.close();
        synchronized (this) {
            if (cleanable != null) cleanable.clean();
        }
    }
}
