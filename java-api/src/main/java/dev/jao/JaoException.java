package dev.jao;

/**
 * A native jao call failed. Carries the status, the C function that failed and the
 * native message (from {@code jao_last_error}). Java-side validation throws
 * {@link IllegalArgumentException} before a call gets here; this exception means the
 * native side refused or could not serve the request.
 */
public final class JaoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The status returned by the native call. */
    private final NativeStatus status;
    /** The name of the C function that failed. */
    private final String function;
    /** The native message, possibly empty. */
    private final String nativeMessage;

    /**
     * Creates the exception.
     *
     * @param status the status returned by the native call
     * @param function the C function that failed
     * @param nativeMessage the native message (may be empty)
     */
    public JaoException(NativeStatus status, String function, String nativeMessage) {
        super(function + " failed (" + status.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")"
                + (nativeMessage.isEmpty() ? "" : ": " + nativeMessage));
        this.status = status;
        this.function = function;
        this.nativeMessage = nativeMessage;
    }

    /** {@return the status returned by the native call} */
    public NativeStatus status() {
        return status;
    }

    /** {@return the name of the C function that failed, e.g. "jao_threads_set"} */
    public String function() {
        return function;
    }

    /** {@return the native message from {@code jao_last_error}, possibly empty, never null} */
    public String nativeMessage() {
        return nativeMessage;
    }
}
