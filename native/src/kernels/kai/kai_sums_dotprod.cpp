// dotprod tier (FEAT_DotProd) of the KleidiAI-layout matmul's block sums: one sdot per
// (row, RHS vector) and segment. Tile and layout reasoning: kai_tile_arm.h.
#include "kernels/kai/kai_tile_arm.h"

namespace jao::kernels::kai {
namespace {

struct Sdot {
    static int32x4_t dot(int32x4_t acc, int8x16_t a, int8x16_t b) { return vdotq_s32(acc, a, b); }
};

}  // namespace

void block_sums_dotprod(const Geometry& g, const uint8_t* lhs_panel, int x0, int rows, const uint8_t* rhs_panel,
                        int64_t block, int32_t* sums) {
    block_sums<LaneDotMac<Sdot>>(g, lhs_panel, x0, rows, rhs_panel, block, sums);
}

}  // namespace jao::kernels::kai
