// Driver of the weight-only linear: picks the tier (active ISA) and the kernel
// family (by M), prepares the activations in the workspace and runs the tier
// on OpenMP threads split over N, and over the GEMM's row tiles too when N has
// too few blocks (core/work_grid.h). Compiled on every architecture; the tiers
// live in wo_*_{avx2,avx512,avx512bf16}.cpp and kernels/arm/wo_linear_neon.cpp
// (wo_arm.h), written once in kernels/wo_gemv_tiles.h and kernels/wo_gemm_tiles.h.
#pragma once

#include <cstdint>

#include "jao/jao_affine.h"
#include "kernels/arm/wo_arm.h"
#include "kernels/ref/wo_kernels.h"

namespace jao::kernels::wo {

struct Plan {
    jao_isa isa = JAO_ISA_SCALAR;
    int kernel = JAO_WO_KERNEL_GEMV;  // jao_wo_kernel
    BlocksFn blocks = nullptr;        // the chosen kernel of the chosen tier
    int gemm_mr = 1;                  // GEMM: rows per register tile (A packing)
    bool bf16_pairs = false;          // the kernel reads Act::xpairs (bf16 dot GEMV)
    // Stages Act::xs, Act::xs_unscale and Act::xsum from the fp32 row Act::x for the
    // chosen kernel, or returns false when that row cannot take it; null: nothing to stage.
    bool (*stage_xs)(const WoLayout& L, const float* x, float* xs, float* unscale, float* xsum) = nullptr;
};

// x_type: jao_float_type of the activations (BF16 may pick the bf16 dot GEMV).
Plan make_plan(const WoLayout& L, int64_t m, int32_t x_type = JAO_F32);

// Workspace bytes for m rows (64 bytes of alignment slack included); the same
// for every tier, kernel and activation / output type, so it may be sized
// before any of them is known.
int64_t workspace_bytes(const WoLayout& L, int64_t m);

// y[m, n] = x[m, k] w^T + bias, x and y of any jao_float_type (the kernels
// compute in fp32; y is rounded to nearest even); workspace of workspace_bytes(L, m) bytes.
void run(const WoLayout& L, const uint8_t* payload, int64_t m, const void* x, int32_t x_type, void* y, int32_t y_type,
         void* workspace);

// The bf16 dot GEMV (wo_gemv_avx512bf16.cpp) decodes codes of one piece of at most 4 bits.
constexpr bool bf16_dot_nbit(int nbit) { return nbit == 1 || nbit == 2 || nbit == 4; }

// Its activation order: step s of a 32-K chunk multiplies K = bf16_pair_k(nbit, s) (low bf16 of
// Act::xpairs[s]) and K + 16 / nbit (high bf16): the lowest codes of the two 16-bit halves of a lane word.
constexpr int bf16_pair_k(int nbit, int s) {
    const int half = 16 / nbit;
    return s / half * 2 * half + s % half;
}

#if defined(__x86_64__) || defined(_M_X64)
// Tier entry points (BlocksFn) and their GEMM tile heights.
void gemv_avx2(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
               int64_t b0, int64_t b1, float* y);
void gemm_avx2(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
               int64_t b0, int64_t b1, float* y);
void gemv_avx512(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
                 int64_t b0, int64_t b1, float* y);
void gemm_avx512(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
                 int64_t b0, int64_t b1, float* y);
extern const int kGemmMrAvx2, kGemmMrAvx512;
// Whether this CPU runs the one-row GEMV's subnormal decode (wo_subnormal_steps.h)
// at full speed (measured once per process: a CPU taking microcode assists on
// subnormal operands does not), and the code widths that decode serves (one-row calls).
bool subnormal_decode_fast();
constexpr bool subnormal_nbit(int nbit) { return nbit == 1 || nbit == 2 || nbit == 4; }
// Plan::stage_xs of that decode: Act::xs (into xs, kpad floats), Act::xs_unscale
// and Act::xsum (into xsum, groups floats) from one staged row x (Act::x, [kpad]);
// false, nothing staged, when x holds NaN or inf or its magnitude is out of the
// decode's range.
bool stage_subnormal_x(const WoLayout& L, const float* x, float* xs, float* unscale, float* xsum);
// gemv_avx512 for codes of 5 to 8 bits (a file of its own: wo_gemv_avx512.cpp says why).
void gemv_avx512_wide(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
                      int64_t b0, int64_t b1, float* y);
// bf16 activations (Act::xpairs), nbit with bf16_dot_nbit, any m.
void gemv_avx512bf16(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
                     int64_t b0, int64_t b1, float* y);
#endif

}  // namespace jao::kernels::wo
