// Armv8.0 multiply-accumulate of the Arm tiles (contract: tile_arm.h; no dot
// product instructions): per 16-byte quarter of a packed vector (4 columns x
// 4 K), umull / smull (and their high halves) with the row's 4 activations
// repeated, then pairwise widening adds into one 32-bit sum per column.
#pragma once

#include "kernels/arm/tile_arm.h"

namespace jao::kernels::arm {
namespace {

template <bool Signed>
struct Mull {
    // acc + pairwise sums of the 8 products of the low (HI false) or high halves of w and a.
    template <bool HI>
    static uint32x4_t mul_pairs(uint32x4_t acc, uint8x16_t w, uint8x16_t a) {
        if constexpr (Signed) {
            const int8x16_t ws = vreinterpretq_s8_u8(w), as = vreinterpretq_s8_u8(a);
            const int16x8_t p = HI ? vmull_high_s8(ws, as) : vmull_s8(vget_low_s8(ws), vget_low_s8(as));
            return vreinterpretq_u32_s32(vpadalq_s16(vreinterpretq_s32_u32(acc), p));
        } else {
            return vpadalq_u16(acc, HI ? vmull_high_u8(w, a) : vmull_u8(vget_low_u8(w), vget_low_u8(a)));
        }
    }

    // Unsigned with u_w <= 127 (nbit <= 7): two u8 x u8 products still fit a
    // u16 lane, so vpaddq_u16 folds the pairs before widening: one register
    // per 4 columns. Otherwise (unsigned nbit 8; signed, where two
    // (-128) x (-128) products overflow s16) two registers per 4 columns
    // (K pairs 0+1 and 2+3 kept apart), folded in sums().
    template <int NBIT, int MR, int NB>
    struct Acc {
        static constexpr bool kFold = !Signed && NBIT <= 7;
        static constexpr int kRegs = kFold ? 4 : 8;  // per row and block
        static constexpr int kRegsPerBlock = kRegs * MR;
        uint32x4_t v[MR][NB][kRegs] = {};  // each Acc starts a new sum

        void chunk(const uint8_t* const w[NB], const uint8_t* const q[MR]) {
            Act32 act[MR];
            for (int r = 0; r < MR; ++r) act[r] = load_act32(q[r]);
            static_for<8>([&]<int V>() {
                uint8x16_t quad[MR];  // the row's K 4V..4V+3, four times
                for (int r = 0; r < MR; ++r)
                    quad[r] = vreinterpretq_u8_u32(vdupq_laneq_u32(vreinterpretq_u32_u8(act[r].half[V / 4]), V % 4));
                for (int j = 0; j < NB; ++j) {
                    const Vec64 u = unpack_vector<NBIT, V>(w[j]);
                    for (int r = 0; r < MR; ++r)
                        for (int i = 0; i < 4; ++i) {
                            // low half: columns 4i, 4i+1; high half: 4i+2, 4i+3 (4 products each).
                            if constexpr (kFold) {
                                const uint16x8_t lo = vmull_u8(vget_low_u8(u.q[i]), vget_low_u8(quad[r]));
                                const uint16x8_t hi = vmull_high_u8(u.q[i], quad[r]);
                                v[r][j][i] = vpadalq_u16(v[r][j][i], vpaddq_u16(lo, hi));
                            } else {
                                v[r][j][2 * i] = mul_pairs<false>(v[r][j][2 * i], u.q[i], quad[r]);
                                v[r][j][2 * i + 1] = mul_pairs<true>(v[r][j][2 * i + 1], u.q[i], quad[r]);
                            }
                        }
                }
            });
        }

        void sums(int r, int j, uint32x4_t out[4]) const {
            for (int i = 0; i < 4; ++i) out[i] = kFold ? v[r][j][i] : vpaddq_u32(v[r][j][2 * i], v[r][j][2 * i + 1]);
        }
    };
};

}  // namespace
}  // namespace jao::kernels::arm
