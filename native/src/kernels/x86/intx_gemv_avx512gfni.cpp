// The one-row tiles of the AVX-512 VNNI tier (intx_tile_avx512.h) with weights
// unpacked by GFNI's vgf2p8affineqb: one instruction per piece and vector takes
// a stored unsigned code to its s8 weight (shift, mask, offset and sign in one),
// where the plain tile spends a shift, a mask and a subtraction. Built with the
// VNNI tier's flags plus -mgfni, and called only when the CPU has GFNI
// (core::gfni_usable), for 1..7-bit weights without zero points.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include "kernels/x86/intx_tile_avx512.h"

namespace jao::kernels::intx {

void gemv_avx512gfni(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int64_t b0, int nb,
                     float* y) {
    switch (L.nbit) {
        case 1: return avx512::run_row<1, true>(L, payload, a, m0, b0, nb, y);
        case 2: return avx512::run_row<2, true>(L, payload, a, m0, b0, nb, y);
        case 3: return avx512::run_row<3, true>(L, payload, a, m0, b0, nb, y);
        case 4: return avx512::run_row<4, true>(L, payload, a, m0, b0, nb, y);
        case 5: return avx512::run_row<5, true>(L, payload, a, m0, b0, nb, y);
        case 6: return avx512::run_row<6, true>(L, payload, a, m0, b0, nb, y);
        default: return avx512::run_row<7, true>(L, payload, a, m0, b0, nb, y);
    }
}

}  // namespace jao::kernels::intx
