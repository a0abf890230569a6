package dev.jao;

/** Status codes of the jao C ABI ({@code jao_status}); the values are part of the ABI. */
public enum NativeStatus {
    /** Success. */
    OK(0),
    /** A null pointer, bad shape, bad parameter or too small buffer reached the native side. */
    INVALID_ARGUMENT(1),
    /** A valid request this build or CPU cannot serve. */
    UNSUPPORTED(2),
    /** The native side could not allocate memory. */
    OUT_OF_MEMORY(3),
    /** A packed buffer or file failed its header or checksum checks. */
    CORRUPT_DATA(4),
    /** A bug in jao; the message says where. */
    INTERNAL(5),
    /** A code this version of the Java API does not know (newer native library). */
    UNKNOWN(-1);

    private final int code;

    NativeStatus(int code) {
        this.code = code;
    }

    /** {@return the numeric {@code jao_status} value} */
    public int code() {
        return code;
    }

    /**
     * Maps a numeric code; unknown codes map to {@link #UNKNOWN}.
     *
     * @param code a {@code jao_status} value returned by a native call
     * @return the matching status, or {@link #UNKNOWN} for codes this version does not know
     */
    public static NativeStatus of(int code) {
        for (NativeStatus s : values()) if (s.code == code) return s;
        return UNKNOWN;
    }
}
