// Contract shared by every tier of the int8 x int8 linear (jao_int8.h). The
// scalar functions here are the ground truth; the x86 tiers
// (kernels/x86/int8_linear_{avx2,avx512vnni}.cpp) must give bit-identical
// quantized activations and outputs.
//
// Per row m, column n (formulas of the activation quantization: jao_int8.h):
//   c      = sum_k q[m,k] * w[n,k]                       exact int32
//   jao backend: weights stored as u = w + 128 (u8, vpdpbusd's unsigned operand), so
//            c = sum_k u * q - 128 * asum[m],  asum[m] = sum_k q[m,k]   (mod 2^32: exact)
//   y      = float(c) * s[m]
//   ASYM:  y = y - corr[m] * rowsum[n],   corr[m] = float(zp[m]) * s[m]   (rowsum = float(sum_k w))
//   y      = y * w_scale[n];   bias: y = y + bias[n]
// each op rounded to fp32, in this order (torchao's eager epilogue; never fused
// into an FMA: the project compiles with -ffp-contract=off). bf16 models round
// x, the activation scale's ops and the epilogue's model-dtype results to bf16
// (formulas: jao_int8.h, JAO_INT8_ACT_BF16).
// A row holding NaN / inf gets s = NaN and q = 0, so its outputs are NaN
// (PerTensor: every row, as torchao's NaN scale would do).
#pragma once

#include <cmath>
#include <cstdint>

#include "affine/float_formats.h"

namespace jao::kernels::int8 {

// How a packed layer quantizes its activations (act_mapping and act_flags).
struct ActQuant {
    bool asymmetric = false;
    bool per_tensor = false;
    bool bf16 = false;  // JAO_INT8_ACT_BF16
    int qmin = -128, qmax = 127;
};

// Quantized activations and per-row numbers in the workspace.
struct Act {
    int8_t* q = nullptr;     // [m, kpad], padding K zero
    int64_t stride = 0;      // kpad
    float* scale = nullptr;  // s[m]
    float* inv = nullptr;    // 1 / s[m]
    float* zp = nullptr;     // zp[m] as float
    float* corr = nullptr;   // float(zp[m]) * s[m]
    int32_t* asum = nullptr; // sum_k q[m, k]
    float* mn = nullptr;     // min(x row), max(x row) (raw, before widening to 0)
    float* mx = nullptr;
    int32_t* bad = nullptr;  // row holds NaN or inf
    // jao backend, m > 1: q regrouped in panels of kPanelRows rows, so a tile reads all its
    // rows from one stream: per 4-K step, each row's quad side by side. The VNNI tiers store
    // a quad as int32 [m/8][kpad/4][8], AVX2 as 4 int16 (widened once for vpmaddwd)
    // [m/8][kpad/4][8][4]; the workspace holds the wider.
    int32_t* panel = nullptr;
};

constexpr int kPanelRows = 8;
// Panel bytes per row and K: AVX2's int16 quads.
constexpr int64_t kPanelBytesPerK = 2;

// Epilogue inputs from the packed buffer.
struct Epilogue {
    int64_t n = 0;
    const float* w_scale = nullptr;
    const float* bias = nullptr;    // null: no bias
    const float* rowsum = nullptr;  // null: symmetric activations
    bool bf16 = false;              // bf16 model: results in the model dtype are rounded to bf16
};

// Tier functions. Rows [r0, r1) of x [*, k].
using RowStatsFn = void (*)(const float* x, int64_t k, int64_t r0, int64_t r1, const Act& a);
using QuantizeFn = void (*)(const float* x, int64_t k, int64_t r0, int64_t r1, const ActQuant& s, const Act& a);
// y rows [r0, r1): c (int32, stored in y itself) -> float outputs, in place.
using EpilogueFn = void (*)(const Epilogue& e, const Act& a, int64_t r0, int64_t r1, float* y);
// jao backend: y rows [m0, m0 + mr) x columns of blocks [b0, b0 + nb); mr <= 8, any nb.
// Block b of the weights starts at w + b * pack::int8_block_bytes(kpad).
using TileFn = void (*)(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr,
                        int64_t b0, int nb, float* y);

// Scalar tier.
void row_stats_ref(const float* x, int64_t k, int64_t r0, int64_t r1, const Act& a);
void quantize_ref(const float* x, int64_t k, int64_t r0, int64_t r1, const ActQuant& s, const Act& a);
void epilogue_ref(const Epilogue& e, const Act& a, int64_t r0, int64_t r1, float* y);
void tile_ref(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
              float* y);

// torchao choose_qparams_affine for int8 activations from the raw min / max
// of a row (or tensor): writes scale, 1/scale and zero point (as float). A
// bf16 model's min or max that rounds to inf gives a NaN scale (NaN outputs).
void act_qparams(float mn, float mx, const ActQuant& s, float* scale, float* inv, float* zp);

// A bf16 model's activation as torchao sees it: rounded to bf16.
inline float act_value(float x, const ActQuant& s) { return s.bf16 ? affine::round_bf16(x) : x; }

// One activation (act_value applied): torchao's round(x * (1/s)) + zp, clamped;
// round = half to even (nearbyint in the default rounding mode).
inline int8_t quantize_one(float x, float inv, float zp, int qmin, int qmax) {
    float v = std::nearbyint(x * inv) + zp;
    v = std::fmin(std::fmax(v, static_cast<float>(qmin)), static_cast<float>(qmax));
    return static_cast<int8_t>(v);
}

// A result torchao computes in the model dtype.
inline float to_model(float y, const Epilogue& e) { return e.bf16 ? affine::round_bf16(y) : y; }

// One output element of the epilogue (the scalar definition every tier follows).
inline float epilogue_one(int32_t c, float s, float corr, const Epilogue& e, int64_t col) {
    float y = to_model(static_cast<float>(c) * s, e);
    if (e.rowsum) y = to_model(y - to_model(corr * e.rowsum[col], e), e);
    y = y * e.w_scale[col];
    if (e.bias) y = y + e.bias[col];
    return to_model(y, e);
}

// Ground truth from plain tensors: qdata [n, k], w_scale [n], bias [n] or null;
// x [m, k] -> y [m, n]; also returns q [m, k], scale and zero point per row
// (one for per_tensor) when the pointers are non-null.
void linear_plain_ref(int64_t n, int64_t k, const ActQuant& s, const int8_t* qdata, const float* w_scale,
                      const float* bias, int64_t m, const float* x, float* y, int8_t* q_out, float* scale_out,
                      int8_t* zp_out);

}  // namespace jao::kernels::int8
