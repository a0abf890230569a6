// NEON tier of the intx linear (Armv8.0, no dot product instructions): umull
// + uadalp (mac_neon.h). Tile body, shapes and the unsigned x unsigned
// identity: intx_tile_arm.h.
#include "kernels/arm/intx_arm.h"
#include "kernels/arm/intx_tile_arm.h"
#include "kernels/arm/mac_neon.h"

namespace jao::kernels::intx {

void tile_neon(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    run_tiles_any_nbit<arm::Mull<false>>(L, payload, a, m0, mr, b0, nb, y);
}

}  // namespace jao::kernels::intx
