// i8mm tier of the int8 x int8 linear: smmla on row pairs (mac_i8mm.h); a
// single row runs the dotprod tier (nothing to pair; the probe reports i8mm
// only with dotprod). Tile body and the signed x signed identity:
// int8_tile_arm.h.
#include "kernels/arm/int8_arm.h"
#include "kernels/arm/int8_tile_arm.h"
#include "kernels/arm/mac_i8mm.h"

namespace jao::kernels::int8 {

void tile_i8mm(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    if (mr == 1) return tile_dotprod(w, kpad, e, a, m0, mr, b0, nb, y);
    run_int8_tiles<arm::Mmla<true>>(w, kpad, e, a, m0, mr, b0, nb, y);
}

}  // namespace jao::kernels::int8
