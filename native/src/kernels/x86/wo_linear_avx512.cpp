// AVX-512 tier of the weight-only linear, GEMM part (traits in wo_v512.h; the
// GEMV is in wo_gemv_avx512.cpp and wo_gemv_wide_avx512.cpp). GEMM tiles are
// 12 rows x 32 columns (24 zmm accumulators).
#include "kernels/wo_gemm_tiles.h"
#include "kernels/x86/wo_linear.h"
#include "kernels/x86/wo_v512.h"

namespace jao::kernels::wo {

JAO_WO_TIER_GEMM(gemm_avx512, kGemmMrAvx512, V512)

}  // namespace jao::kernels::wo
