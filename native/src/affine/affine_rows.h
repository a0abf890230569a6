// torchao's affine primitives over a [rows, cols] view with groups of columns.
#pragma once

#include "jao/jao_affine.h"

namespace jao::affine {

// Throws jao::Error (invalid argument) naming `function` when params are unusable.
void validate(const jao_affine_params& p, const char* function);

void choose_qparams(const jao_affine_params& p, const void* x, float* scales, float* zero_points);
void quantize(const jao_affine_params& p, const void* x, const float* scales, const float* zero_points, int8_t* q);
void dequantize(const jao_affine_params& p, const int8_t* q, const float* scales, const float* zero_points,
                int32_t output_type, void* y);

void fake_quantize_backward(const jao_affine_params& p, const void* x, const float* scales, const float* zero_points,
                            const float* grad_y, void* grad_x);
void hqq_scale_only(const jao_affine_params& p, const void* x, float* scales, int8_t* q);

}  // namespace jao::affine
