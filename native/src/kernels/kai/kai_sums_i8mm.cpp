// i8mm tier (FEAT_I8MM) of the KleidiAI-layout matmul's block sums: smmla multiplies
// 2 LHS rows x 8 k by 8 k x 2 RHS columns. With kl = 8 (KleidiAI's i8mm kernels,
// "4x8") a 16-byte RHS vector is exactly two columns x 8 k and a segment of an LHS row
// is 8 k, so no shuffles are needed; an odd last row is paired with itself and its
// copy dropped. A single row, or kl 4 / 16, runs the dotprod tier (the probe reports
// i8mm only with dotprod). Tile and layout reasoning: kai_tile_arm.h.
#include "kernels/kai/kai_tile_arm.h"

namespace jao::kernels::kai {
namespace {

struct SmmlaMac {
    static constexpr bool has_kl(int kl) { return kl == 8; }

    template <int KL, int R, int NV>
    struct Acc {
        static constexpr int kPairs = (R + 1) / 2;
        // [pair][vector]: lanes (row 2p, col 2v), (2p, 2v+1), (2p+1, 2v), (2p+1, 2v+1).
        int32x4_t a[kPairs][NV];

        void zero() {
            for (int p = 0; p < kPairs; ++p)
                for (int v = 0; v < NV; ++v) a[p][v] = vdupq_n_s32(0);
        }

        void step(const uint8_t* const lhs[R], const int8x16_t b[NV]) {
            for (int p = 0; p < kPairs; ++p) {
                const int8_t* r0 = reinterpret_cast<const int8_t*>(lhs[2 * p]);
                const int8_t* r1 = reinterpret_cast<const int8_t*>(lhs[2 * p + 1 < R ? 2 * p + 1 : 2 * p]);
                const int8x16_t rows = vcombine_s8(vld1_s8(r0), vld1_s8(r1));
                for (int v = 0; v < NV; ++v) a[p][v] = vmmlaq_s32(a[p][v], rows, b[v]);
            }
        }

        void store(int32_t* sums, int nr, int v0, bool shift4) const {
            for (int p = 0; p < kPairs; ++p)
                for (int v = 0; v < NV; ++v) {
                    const int32x4_t s = shift4 ? vshrq_n_s32(a[p][v], 4) : a[p][v];
                    int32_t lane[4];
                    vst1q_s32(lane, s);
                    const int col = 2 * (v0 + v);
                    sums[2 * p * nr + col] += lane[0];
                    sums[2 * p * nr + col + 1] += lane[1];
                    if (2 * p + 1 < R) {
                        sums[(2 * p + 1) * nr + col] += lane[2];
                        sums[(2 * p + 1) * nr + col + 1] += lane[3];
                    }
                }
        }
    };
};

}  // namespace

void block_sums_i8mm(const Geometry& g, const uint8_t* lhs_panel, int x0, int rows, const uint8_t* rhs_panel,
                     int64_t block, int32_t* sums) {
    if (rows < 2 || !SmmlaMac::has_kl(g.kl)) return block_sums_dotprod(g, lhs_panel, x0, rows, rhs_panel, block, sums);
    block_sums<SmmlaMac>(g, lhs_panel, x0, rows, rhs_panel, block, sums);
}

}  // namespace jao::kernels::kai
