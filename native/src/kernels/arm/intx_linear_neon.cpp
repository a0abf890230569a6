// NEON tier of the intx linear (Armv8.0, no dot product instructions): per
// 16-byte quarter of a packed vector (4 columns x 4 K), umull / umull2 with
// the row's 4 activations repeated, then pairwise widening adds into one
// int32 per column. Tile body, shapes and the unsigned x unsigned identity:
// intx_tile_arm.h.
#include "kernels/arm/intx_arm.h"
#include "kernels/arm/intx_tile_arm.h"

namespace jao::kernels::intx {
namespace {

struct Umull {
    // nbit <= 7: u_w <= 127, so two u8 x u8 products still fit a u16 lane and
    // vpaddq_u16 can fold the pairs before widening: one register per 4 columns.
    // nbit 8: two registers per 4 columns (K pairs 0+1 and 2+3 kept apart), folded in sums().
    template <int NBIT, int MR, int NB>
    struct Acc {
        static constexpr int kRegs = NBIT == 8 ? 8 : 4;  // per row and block
        static constexpr int kRegsPerBlock = kRegs * MR;
        uint32x4_t v[MR][NB][kRegs];

        void zero() {
            for (int r = 0; r < MR; ++r)
                for (int j = 0; j < NB; ++j)
                    for (int i = 0; i < kRegs; ++i) v[r][j][i] = vdupq_n_u32(0);
        }

        void chunk(const uint8_t* const w[NB], const uint8_t* const q[MR]) {
            uint8x16_t act[MR][2];  // K 0..15 and 16..31 of the chunk
            for (int r = 0; r < MR; ++r) {
                act[r][0] = vld1q_u8(q[r]);
                act[r][1] = vld1q_u8(q[r] + 16);
            }
            static_for<8>([&]<int V>() {
                uint8x16_t quad[MR];  // the row's K 4V..4V+3, four times
                for (int r = 0; r < MR; ++r)
                    quad[r] = vreinterpretq_u8_u32(vdupq_laneq_u32(vreinterpretq_u32_u8(act[r][V / 4]), V % 4));
                for (int j = 0; j < NB; ++j) {
                    const Vec64 u = unpack_vector<NBIT, V>(w[j]);
                    for (int r = 0; r < MR; ++r)
                        for (int i = 0; i < 4; ++i) {
                            // lo: columns 4i, 4i+1; hi: 4i+2, 4i+3 (4 u16 products each).
                            const uint16x8_t lo = vmull_u8(vget_low_u8(u.q[i]), vget_low_u8(quad[r]));
                            const uint16x8_t hi = vmull_high_u8(u.q[i], quad[r]);
                            if constexpr (NBIT == 8) {
                                v[r][j][2 * i] = vpadalq_u16(v[r][j][2 * i], lo);
                                v[r][j][2 * i + 1] = vpadalq_u16(v[r][j][2 * i + 1], hi);
                            } else {
                                v[r][j][i] = vpadalq_u16(v[r][j][i], vpaddq_u16(lo, hi));
                            }
                        }
                }
            });
        }

        void sums(int r, int j, uint32x4_t out[4]) const {
            for (int i = 0; i < 4; ++i)
                out[i] = NBIT == 8 ? vpaddq_u32(v[r][j][2 * i], v[r][j][2 * i + 1]) : v[r][j][i];
        }
    };
};

}  // namespace

void tile_neon(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    run_tiles_any_nbit<Umull>(L, payload, a, m0, mr, b0, nb, y);
}

}  // namespace jao::kernels::intx
