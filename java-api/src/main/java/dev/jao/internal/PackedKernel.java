package dev.jao.internal;

import dev.jao.IsaTier;
import dev.jao.quant.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What every packed native linear shares: the packed bytes, shapes, the workspace-size
 * cache and the critical run call. Subclasses name their C functions and unpack their
 * plain tensors.
 */
abstract class PackedKernel implements LinearKernel {
    private final MemorySegment packed;
    private final long n;
    private final long k;
    private final DType scaleDtype;
    private final String layout;

    PackedKernel(MemorySegment packed, long n, long k, DType scaleDtype, String layout) {
        this.packed = packed;
        this.n = n;
        this.k = k;
        this.scaleDtype = scaleDtype;
        this.layout = layout;
    }

    /** The critical run entry point of this kernel family. */
    abstract CriticalCalls.LinearRun runCall();

    /**
     * The critical {@code jao_*_linear_run_typed} entry point of this kernel family (16-bit
     * activations and outputs natively, same workspace as {@link #runCall()}).
     */
    abstract CriticalCalls.TypedLinearRun typedRunCall();

    /** {@code jao_*_workspace_size(packed, size, rows, &bytes)}. */
    abstract int workspaceSize(MemorySegment packed, long packedSize, long rows, MemorySegment bytes);

    /**
     * {@code jao_*_packed_info} reduced to the ISA tier code a run of {@code rows} rows of activations of
     * {@code xType} (a {@code jao_float_type}) would use.
     */
    abstract int tierCode(MemorySegment packed, long packedSize, long rows, int xType);

    @Override
    public final MemorySegment packed() {
        return packed;
    }

    @Override
    public final DType scaleDtype() {
        return scaleDtype;
    }

    @Override
    public final long inFeatures() {
        return k;
    }

    @Override
    public final long outFeatures() {
        return n;
    }

    @Override
    public final long packedBytes() {
        return packed.byteSize();
    }

    @Override
    public final String layout() {
        return layout;
    }

    @Override
    public final IsaTier tier(long rows, DType activations) {
        return IsaTier.ofCode(tierCode(packed, packed.byteSize(), Math.max(1, rows), Tensors.floatTypeCode(activations)));
    }

    /** The last workspace query (rows → bytes): decode loops ask for the same rows every call. */
    private record WorkspaceSize(long rows, long bytes) {}

    private volatile WorkspaceSize lastWorkspace = new WorkspaceSize(-1, 0);

    /** Workspace bytes a run of {@code rows} rows needs (cached for the last rows asked). */
    final long workspaceBytes(long rows) {
        WorkspaceSize last = lastWorkspace;
        if (last.rows() == rows) return last.bytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check(workspaceSize(packed, packed.byteSize(), rows, size), runCall().symbol() + " workspace size");
            long bytes = size.get(ValueLayout.JAVA_LONG, 0);
            lastWorkspace = new WorkspaceSize(rows, bytes);
            return bytes;
        }
    }

    @Override
    public final void run(MemorySegment x, MemorySegment y, long rows) {
        long wsBytes = workspaceBytes(rows);
        runCall().call(packed, packed.byteSize(), rows, x, y, Workspace.get(wsBytes), wsBytes);
    }

    /** Through {@link #typedRunCall()}: 16-bit activations and outputs never widen in Java. */
    @Override
    public final void run(MemorySegment x, DType xType, MemorySegment y, DType yType, long rows) {
        long wsBytes = workspaceBytes(rows);
        typedRunCall().call(packed, packed.byteSize(), rows, x, Tensors.floatTypeCode(xType), y, Tensors.floatTypeCode(yType),
                Workspace.get(wsBytes), wsBytes);
    }
}
