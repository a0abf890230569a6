// The intx tile of every Arm tier, written once: the group loop, the integer
// correction and the fixed fp32 epilogue of the contract
// (kernels/ref/intx_kernels.h). A tier supplies only its multiply-accumulate
// policy (tile_arm.h, with Signed = false) and includes this header from its
// own .cpp, compiled with that tier's -march (hence internal linkage only:
// tile_arm.h says why).
//
// Why every tier multiplies unsigned by unsigned: the workspace holds
// u_a = q_act + 128 and the packed weights hold unsigned u_w (nbit <= 7:
// q + 2^(nbit-1); nbit 8: the int8 byte, xor 0x80 gives q + 128). The
// contract's weight is w = u_w - c, c = that offset (2^(nbit-1), 128 for
// nbit 8) + the folded zero point (nbit <= 7) per column, so
//   D[g] = sum_k u_a * w = sum_k u_a * u_w  -  c * S[g],   S[g] = sum_k u_a = A[g] + uz * group_size
// (padding K has u_a = 0 and adds to neither sum). The K loop is a plain
// u8 x u8 dot product (udot, ummla, umull) with no per-byte subtract, and the
// correction is one multiply-subtract per output and group. The arithmetic is
// modulo 2^32; the true D (and mode X's I) fits int32, so the wrapped result
// is exact and every tier stays bit-identical to the scalar one.
#pragma once

#include <cstring>

#include "kernels/arm/tile_arm.h"
#include "kernels/ref/intx_kernels.h"

