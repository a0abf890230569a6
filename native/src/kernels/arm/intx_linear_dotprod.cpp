// dotprod tier of the intx linear: udot by element. Each 16-byte quarter of a
// packed vector (4 columns x 4 K) meets one row's 4 activations, picked as a
// lane of a 16-K activation register, in one instruction. Tile body, shapes
// and the unsigned x unsigned identity: intx_tile_arm.h.
#include "kernels/arm/intx_arm.h"
#include "kernels/arm/intx_tile_arm.h"

namespace jao::kernels::intx {
namespace {

struct Udot {
    template <int NBIT, int MR, int NB>
    struct Acc {
        static constexpr int kRegsPerBlock = 4 * MR;
        uint32x4_t v[MR][NB][4];

        void zero() {
            for (int r = 0; r < MR; ++r)
                for (int j = 0; j < NB; ++j)
                    for (int i = 0; i < 4; ++i) v[r][j][i] = vdupq_n_u32(0);
        }

        void chunk(const uint8_t* const w[NB], const uint8_t* const q[MR]) {
            uint8x16_t act[MR][2];  // K 0..15 and 16..31 of the chunk
            for (int r = 0; r < MR; ++r) {
                act[r][0] = vld1q_u8(q[r]);
                act[r][1] = vld1q_u8(q[r] + 16);
            }
            static_for<8>([&]<int V>() {
                for (int j = 0; j < NB; ++j) {
                    const Vec64 u = unpack_vector<NBIT, V>(w[j]);
                    for (int r = 0; r < MR; ++r)
                        for (int i = 0; i < 4; ++i) v[r][j][i] = vdotq_laneq_u32(v[r][j][i], u.q[i], act[r][V / 4], V % 4);
                }
            });
        }

        void sums(int r, int j, uint32x4_t out[4]) const {
            for (int i = 0; i < 4; ++i) out[i] = v[r][j][i];
        }
    };
};

}  // namespace

void tile_dotprod(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
                  float* y) {
    run_tiles_any_nbit<Udot>(L, payload, a, m0, mr, b0, nb, y);
}

}  // namespace jao::kernels::intx
