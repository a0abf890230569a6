// Driver of the weight-only linear: picks the tier (active ISA) and the kernel
// family (by M), prepares the activations in the workspace and runs the tier
// on OpenMP threads split over N. Compiled on every architecture; the tiers
// live in wo_linear_{avx2,avx512}.cpp and kernels/arm/wo_linear_neon.cpp
// (wo_arm.h), written once in wo_tiles.h.
#pragma once

#include <cstdint>

#include "kernels/arm/wo_arm.h"
#include "kernels/ref/wo_kernels.h"

namespace jao::kernels::wo {

struct Plan {
    jao_isa isa = JAO_ISA_SCALAR;
    int kernel = JAO_WO_KERNEL_GEMV;  // jao_wo_kernel
    BlocksFn blocks = nullptr;        // the chosen kernel of the chosen tier
    int gemm_mr = 1;                  // GEMM: rows per register tile (A packing)
};

Plan make_plan(const WoLayout& L, int64_t m);

// Workspace bytes for m rows (64 bytes of alignment slack included); the same
// for every tier and kernel, so it may be sized before the tier is known.
int64_t workspace_bytes(const WoLayout& L, int64_t m);

// y[m, n] = x[m, k] w^T + bias; workspace of workspace_bytes(L, m) bytes.
void run(const WoLayout& L, const uint8_t* payload, int64_t m, const float* x, float* y, void* workspace);

#if defined(__x86_64__) || defined(_M_X64)
// Tier entry points (BlocksFn) and their GEMM tile heights.
void gemv_avx2(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t b0, int64_t b1, float* y);
void gemm_avx2(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t b0, int64_t b1, float* y);
void gemv_avx512(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t b0, int64_t b1, float* y);
void gemm_avx512(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t b0, int64_t b1, float* y);
extern const int kGemmMrAvx2, kGemmMrAvx512;
#endif

}  // namespace jao::kernels::wo
