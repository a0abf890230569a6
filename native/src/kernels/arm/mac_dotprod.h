// dotprod multiply-accumulate of the Arm tiles (contract: tile_arm.h): udot /
// sdot by element. Each 16-byte quarter of a packed vector (4 columns x 4 K)
// meets one row's 4 activations, picked as a lane of a 16-K activation
// register, in one instruction. Only for files built with +dotprod.
#pragma once

#include "kernels/arm/tile_arm.h"

namespace jao::kernels::arm {
namespace {

template <bool Signed>
struct Dot {
    // acc + per 32-bit lane the dot product of w's 4 bytes with bytes 4L..4L+3 of a.
    template <int L>
    static uint32x4_t dot_lane(uint32x4_t acc, uint8x16_t w, uint8x16_t a) {
        if constexpr (Signed)
            return vreinterpretq_u32_s32(vdotq_laneq_s32(vreinterpretq_s32_u32(acc), vreinterpretq_s8_u8(w),
                                                         vreinterpretq_s8_u8(a), L));
        else
            return vdotq_laneq_u32(acc, w, a, L);
    }

    template <int NBIT, int MR, int NB>
    struct Acc {
        static constexpr int kRegsPerBlock = 4 * MR;
        uint32x4_t v[MR][NB][4] = {};  // each Acc starts a new sum

        void chunk(const uint8_t* const w[NB], const uint8_t* const q[MR]) {
            Act32 act[MR];
            for (int r = 0; r < MR; ++r) act[r] = load_act32(q[r]);
            static_for<8>([&]<int V>() {
                for (int j = 0; j < NB; ++j) {
                    const Vec64 u = unpack_vector<NBIT, V>(w[j]);
                    for (int r = 0; r < MR; ++r)
                        for (int i = 0; i < 4; ++i)
                            v[r][j][i] = dot_lane<V % 4>(v[r][j][i], u.q[i], act[r].half[V / 4]);
                }
            });
        }

        void sums(int r, int j, uint32x4_t out[4]) const {
            for (int i = 0; i < 4; ++i) out[i] = v[r][j][i];
        }
    };
};

}  // namespace
}  // namespace jao::kernels::arm
