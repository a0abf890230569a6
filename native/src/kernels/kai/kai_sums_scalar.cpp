// Scalar tier of the KleidiAI-layout matmul: the int32 block sums read value by value
// through the layout rules (kleidiai/kai_layout.h), the reference the Arm tiers match.
#include "kernels/kai/kai_matmul.h"
#include "kleidiai/kai_layout.h"

namespace jao::kernels::kai {
namespace {

int lhs_value(const Geometry& g, const uint8_t* lp, int x, int64_t c) {
    return static_cast<int8_t>(lp[jao::kai::byte_interleave(c, x, g.mr, g.kl)]);
}

// Weight of RHS row r at column c of block `block` (c relative to the block).
int rhs_value(const Geometry& g, const uint8_t* rp, int r, int64_t block, int64_t c) {
    const uint8_t* data = rp + block * g.block_bytes;
    if (!g.nibbles()) return static_cast<int8_t>(data[jao::kai::byte_interleave(c, r, g.nr, g.kl)]);
    const int w = static_cast<int>(c % 32);
    const uint8_t b = data[(c / 32) * 16 * g.nr + jao::kai::nibble_offset(w % 16, r, g.nr, g.kl)];
    return jao::kai::sign_extend4(w < 16 ? b : b >> 4);
}

}  // namespace

void block_sums_scalar(const Geometry& g, const uint8_t* lhs_panel, int x0, int rows, const uint8_t* rhs_panel,
                       int64_t block, int32_t* sums) {
    const int64_t c0 = block * g.block_k;
    for (int x = 0; x < rows; ++x)
        for (int r = 0; r < g.nr; ++r) {
            int32_t s = 0;
            for (int64_t c = 0; c < g.block_k; ++c)
                s += lhs_value(g, lhs_panel, x0 + x, c0 + c) * rhs_value(g, rhs_panel, r, block, c);
            sums[x * g.nr + r] = s;
        }
}

}  // namespace jao::kernels::kai
