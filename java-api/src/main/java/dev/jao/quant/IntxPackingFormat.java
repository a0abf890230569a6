package dev.jao.quant;

/**
 * How an intx weight is stored and run (torchao {@code IntxPackingFormat}).
 * The opaque formats are packed natively into self-describing buffers.
 */
public enum IntxPackingFormat {
    /** torchao's default: int8 qdata, scales, zero points as plain tensors (export friendly). */
    UNPACKED_TO_INT8,
    /** jao's fastest layout for the running CPU. */
    OPAQUE_TORCHAO_AUTO,
    /** torchao's lowbit (universal) layout. */
    OPAQUE_TORCHAO_LOWBIT,
    /** KleidiAI layouts behind torchao's 64-byte header. */
    OPAQUE_TORCHAO_KLEIDIAI,
    /** ATen's {@code _dyn_quant_pack_4bit_weight} buffer (headerless, int4 only). */
    OPAQUE_ATEN_KLEIDIAI;

    /** {@return true for every format but {@link #UNPACKED_TO_INT8}} */
    public boolean isOpaque() {
        return this != UNPACKED_TO_INT8;
    }
}
