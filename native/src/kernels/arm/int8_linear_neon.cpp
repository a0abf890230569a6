// NEON tier of the int8 x int8 linear (Armv8.0): smull + sadalp tiles
// (mac_neon.h; tile body: int8_tile_arm.h) and the epilogue pass that turns
// oneDNN's int32 output into y in place, with the tiles' own epilogue4.
#include "kernels/arm/int8_arm.h"
#include "kernels/arm/int8_tile_arm.h"
#include "kernels/arm/mac_neon.h"

namespace jao::kernels::int8 {

void tile_neon(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    run_int8_tiles<arm::Mull<true>>(w, kpad, e, a, m0, mr, b0, nb, y);
}

void epilogue_neon(const Epilogue& e, const Act& a, int64_t r0, int64_t r1, float* y) {
    for (int64_t r = r0; r < r1; ++r)
        for (int64_t col = 0; col < e.n; col += 4) {
            // c is read whole before the row's first 4 outputs overwrite it in place.
            int32_t c[4] = {};
            std::memcpy(c, y + r * e.n + col, sizeof(int32_t) * static_cast<size_t>(e.n - col < 4 ? e.n - col : 4));
            store_epilogue4(vld1q_s32(c), r, col, e, a, y);
        }
}

}  // namespace jao::kernels::int8
