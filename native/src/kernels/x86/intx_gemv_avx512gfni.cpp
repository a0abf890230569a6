// The one-row tiles of the AVX-512 VNNI tier (intx_tile_avx512.h) with weights
// unpacked by GFNI's vgf2p8affineqb: one instruction per piece and vector takes
// a stored unsigned code to its s8 weight (shift, mask, offset and sign in one),
// where the plain tile spends a shift, a mask and a subtraction. Built with the
// VNNI tier's flags plus -mgfni, and called only when the CPU has GFNI
// (core::gfni_usable), for 1..7-bit weights (folded zero points: one vpsubb more).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include "kernels/x86/intx_tile_avx512.h"

namespace jao::kernels::intx {

namespace {

template <int NBIT>
void run_row(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int64_t b0, int nb, float* y) {
    if (L.folded_zp()) avx512::run_row<NBIT, avx512::Unpack::kGfniZp>(L, payload, a, m0, b0, nb, y);
    else avx512::run_row<NBIT, avx512::Unpack::kGfni>(L, payload, a, m0, b0, nb, y);
}

}  // namespace

void gemv_avx512gfni(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int64_t b0, int nb,
                     float* y) {
    switch (L.nbit) {
        case 1: return run_row<1>(L, payload, a, m0, b0, nb, y);
        case 2: return run_row<2>(L, payload, a, m0, b0, nb, y);
        case 3: return run_row<3>(L, payload, a, m0, b0, nb, y);
        case 4: return run_row<4>(L, payload, a, m0, b0, nb, y);
        case 5: return run_row<5>(L, payload, a, m0, b0, nb, y);
        case 6: return run_row<6>(L, payload, a, m0, b0, nb, y);
        default: return run_row<7>(L, payload, a, m0, b0, nb, y);
    }
}

}  // namespace jao::kernels::intx
