// i8mm tier of the intx linear: ummla multiplies a 2-row x 8-K activation
// block by an 8-K x 2-column weight block, twice the work of a udot. Rows are
// taken in pairs (an odd last row is paired with itself and its copy
// dropped); zips turn two consecutive packed vectors (4 K each) into the
// 8-K column pairs ummla wants. A single row has nothing to pair, so it runs
// the dotprod tier (the probe reports i8mm only with dotprod). Tile body,
// shapes and the unsigned x unsigned identity: intx_tile_arm.h.
#include "kernels/arm/intx_arm.h"
#include "kernels/arm/intx_tile_arm.h"

namespace jao::kernels::intx {
namespace {

struct Ummla {
    template <int NBIT, int MR, int NB>
    struct Acc {
        static constexpr int kPairs = (MR + 1) / 2;
        static constexpr int kRegsPerBlock = 8 * kPairs;  // 2 rows x 2 columns per register
        // [pair][block][column pair 0..7]: lanes (r0,c0) (r0,c1) (r1,c0) (r1,c1).
        uint32x4_t v[kPairs][NB][8];

        void zero() {
            for (int p = 0; p < kPairs; ++p)
                for (int j = 0; j < NB; ++j)
                    for (int i = 0; i < 8; ++i) v[p][j][i] = vdupq_n_u32(0);
        }

        void chunk(const uint8_t* const w[NB], const uint8_t* const q[MR]) {
            uint8x16_t act[kPairs][4];  // [pair][h]: K 8h..8h+7 of row 2p, then of row 2p+1
            for (int p = 0; p < kPairs; ++p) {
                const uint8_t* r0 = q[2 * p];
                const uint8_t* r1 = q[2 * p + 1 < MR ? 2 * p + 1 : 2 * p];
                for (int half = 0; half < 2; ++half) {
                    const uint64x2_t x0 = vreinterpretq_u64_u8(vld1q_u8(r0 + 16 * half));
                    const uint64x2_t x1 = vreinterpretq_u64_u8(vld1q_u8(r1 + 16 * half));
                    act[p][2 * half] = vreinterpretq_u8_u64(vzip1q_u64(x0, x1));
                    act[p][2 * half + 1] = vreinterpretq_u8_u64(vzip2q_u64(x0, x1));
                }
            }
            static_for<4>([&]<int H>() {  // vectors 2H and 2H+1: K 8H..8H+7
                for (int j = 0; j < NB; ++j) {
                    const Vec64 lo = unpack_vector<NBIT, 2 * H>(w[j]);
                    const Vec64 hi = unpack_vector<NBIT, 2 * H + 1>(w[j]);
                    for (int i = 0; i < 4; ++i) {
                        const uint32x4_t l = vreinterpretq_u32_u8(lo.q[i]), h = vreinterpretq_u32_u8(hi.q[i]);
                        const uint8x16_t c01 = vreinterpretq_u8_u32(vzip1q_u32(l, h));  // columns 4i, 4i+1 x 8 K
                        const uint8x16_t c23 = vreinterpretq_u8_u32(vzip2q_u32(l, h));  // columns 4i+2, 4i+3
                        for (int p = 0; p < kPairs; ++p) {
                            v[p][j][2 * i] = vmmlaq_u32(v[p][j][2 * i], act[p][H], c01);
                            v[p][j][2 * i + 1] = vmmlaq_u32(v[p][j][2 * i + 1], act[p][H], c23);
                        }
                    }
                }
            });
        }

        void sums(int r, int j, uint32x4_t out[4]) const {
            for (int i = 0; i < 4; ++i) {
                const uint64x2_t c01 = vreinterpretq_u64_u32(v[r / 2][j][2 * i]);
                const uint64x2_t c23 = vreinterpretq_u64_u32(v[r / 2][j][2 * i + 1]);
                out[i] = vreinterpretq_u32_u64(r % 2 == 0 ? vzip1q_u64(c01, c23) : vzip2q_u64(c01, c23));
            }
        }
    };
};

}  // namespace

void tile_i8mm(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    if (mr == 1) return tile_dotprod(L, payload, a, m0, mr, b0, nb, y);
    run_tiles_any_nbit<Ummla>(L, payload, a, m0, mr, b0, nb, y);
}

}  // namespace jao::kernels::intx
