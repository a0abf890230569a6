// AVX-512 tier of the weight-only linear, GEMV part for codes of 1 to 4 bits
// (traits in wo_v512.h; a one-row call whose activations the driver prescaled
// runs the subnormal decode, wo_subnormal_steps.h). 5 to 8 bits are in
// wo_gemv_wide_avx512.cpp and the GEMM in wo_linear_avx512.cpp: each GEMV tile
// is fully unrolled per code width, and these three files compile in parallel
// (one file took 5.4 minutes of the sanitizer build, most of its critical path).
#include "kernels/wo_gemv_tiles.h"
#include "kernels/x86/wo_linear.h"
#include "kernels/x86/wo_v512.h"
#include "kernels/x86/wo_subnormal_steps.h"

namespace jao::kernels::wo {

void gemv_avx512(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
                 int64_t b0, int64_t b1, float* y) {
    if (L.nbit > 4) gemv_avx512_wide(L, payload, a, m, r0, r1, b0, b1, y);
    else if (!gemv_subnormal<V512>(L, payload, a, r0, r1, b0, b1, y))
        tiles::gemv_of_widths<V512, 1, 2, 3, 4>(L, payload, a, m, r0, r1, b0, b1, y);
}

}  // namespace jao::kernels::wo