namespace jao::kernels::intx {
namespace {

using arm::kChunkK;
using arm::kNr;
using arm::run_tiles;
using arm::static_for;

inline float32x4_t load_f32(const uint8_t* p) { return vreinterpretq_f32_u8(vld1q_u8(p)); }

// Scales of the 16 columns of a group record (bf16 widens exactly by a shift).
inline void load_scales(const IntxLayout& L, const uint8_t* rec, float32x4_t s[4]) {
    for (int i = 0; i < 4; ++i)
        s[i] = L.bf16 ? vreinterpretq_f32_u32(vshll_n_u16(vreinterpret_u16_u8(vld1_u8(rec + L.scale_off + 8 * i)), 16))
                      : load_f32(rec + L.scale_off + 16 * i);
}

// Sign-extended int8 x 16 (zero points) as four int32x4.
inline void widen_s8(const uint8_t* p, int32x4_t out[4]) {
    const int8x16_t b = vreinterpretq_s8_u8(vld1q_u8(p));
    const int16x8_t lo = vmovl_s8(vget_low_s8(b)), hi = vmovl_high_s8(b);
    out[0] = vmovl_s16(vget_low_s16(lo));
    out[1] = vmovl_high_s16(lo);
    out[2] = vmovl_s16(vget_low_s16(hi));
    out[3] = vmovl_high_s16(hi);
}

template <class Mac, int NBIT, int MR, int NB>
void tile(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int64_t b0, float* y) {
    const uint8_t* blk[NB];
    for (int j = 0; j < NB; ++j) blk[j] = payload + (b0 + j) * L.block_bytes;
    const uint8_t* qrow[MR];
    const float* info[MR];
    for (int r = 0; r < MR; ++r) {
        qrow[r] = a.q + (m0 + r) * L.kpad;
        info[r] = a.info + (m0 + r) * a.info_stride;
    }
    const bool exact = NBIT == 8 && L.exact_zp();
    // c of the header comment without the zero point: the unsigned weights' offset.
    const int32x4_t offset = vdupq_n_s32(NBIT == 8 ? 128 : L.weight_offset());
    const int32_t group_size = static_cast<int32_t>(L.group_size);

    float32x4_t facc[MR][NB][4];
    for (int r = 0; r < MR; ++r)
        for (int j = 0; j < NB; ++j)
            for (int i = 0; i < 4; ++i) facc[r][j][i] = vdupq_n_f32(0.0f);

    for (int64_t g = 0; g < L.groups; ++g) {
        const int64_t gofs = g * L.group_bytes;
        typename Mac::template Acc<NBIT, MR, NB> acc;
        for (int64_t ch = 0; ch < L.chunks; ++ch) {
            const uint8_t* w[NB];
            const uint8_t* q[MR];
            for (int j = 0; j < NB; ++j) w[j] = blk[j] + gofs + ch * L.chunk_bytes;
            for (int r = 0; r < MR; ++r) q[r] = qrow[r] + g * L.gpad + ch * kChunkK;
            acc.chunk(w, q);
        }
        for (int j = 0; j < NB; ++j) {
            const uint8_t* rec = blk[j] + gofs;
            float32x4_t s[4];
            load_scales(L, rec, s);
            int32x4_t c[4], zw[4], wsum[4];
            if (L.has_zp) widen_s8(rec + L.zp_off, zw);
            else zw[0] = zw[1] = zw[2] = zw[3] = vdupq_n_s32(0);
            for (int i = 0; i < 4; ++i) {
                c[i] = L.folded_zp() ? vaddq_s32(offset, zw[i]) : offset;
                wsum[i] = exact ? vreinterpretq_s32_u8(vld1q_u8(rec + L.wsum_off + 16 * i)) : vdupq_n_s32(0);
            }
            for (int r = 0; r < MR; ++r) {
                const int32_t A = info_int(info[r], kInfoA + g), uz = info_int(info[r], kInfoUzInt);
                const int32x4_t S = vdupq_n_s32(A + uz * group_size);
                uint32x4_t sums[4];
                acc.sums(r, j, sums);
                for (int i = 0; i < 4; ++i) {
                    int32x4_t d = vmlsq_s32(vreinterpretq_s32_u32(sums[i]), c[i], S);
                    if (exact) {  // mode X: I = D - uz * sum_k q - zw * A
                        d = vmlsq_s32(d, wsum[i], vdupq_n_s32(uz));
                        d = vmlsq_s32(d, zw[i], vdupq_n_s32(A));
                    }
                    facc[r][j][i] = vfmaq_f32(facc[r][j][i], s[i], vcvtq_f32_s32(d));
                }
            }
        }
    }

    for (int j = 0; j < NB; ++j) {
        const int64_t col0 = (b0 + j) * kNr;
        const int64_t cols = L.n - col0 < kNr ? L.n - col0 : kNr;
        float32x4_t w1[4], bias[4];
        for (int i = 0; i < 4; ++i) {
            w1[i] = load_f32(blk[j] + L.w1_off + 16 * i);
            bias[i] = L.has_bias ? load_f32(blk[j] + L.bias_off + 16 * i) : vdupq_n_f32(0.0f);
        }
        for (int r = 0; r < MR; ++r) {
            const float32x4_t uz = vdupq_n_f32(info[r][kInfoUz]), sa = vdupq_n_f32(info[r][kInfoScale]);
            float out[kNr];
            for (int i = 0; i < 4; ++i) {
                // fma(-uz, W1, acc) == acc - uz * W1 fused (negation is exact).
                const float32x4_t t = L.exact_zp() ? facc[r][j][i] : vfmsq_f32(facc[r][j][i], uz, w1[i]);
                vst1q_f32(out + 4 * i, vfmaq_f32(bias[i], t, sa));
            }
            std::memcpy(y + (m0 + r) * L.n + col0, out, sizeof(float) * static_cast<size_t>(cols));
        }
    }
}

template <class Mac>
void run_tiles_any_nbit(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0,
                        int nb, float* y) {
    static_for<8>([&]<int I>() {
        constexpr int NBIT = I + 1;
        if (L.nbit == NBIT)
            run_tiles<Mac, NBIT>(
                [&]<int MR, int NB>(int64_t m, int64_t b) { tile<Mac, NBIT, MR, NB>(L, payload, a, m, b, y); }, m0, mr,
                b0, nb);
    });
}

}  // namespace
}  // namespace jao::kernels::intx
