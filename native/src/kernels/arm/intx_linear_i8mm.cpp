// i8mm tier of the intx linear: ummla on row pairs (mac_i8mm.h). A single row
// has nothing to pair, so it runs the dotprod tier (the probe reports i8mm
// only with dotprod). Tile body, shapes and the unsigned x unsigned identity:
// intx_tile_arm.h.
#include "kernels/arm/intx_arm.h"
#include "kernels/arm/intx_tile_arm.h"
#include "kernels/arm/mac_i8mm.h"

namespace jao::kernels::intx {

void tile_i8mm(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    if (mr == 1) return tile_dotprod(L, payload, a, m0, mr, b0, nb, y);
    run_tiles_any_nbit<arm::Mmla<false>>(L, payload, a, m0, mr, b0, nb, y);
}

}  // namespace jao::kernels::intx
