// Contract shared by every tier of the int8-dynamic-activation x intN-weight
// linear kernels (jao_linear.h). The scalar functions here are the ground
// truth; the x86 tiers (kernels/x86/intx_*_{avx2,avx512vnni}.cpp) and the Arm
// tiers (kernels/arm/intx_*_{neon,dotprod,i8mm}.cpp) must produce bit-identical
// quantized activations and outputs.
//
// Numerics, per row m and column n (u = q_act + 128 in [0, 255], uz = zp_act + 128):
// mode S (no zero points) and mode F (zero points, nbit <= 7; zw folded into the weight):
//   w     = qw - zw  (zw = 0 in mode S; fits s8)
//   D[g]  = sum_{k in g} u[m,k] * w[n,k]                            exact int32
//   acc   = 0; for g: acc = fma(s[n,g], float(D[g]), acc)
//   W1[n] = 0; for g: W1 = fma(s[n,g], float(sum_{k in g} w[n,k]), W1)     (at pack time)
//   y     = fma(fma(-float(uz), W1[n], acc), s_act[m], bias[n] or 0)
// mode X (zero points, nbit == 8; q - zw may not fit s8):
//   I[g]  = sum_{k in g} (q_act - zp_act)(qw - zw)
//         = D[g] - uz * sum_k qw - zw * A[g],  A[g] = sum_{k in g} (q_act - zp_act)   exact int32
//   acc   = 0; for g: acc = fma(s[n,g], float(I[g]), acc);   y = fma(acc, s_act[m], bias[n] or 0)
// i.e. sum_g s*sum_k (q_act - zp_act)(qw - zw) * s_act + bias, arranged so the
// hot loop is a plain u8 x s8 dot product (vpdpbusd / vpmaddubsw).
#pragma once

#include <cstdint>

#include "pack/intx_format.h"

namespace jao::kernels::intx {

using pack::IntxLayout;

// Slots of a row's info record.
constexpr int kInfoScale = 0, kInfoUz = 1, kInfoUzInt = 2, kInfoA = 3;

inline int32_t info_int(const float* info, int slot) {
    int32_t v;
    __builtin_memcpy(&v, info + slot, 4);
    return v;
}
inline void set_info_int(float* info, int slot, int32_t v) { __builtin_memcpy(info + slot, &v, 4); }

// Clamps an activation code (or zero point) to [-128, 127] the way the SIMD tiers'
// max_ps(v, lo) / min_ps(v, hi) do: a NaN becomes -128. Scalar code must clamp
// with this before converting to int: std::max/min keep a NaN (x NaN or inf, or
// a row min of -inf), and converting a NaN float to int is undefined behavior
// (found by fuzz_intx_pack; regression test LinearIntx.NonFiniteActivations).
inline float clamp_code(float v) {
    v = v > -128.0f ? v : -128.0f;
    return v < 127.0f ? v : 127.0f;
}

// Quantized activations in the workspace.
struct Act {
    uint8_t* q = nullptr;          // [m, kpad]: q + 128 per K, group-padded (padding 0)
    float* info = nullptr;         // [m, info_stride]: s_act, float(uz), int32 uz, int32 A[0..groups)
    int64_t info_stride = 0;
};

// Workspace bytes for m rows (includes 64 bytes of alignment slack) and its carving.
int64_t workspace_bytes(const IntxLayout& L, int64_t m);
Act carve_workspace(const IntxLayout& L, int64_t m, void* workspace);

// Quantizes rows [m0, m1) of x [*, k] into a (torchao per-token ASYMMETRIC int8).
using QuantizeRowsFn = void (*)(const IntxLayout& L, const float* x, int64_t m0, int64_t m1, const Act& a);

// Computes y rows [m0, m0+mr) x column blocks [b0, b0+nb) (16 columns each,
// clipped to n); mr <= 8, any nb; y is [m, n] row-major.
using TileFn = void (*)(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0,
                        int nb, float* y);

// Scalar tier.
void quantize_rows_ref(const IntxLayout& L, const float* x, int64_t m0, int64_t m1, const Act& a);
void tile_ref(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
              float* y);

// Ground truth from plain tensors (no packing): qdata [n,k], effective fp32
// scales [n, groups] (bf16 values already widened), zero points or null, bias
// or null; x [m,k] -> y [m,n].
void linear_plain_ref(int64_t n, int64_t k, int64_t group_size, int nbit, const int8_t* qdata, const float* scales,
                      const int8_t* zero_points, const float* bias, int64_t m, const float* x, float* y);

// torchao choose_qparams_affine(ASYMMETRIC, int8, eps = FLT_MIN) from a row's
// min and max: scale, its reciprocal (quantize multiplies) and zero point (as float).
void act_qparams(float mn, float mx, float* scale, float* inv, float* zp);

// A row quantizer's multiplier (1 / scale) and zero point.
struct RowQuantizer {
    float inv, zp;
};
// act_qparams of a row's min and max, written to the row's info record (scale,
// and the zero point + 128 as float and int, for the tiles' u8 codes); returns
// what the tier's quantizer needs.
RowQuantizer set_row_qparams(float* info, float mn, float mx);

// torchao per-token asymmetric int8 quantization of one row (for tests and the plain reference).
void quantize_row_torchao(const float* x, int64_t k, int8_t* q, float* scale, int8_t* zero_point);

}  // namespace jao::kernels::intx
