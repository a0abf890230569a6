// AVX2 tier of the weight-only linear, GEMV part (traits in wo_v256.h; the
// GEMM is in wo_linear_avx2.cpp).
#include "kernels/x86/wo_linear.h"
#include "kernels/x86/wo_tiles.h"
#include "kernels/x86/wo_v256.h"

namespace jao::kernels::wo {

JAO_WO_TIER_GEMV(gemv_avx2, V256)

}  // namespace jao::kernels::wo
