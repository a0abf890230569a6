// Arm tier of the weight-only linear (contract: kernels/ref/wo_kernels.h),
// picked by the driver (kernels/x86/wo_linear.cpp) at every Arm tier:
//   neon  wo_linear_neon.cpp  fp32 fma, GEMV for few rows and GEMM tiles (kernels/wo_gemv_tiles.h, wo_gemm_tiles.h)
// The dot product extensions do not help an fp32 kernel, so dotprod and i8mm
// run it too.
#pragma once

#if defined(__aarch64__)
#include <cstdint>

#include "kernels/ref/wo_kernels.h"

namespace jao::kernels::wo {

// BlocksFn entry points and the GEMM tile height (A packing).
void gemv_neon(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
               int64_t b0, int64_t b1, float* y);
void gemm_neon(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
               int64_t b0, int64_t b1, float* y);
extern const int kGemmMrNeon;

}  // namespace jao::kernels::wo
#endif
