// The tile of every Arm intx tier, written once: weight unpacking, the group
// loop, the integer correction and the fixed fp32 epilogue of the contract
// (kernels/ref/intx_kernels.h). A tier supplies only its multiply-accumulate
// policy (a "Mac", below) and includes this header from its own .cpp, which
// is compiled with that tier's -march. Everything here therefore has internal
// linkage (and calls no std:: inline template): an inline function with
// external linkage could be merged by the linker into one copy compiled for
// i8mm and then run on a NEON-only CPU.
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
//
// A Mac provides
//   template <int NBIT, int MR, int NB> struct Acc {  MR rows x NB blocks of int32 sums
//       static constexpr int kRegsPerBlock;                                 accumulator registers per block
//       void zero();
//       void chunk(const uint8_t* const w[NB], const uint8_t* const q[MR]);  one 32-K chunk
//       void sums(int r, int j, uint32x4_t out[4]) const;                   columns 0-3 .. 12-15
//   };
#pragma once

#include <arm_neon.h>

#include <cstring>
#include <utility>

#include "kernels/ref/intx_kernels.h"

namespace jao::kernels::intx {
namespace {

using pack::kChunkK;
using pack::kNr;
using pack::kVecBytes;

// Calls f.template operator()<I>() for I = 0..N-1 (lane and shift immediates must be constants).
template <int N, class F>
inline void static_for(F&& f) {
    [&]<int... I>(std::integer_sequence<int, I...>) { (f.template operator()<I>(), ...); }
    (std::make_integer_sequence<int, N>{});
}

// One packed vector: 16 columns x 4 K, column c in bytes 4c..4c+3, as four
// registers of 4 columns each.
struct Vec64 {
    uint8x16_t q[4];
};

// Unsigned weights u_w of vector V (0..7) of a chunk (layout: pack/README.md).
template <int NBIT, int V>
inline Vec64 unpack_vector(const uint8_t* chunk) {
    Vec64 u;
    if constexpr (NBIT == 8) {
        for (int i = 0; i < 4; ++i) u.q[i] = veorq_u8(vld1q_u8(chunk + V * kVecBytes + 16 * i), vdupq_n_u8(0x80));
    } else {
        constexpr pack::BitPieces ps = pack::bit_pieces(NBIT);
        static_for<ps.count>([&]<int P>() {
            constexpr pack::BitPiece bp = ps.piece[P];
            constexpr int per = 8 / bp.width;
            constexpr int s = (V % per) * bp.width;  // bit of the field in its plane byte
            constexpr uint8_t mask = ((1 << bp.width) - 1) << bp.shift;
            // Only the plane's top field shifted down to bit 0 needs no mask.
            constexpr bool masked = !(bp.shift == 0 && s + bp.width == 8);
            const uint8_t* plane = chunk + (bp.plane_base + V / per) * kVecBytes;
            for (int i = 0; i < 4; ++i) {
                uint8x16_t f = vld1q_u8(plane + 16 * i);
                if constexpr (s > bp.shift) f = vshrq_n_u8(f, s - bp.shift);
                if constexpr (s < bp.shift) f = vshlq_n_u8(f, bp.shift - s);
                if constexpr (masked) f = vandq_u8(f, vdupq_n_u8(mask));
                u.q[i] = P == 0 ? f : vorrq_u8(u.q[i], f);
            }
        });
    }
    return u;
}

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
        acc.zero();
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

// Accumulator registers of one 16-column block of an MR-row tile.
template <class Mac, int NBIT, int MR>
constexpr int kAccRegs = Mac::template Acc<NBIT, MR, 1>::kRegsPerBlock;
// Tile shapes: at most half of the 32 vector registers hold accumulators (the
// rest hold unpacked weights, activations and scales). Rows per tile: up to 4;
// blocks per tile: the widest of 4 / 2 / 1.
template <class Mac, int NBIT>
constexpr int kMaxRows = kAccRegs<Mac, NBIT, 4> <= 16 ? 4 : kAccRegs<Mac, NBIT, 3> <= 16 ? 3
                       : kAccRegs<Mac, NBIT, 2> <= 16 ? 2 : 1;
template <class Mac, int NBIT, int MR>
constexpr int kBlocks = 4 * kAccRegs<Mac, NBIT, MR> <= 16 ? 4 : 2 * kAccRegs<Mac, NBIT, MR> <= 16 ? 2 : 1;

template <class Mac, int NBIT, int MR>
void run_blocks(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int64_t b0, int nb, float* y) {
    constexpr int NB = kBlocks<Mac, NBIT, MR>;
    int64_t b = b0;
    const int64_t end = b0 + nb;
    for (; end - b >= NB; b += NB) tile<Mac, NBIT, MR, NB>(L, payload, a, m0, b, y);
    if constexpr (NB == 4)
        if (end - b >= 2) {
            tile<Mac, NBIT, MR, 2>(L, payload, a, m0, b, y);
            b += 2;
        }
    if constexpr (NB > 1)
        for (; b < end; ++b) tile<Mac, NBIT, MR, 1>(L, payload, a, m0, b, y);
}

// Rows [m0, m0+mr) x blocks [b0, b0+nb) as tiles of at most kMaxRows rows.
template <class Mac, int NBIT>
void run_tiles(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    constexpr int R = kMaxRows<Mac, NBIT>;
    for (; mr > 0;) {
        const int rows = mr < R ? mr : R;
        static_for<R>([&]<int I>() {
            if (rows == I + 1) run_blocks<Mac, NBIT, I + 1>(L, payload, a, m0, b0, nb, y);
        });
        m0 += rows;
        mr -= rows;
    }
}

template <class Mac>
void run_tiles_any_nbit(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0,
                        int nb, float* y) {
    static_for<8>([&]<int I>() {
        if (L.nbit == I + 1) run_tiles<Mac, I + 1>(L, payload, a, m0, mr, b0, nb, y);
    });
}

}  // namespace
}  // namespace jao::kernels::intx
