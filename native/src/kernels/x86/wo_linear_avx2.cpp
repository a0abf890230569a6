// AVX2 tier of the weight-only linear, GEMM part (traits in wo_v256.h; the
// GEMV is in wo_gemv_avx2.cpp: both are large sets of fully unrolled tiles, and
// two files compile in parallel). GEMM tiles are 6 rows x 16 columns (12 ymm
// accumulators).
#include "kernels/wo_gemm_tiles.h"
#include "kernels/x86/wo_linear.h"
#include "kernels/x86/wo_v256.h"

namespace jao::kernels::wo {

JAO_WO_TIER_GEMM(gemm_avx2, kGemmMrAvx2, V256)

}  // namespace jao::kernels::wo
