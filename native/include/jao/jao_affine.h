/*
 * Affine quantization primitives, bit-exact with torchao's choose_qparams_affine /
 * quantize_affine / dequantize_affine for block sizes of the form (1, ..., 1, group):
 * the tensor is viewed as [rows, cols] and each row is cut into groups of
 * `group_size` columns, one (scale, zero point) per group. This covers per-group,
 * per-row / per-axis(0) / per-token (group_size = cols) and per-tensor (rows = 1,
 * group_size = cols). Arithmetic follows torchao's operation order: every op in the
 * input dtype (bf16 rounds to nearest even after each op), x * (1/scale), round half
 * to even. See notes/torchao-semantics.md.
 */
#ifndef JAO_JAO_AFFINE_H
#define JAO_JAO_AFFINE_H

#include "jao/jao_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Floating element types of inputs, scales and outputs. Values are stable. */
typedef enum jao_float_type {
    JAO_F32 = 0,
    JAO_BF16 = 1, /**< stored as the upper 16 bits of a binary32 */
    JAO_F16 = 2   /**< IEEE binary16 */
} jao_float_type;

/** torchao MappingType. */
typedef enum jao_mapping {
    JAO_MAPPING_SYMMETRIC = 0,
    JAO_MAPPING_SYMMETRIC_NO_CLIPPING_ERR = 1,
    JAO_MAPPING_ASYMMETRIC = 2
} jao_mapping;

/** torchao ZeroPointDomain. */
typedef enum jao_zero_point_domain {
    JAO_ZP_INT = 0,   /**< q = round(x / s) + zp, integer zp */
    JAO_ZP_FLOAT = 1, /**< tinygemm: q = round((x - (zp - s * mid)) / s), zp in the input dtype (ASYMMETRIC only) */
    JAO_ZP_NONE = 2   /**< q = round(x / s), no zero point */
} jao_zero_point_domain;

/** Shape and parameters shared by the primitives. */
typedef struct jao_affine_params {
    int64_t rows;        /**< rows of the [rows, cols] view, >= 1 */
    int64_t cols;        /**< columns, >= 1 */
    int64_t group_size;  /**< columns per (scale, zero point); divides cols */
    int32_t input_type;  /**< jao_float_type of x (and of the compute) */
    int32_t scale_type;  /**< jao_float_type the scales are rounded to */
    int32_t mapping;     /**< jao_mapping */
    int32_t quant_min;   /**< e.g. -8 for int4, 0 for uint4; within [-128, 255] */
    int32_t quant_max;   /**< > quant_min, within [-128, 255] */
    int32_t preserve_zero; /**< 1 (torchao default): widen [min, max] to include 0 (INT domain) */
    int32_t zero_point_domain; /**< jao_zero_point_domain */
    float eps;           /**< lower clamp of scales (torchao default: FLT_MIN = 1.1754944e-38) */
} jao_affine_params;

/**
 * choose_qparams_affine. Writes rows * cols / group_size scales (float32 holding values
 * exactly representable in scale_type) and zero points as float32 (integers for the INT
 * domain, input-dtype values for FLOAT; zero_points may be NULL for NONE). The zero point
 * of ASYMMETRIC is derived from the scale before its cast to scale_type, as torchao does.
 */
JAO_API jao_status jao_affine_choose_qparams(const jao_affine_params* params, const void* x,
                                             float* scales, float* zero_points);

/**
 * quantize_affine: INT domain q = clamp(round(x * (1/scale)) + zero_point, quant_min,
 * quant_max) with the reciprocal computed in scale_type; FLOAT and NONE domains as in
 * jao_zero_point_domain (FLOAT divides, as torchao does). `zero_points` may be NULL for
 * the INT domain too (treated as 0). q is written one value per byte: int8 for signed
 * ranges, uint8 bits for unsigned ones. NaN inputs give 0 clamped into the range.
 */
JAO_API jao_status jao_affine_quantize(const jao_affine_params* params, const void* x, const float* scales,
                                       const float* zero_points, int8_t* q);

/**
 * dequantize_affine: y = (q - zero_point) * scale (FLOAT domain: (q - mid) * scale +
 * zero_point) in output_type, written as that type (float32, or 16-bit bf16/f16 values).
 */
JAO_API jao_status jao_affine_dequantize(const jao_affine_params* params, const int8_t* q, const float* scales,
                                         const float* zero_points, int32_t output_type, void* y);

/**
 * Backward of fake quantization (quantize then dequantize, INT or NONE domain) as torch's
 * autograd computes it for torchao's QAT: the straight-through estimator passes the
 * gradient where the unclamped quantized value round(x * (1/scale)) + zero_point lies in
 * [quant_min, quant_max] and gives 0 elsewhere; the passed gradient is
 * R(R(grad_y * scale) * (1/scale)), R rounding to input_type after each product.
 * grad_y is float32, grad_x is written in input_type.
 */
JAO_API jao_status jao_affine_fake_quantize_backward(const jao_affine_params* params, const void* x,
                                                     const float* scales, const float* zero_points,
                                                     const float* grad_y, void* grad_x);

/**
 * torchao's HQQ scale-only qparams (IntxChooseQParamsAlgorithm.HQQ_SCALE_ONLY): symmetric,
 * no zero point; per group, scale starts at max|x| / max(|quant_min|, quant_max) and is
 * refined by up to 20 least-squares steps (stopping when the largest relative change over
 * all groups is below 1e-5), all in float32 with eps = FLT_EPSILON; q = clamp(round(x /
 * scale)). Scales are written rounded to scale_type, q is computed with the float32 scale
 * (as torchao does). mapping, preserve_zero and eps of params are ignored.
 */
JAO_API jao_status jao_affine_hqq_scale_only(const jao_affine_params* params, const void* x, float* scales, int8_t* q);

#ifdef __cplusplus
}
#endif

#endif
