// i8mm multiply-accumulate of the Arm tiles (contract: tile_arm.h): ummla /
// smmla multiply a 2-row x 8-K activation block by an 8-K x 2-column weight
// block, twice the work of a udot. Rows are taken in pairs (an odd last row
// is paired with itself and its copy dropped); zips turn two consecutive
// packed vectors (4 K each) into the 8-K column pairs the instruction wants.
// Only for files built with +i8mm.
#pragma once

#include "kernels/arm/tile_arm.h"

namespace jao::kernels::arm {
namespace {

template <bool Signed>
struct Mmla {
    static uint32x4_t mmla(uint32x4_t acc, uint8x16_t a, uint8x16_t w) {
        if constexpr (Signed)
            return vreinterpretq_u32_s32(
                vmmlaq_s32(vreinterpretq_s32_u32(acc), vreinterpretq_s8_u8(a), vreinterpretq_s8_u8(w)));
        else
            return vmmlaq_u32(acc, a, w);
    }

    template <int NBIT, int MR, int NB>
    struct Acc {
        static constexpr int kPairs = (MR + 1) / 2;
        static constexpr int kRegsPerBlock = 8 * kPairs;  // 2 rows x 2 columns per register
        // [pair][block][column pair 0..7]: lanes (r0,c0) (r0,c1) (r1,c0) (r1,c1).
        uint32x4_t v[kPairs][NB][8] = {};  // each Acc starts a new sum

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
                            v[p][j][2 * i] = mmla(v[p][j][2 * i], act[p][H], c01);
                            v[p][j][2 * i + 1] = mmla(v[p][j][2 * i + 1], act[p][H], c23);
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
}  // namespace jao::kernels::arm
