package dev.jao.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Hand-written downcall handles for the hot {@code jao_*_linear_run} entry points, bound
 * with {@code Linker.Option.critical(true)} (jextract does not emit it): no thread-state
 * transition, and heap segments ({@code float[]}) are passed without copies. Only calls
 * that take scalars and pointers and never call back into Java belong here.
 */
public final class CriticalCalls {
    private CriticalCalls() {}

    /** {@code jao_status run(const void* packed, int64_t size, int64_t m, const float* x, float* y, void* ws, int64_t ws_size)}. */
    private static final FunctionDescriptor LINEAR_RUN = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG);

    /** {@code jao_status run(packed, size, m, const void* x, int32_t x_type, void* y, int32_t y_type, ws, ws_size)}. */
    private static final FunctionDescriptor TYPED_LINEAR_RUN = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);

    private static MethodHandle bindCritical(String symbol, FunctionDescriptor descriptor) {
        Native.ready();
        return Linker.nativeLinker().downcallHandle(SymbolLookup.loaderLookup().findOrThrow(symbol), descriptor,
                Linker.Option.critical(true));
    }

    /**
     * One {@code jao_*_linear_run_typed} function (activation and output types as {@code jao_float_type}
     * codes) bound critically.
     *
     * @param symbol the C function's name
     * @param handle its downcall handle
     */
    public record TypedLinearRun(String symbol, MethodHandle handle) {
        /** Binds {@code symbol} (which must have the typed linear-run signature). */
        public static TypedLinearRun bind(String symbol) {
            return new TypedLinearRun(symbol, bindCritical(symbol, TYPED_LINEAR_RUN));
        }

        /** Calls the function and checks its status; x, y and workspace may be heap segments. */
        public void call(MemorySegment packed, long packedSize, long m, MemorySegment x, int xType, MemorySegment y,
                         int yType, MemorySegment workspace, long workspaceSize) {
            int status;
            try {
                status = (int) handle.invokeExact(packed, packedSize, m, x, xType, y, yType, workspace, workspaceSize);
            } catch (Throwable t) {
                throw new IllegalStateException(symbol + ": downcall failed", t);
            }
            Native.check(status, symbol);
        }
    }

    /**
     * One {@code jao_*_linear_run} function bound critically.
     *
     * @param symbol the C function's name
     * @param handle its downcall handle
     */
    public record LinearRun(String symbol, MethodHandle handle) {
        /** Binds {@code symbol} (which must have the linear-run signature). */
        public static LinearRun bind(String symbol) {
            return new LinearRun(symbol, bindCritical(symbol, LINEAR_RUN));
        }

        /** Calls the function and checks its status; x, y and workspace may be heap segments. */
        public void call(MemorySegment packed, long packedSize, long m, MemorySegment x, MemorySegment y,
                         MemorySegment workspace, long workspaceSize) {
            int status;
            try {
                status = (int) handle.invokeExact(packed, packedSize, m, x, y, workspace, workspaceSize);
            } catch (Throwable t) {
                throw new IllegalStateException(symbol + ": downcall failed", t);
            }
            Native.check(status, symbol);
        }
    }
}
