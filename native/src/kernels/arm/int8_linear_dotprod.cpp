// dotprod tier of the int8 x int8 linear: sdot by element (mac_dotprod.h).
// Tile body and the signed x signed identity: int8_tile_arm.h.
#include "kernels/arm/int8_arm.h"
#include "kernels/arm/int8_tile_arm.h"
#include "kernels/arm/mac_dotprod.h"

namespace jao::kernels::int8 {

void tile_dotprod(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0,
                  int nb, float* y) {
    run_int8_tiles<arm::Dot<true>>(w, kpad, e, a, m0, mr, b0, nb, y);
}

}  // namespace jao::kernels::int8
