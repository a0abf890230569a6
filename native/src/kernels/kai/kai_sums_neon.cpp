// neon tier (Armv8.0 Advanced SIMD) of the KleidiAI-layout matmul's block sums: the
// sdot lane semantics from smull/smull2 (int16 products), a pairwise widening add and
// a pairwise add. Tile and layout reasoning: kai_tile_arm.h.
#include "kernels/kai/kai_tile_arm.h"

namespace jao::kernels::kai {
namespace {

struct SmullDot {
    static int32x4_t dot(int32x4_t acc, int8x16_t a, int8x16_t b) {
        const int32x4_t lo = vpaddlq_s16(vmull_s8(vget_low_s8(a), vget_low_s8(b)));  // byte pairs 0-1 .. 6-7
        const int32x4_t hi = vpaddlq_s16(vmull_high_s8(a, b));                       // byte pairs 8-9 .. 14-15
        return vaddq_s32(acc, vpaddq_s32(lo, hi));                                   // quads 0-3 .. 12-15
    }
};

}  // namespace

void block_sums_neon(const Geometry& g, const uint8_t* lhs_panel, int x0, int rows, const uint8_t* rhs_panel,
                     int64_t block, int32_t* sums) {
    block_sums<LaneDotMac<SmullDot>>(g, lhs_panel, x0, rows, rhs_panel, block, sums);
}

}  // namespace jao::kernels::kai
