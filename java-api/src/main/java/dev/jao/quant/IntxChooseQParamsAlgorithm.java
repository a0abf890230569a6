package dev.jao.quant;

/** How intx weight qparams are chosen (torchao {@code IntxChooseQParamsAlgorithm}). */
public enum IntxChooseQParamsAlgorithm {
    /** choose_qparams_affine: min/max based. */
    AFFINE,
    /** Half-quadratic scale-only search (symmetric, zero point 0). */
    HQQ_SCALE_ONLY
}
