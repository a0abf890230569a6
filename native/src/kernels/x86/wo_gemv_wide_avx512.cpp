// AVX-512 tier of the weight-only linear, GEMV part for codes of 5 to 8 bits
// (traits in wo_v512.h; 1 to 4 bits and the reason for the split in
// wo_gemv_avx512.cpp).
#include "kernels/wo_gemv_tiles.h"
#include "kernels/x86/wo_linear.h"
#include "kernels/x86/wo_v512.h"

namespace jao::kernels::wo {

void gemv_avx512_wide(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
                      int64_t b0, int64_t b1, float* y) {
    tiles::gemv_of_widths<V512, 5, 6, 7, 8>(L, payload, a, m, r0, r1, b0, b1, y);
}

}  // namespace jao::kernels::wo
