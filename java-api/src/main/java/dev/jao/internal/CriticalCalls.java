package dev.jao.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Hand-written downcall handles for the hot {@code run} entry points, bound with
 * {@code Linker.Option.critical(true)} (jextract does not emit it): no thread-state
 * transition, and heap segments ({@code float[]}) are passed without copies. Only
 * calls that take scalars and pointers and never call back into Java belong here.
 */
public final class CriticalCalls {
    private CriticalCalls() {}

    private static final MethodHandle INTX_RUN;

    static {
        Native.ready();
        Linker linker = Linker.nativeLinker();
        SymbolLookup lookup = SymbolLookup.loaderLookup();
        INTX_RUN = linker.downcallHandle(lookup.findOrThrow("jao_intx_linear_run"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_LONG),
                Linker.Option.critical(true));
    }

    /** {@code jao_intx_linear_run}; x, y and workspace may be heap segments. */
    public static int intxRun(MemorySegment packed, long packedSize, long m, MemorySegment x, MemorySegment y,
                              MemorySegment workspace, long workspaceSize) {
        try {
            return (int) INTX_RUN.invokeExact(packed, packedSize, m, x, y, workspace, workspaceSize);
        } catch (Throwable t) {
            throw new IllegalStateException("jao_intx_linear_run: downcall failed", t);
        }
    }
}
