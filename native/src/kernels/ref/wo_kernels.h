// Contract shared by every tier of the weight-only linear (jao_weight_only.h).
//
// Numerics, per row r and column n, with q = u - center, t = fma(-s, z, o)
// per group (0 when neither zero points nor offsets exist):
//   GEMV (few rows; every tier):
//     D[g] = sum_{k in g} x[r,k] * q[n,k]          fp32 fma chain in K order (SIMD tiers with few
//                                                  rows: two chains, even / odd K, added at the end)
//     X[g] = sum_{k in g} x[r,k]                   fp32, in K order (has_t only)
//     acc  = 0; for g: acc = fma(s[n,g], D[g], acc); acc = fma(t[n,g], X[g], acc)
//     y    = acc + bias[n]
//   GEMM (many rows; x86 tiers): weights dequantized once per panel,
//     w = fma(s, q, t) (or s * q), then y = bias + sum_k x[r,k] * w[n,k] as an
//     fp32 fma chain in K order, K split in panels (partial sums kept in y).
// The tiers differ only by rounding (order; the scalar tier uses double); each output is computed by
// one thread in an order fixed by (m, tier), never by the thread count.
#pragma once

#include <cstdint>

#include "pack/wo_format.h"

namespace jao::kernels::wo {

using pack::WoLayout;

// Activations as the kernels read them (carved from the workspace by the driver).
struct Act {
    const float* x = nullptr;     // [m, kpad]: x itself when kpad == k, else copied with zero group padding
    const uint32_t* xpairs = nullptr;  // [m, kpad / 2]: bf16 x, two K per element (bf16 dot GEMV: wo_linear.h)
    const float* xsum = nullptr;  // [m, groups]: X[g] (has_t, or staged with xs)
    const float* xs = nullptr;    // [kpad]: one row prescaled for the x86 subnormal decode (x86/wo_subnormal_steps.h),
    float xs_unscale = 1.0f;      // and the power of two its groups' totals are multiplied by; null: not staged
    const float* apack = nullptr; // GEMM: x in K slices of kPanelK, each slice row tiles of [kc][tile rows]:
                                  // (r, k) at apack + k0 * m + r0 * kc + (k - k0) * rows + (r - r0)
    float* partial = nullptr;     // GEMM, more than one K slice: the sums between slices, [m, nblocks * 16]
                                  // (gemm_partials in kernels/wo_gemm_tiles.h: each row tile of each panel contiguous)
};

// K per GEMM panel (its fp32 weights: 32 columns x 512 K = 64 KiB on the stack
// of the calling thread). Interleaved A/B on a Zen 4 (L1d 32 KiB, 2 threads,
// int4 g32 M = 128, 2026-12-03): 512 ran 2.6-2.9 % faster than 256 and 128 ran
// 6-11 % slower; 1024 was no faster than 512.
constexpr int64_t kPanelK = 512;

// Whether the GEMM sums over more than one K slice (and so needs Act::partial).
inline bool gemm_has_partials(const WoLayout& L) { return L.kpad > kPanelK; }

// Rows [r0, r1) of tile i of the `tiles` tiles an m-row GEMM is split into
// (balanced, each <= mr_max rows; depends only on m and the tier).
inline int64_t row_tiles(int64_t m, int mr_max) { return (m + mr_max - 1) / mr_max; }
inline int64_t tile_row(int64_t m, int64_t tiles, int64_t i) { return m * i / tiles; }

// Rows of a GEMV row unit: the drivers split GEMV rows across threads only at
// multiples of it, and it is a multiple of every tier's GEMV tile height
// (static_assert in kernels/wo_gemv_tiles.h), so each row meets the tile heights of the
// one-thread walk, which set the order of its sums: results never depend on the split.
constexpr int64_t kGemvUnitRows = 4;

// Computes y rows [r0, r1) of the call's m rows x column blocks [b0, b1) (16 columns each,
// clipped to n). GEMM kernels take row ranges on their row-tile boundaries (tile_row), so each
// row is computed by the same tile whatever the range; GEMV kernels take ranges that start at
// multiples of kGemvUnitRows.
using BlocksFn = void (*)(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
                          int64_t b0, int64_t b1, float* y);

// Scalar tier: the GEMV formula above in plain loops (any m), accumulated in
// double and rounded once (the most accurate tier: the tests' ground truth).
void gemv_ref(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1, int64_t b0,
              int64_t b1, float* y);

}  // namespace jao::kernels::wo
