// The block-sum tile of every Arm tier of the KleidiAI-layout matmul, written once.
// A tier supplies a multiply-accumulate policy (a "Mac") and includes this header from
// its own .cpp, compiled with that tier's -march; everything here has internal linkage
// so no copy built for a higher tier can be merged into a lower one.
//
// Why one loop serves every (mr, nr, kl): in both packed operands a "segment" is kl
// consecutive k values of one row, rows after each other (LHS: mr rows, RHS: nr rows;
// the 4-bit RHS holds k and k+16 of a 32-k chunk in one byte). A 16-byte RHS vector
// thus holds 16/kl rows x kl values, and the LHS segment of row x repeated 16/kl times
// lines up with it: sdot semantics (each int32 lane sums 4 byte products) give per
// lane a partial sum of one column, and lanes of the same column are added at the end.
// The 4-bit nibbles are widened as 16 * q (low: shift left 4; high: mask 0xF0), so the
// 4-bit sums are 16 * I, divided back exactly by an arithmetic shift (every lane is a
// multiple of 16). All integer sums are exact (|I| < 2^31 for k <= kMaxK), hence every
// tier is bit-identical to block_sums_scalar.
//
// A Mac provides
//   template <int KL, int R, int NV> struct Acc {      R LHS rows x NV RHS vectors
//       void zero();
//       void step(const uint8_t* const lhs[R], const int8x16_t b[NV]);  one segment
//       void store(int32_t* sums, int nr, int v0, bool shift4) const;   adds into sums
//   };
//   static constexpr bool has_kl(int kl);                               kl = kr / sr it handles
#pragma once

#include <arm_neon.h>

#include <cstring>
#include <utility>

#include "kernels/kai/kai_matmul.h"

namespace jao::kernels::kai {
namespace {

// Calls f.template operator()<I>() for I = 0..N-1.
template <int N, class F>
inline void static_for(F&& f) {
    [&]<int... I>(std::integer_sequence<int, I...>) { (f.template operator()<I>(), ...); }
    (std::make_integer_sequence<int, N>{});
}

// Adds lane i of each accumulator to the column its bytes belong to.
template <int KL>
inline void add_lanes(int32x4_t a, int32_t* row_sums, int vector, bool shift4) {
    if (shift4) a = vshrq_n_s32(a, 4);
    int32_t lane[4];
    vst1q_s32(lane, a);
    for (int i = 0; i < 4; ++i) row_sums[(16 * vector + 4 * i) / KL] += lane[i];
}

template <class Mac, int KL, int R, int NV>
void tile(const Geometry& g, const uint8_t* lp, int x0, const uint8_t* block, int64_t seg0, int v0, int32_t* sums) {
    typename Mac::template Acc<KL, R, NV> acc;
    acc.zero();
    const int64_t seg_bytes = int64_t{g.nr} * KL;
    const uint8_t* lhs[R];
    auto lhs_segment = [&](int64_t j) {
        for (int x = 0; x < R; ++x) lhs[x] = lp + (j * g.mr + x0 + x) * KL;
    };
    int8x16_t b[NV];
    if (g.nibbles()) {
        constexpr int kSegs = 16 / KL;  // segments per 32-k chunk
        for (int64_t ch = 0; ch < g.block_k / 32; ++ch)
            for (int s = 0; s < kSegs; ++s) {
                const uint8_t* rv = block + ch * 16 * g.nr + s * seg_bytes + 16 * v0;
                int8x16_t raw[NV];
                for (int v = 0; v < NV; ++v) {
                    raw[v] = vld1q_s8(reinterpret_cast<const int8_t*>(rv + 16 * v));
                    b[v] = vshlq_n_s8(raw[v], 4);  // low nibbles: k = base + s*kl + t
                }
                const int64_t j = seg0 + ch * (32 / KL) + s;
                lhs_segment(j);
                acc.step(lhs, b);
                for (int v = 0; v < NV; ++v) b[v] = vandq_s8(raw[v], vdupq_n_s8(static_cast<int8_t>(0xF0)));
                lhs_segment(j + kSegs);  // high nibbles: k + 16
                acc.step(lhs, b);
            }
    } else {
        for (int64_t j = 0; j < g.block_k / KL; ++j) {
            const uint8_t* rv = block + j * seg_bytes + 16 * v0;
            for (int v = 0; v < NV; ++v) b[v] = vld1q_s8(reinterpret_cast<const int8_t*>(rv + 16 * v));
            lhs_segment(seg0 + j);
            acc.step(lhs, b);
        }
    }
    acc.store(sums, g.nr, v0, g.nibbles());
}

// All vectors of a segment (nr * kl / 16 of them) in groups of up to 4.
template <class Mac, int KL, int R>
void row_tile(const Geometry& g, const uint8_t* lp, int x0, const uint8_t* block, int64_t seg0, int32_t* sums) {
    const int vectors = g.nr * KL / 16;
    for (int v0 = 0; v0 < vectors; v0 += 4) {
        const int nv = vectors - v0 < 4 ? vectors - v0 : 4;
        static_for<4>([&]<int I>() {
            if (nv == I + 1) tile<Mac, KL, R, I + 1>(g, lp, x0, block, seg0, v0, sums);
        });
    }
}

template <class Mac, int KL>
void block_sums_kl(const Geometry& g, const uint8_t* lp, int x0, int rows, const uint8_t* rp, int64_t block,
                   int32_t* sums) {
    const uint8_t* data = rp + block * g.block_bytes;
    const int64_t seg0 = block * g.block_k / KL;  // LHS segment of the block's first k
    static_for<kTileRows>([&]<int I>() {
        if (rows == I + 1) row_tile<Mac, KL, I + 1>(g, lp, x0, data, seg0, sums);
    });
}

// The BlockSums of a tier; the caller checked Mac::has_kl(g.kl).
template <class Mac>
void block_sums(const Geometry& g, const uint8_t* lp, int x0, int rows, const uint8_t* rp, int64_t block,
                int32_t* sums) {
    std::memset(sums, 0, sizeof(int32_t) * static_cast<size_t>(rows * g.nr));
    if constexpr (Mac::has_kl(4))
        if (g.kl == 4) return block_sums_kl<Mac, 4>(g, lp, x0, rows, rp, block, sums);
    if constexpr (Mac::has_kl(16))
        if (g.kl == 16) return block_sums_kl<Mac, 16>(g, lp, x0, rows, rp, block, sums);
    block_sums_kl<Mac, 8>(g, lp, x0, rows, rp, block, sums);
}

// Mac of the neon and dotprod tiers: one accumulator per (row, vector) with sdot
// semantics; Dot::dot(acc, a, b) adds to lane i the 4 products of bytes 4i..4i+3.
template <class Dot>
struct LaneDotMac {
    static constexpr bool has_kl(int kl) { return kl == 4 || kl == 8 || kl == 16; }

    template <int KL, int R, int NV>
    struct Acc {
        int32x4_t a[R][NV];

        void zero() {
            for (int x = 0; x < R; ++x)
                for (int v = 0; v < NV; ++v) a[x][v] = vdupq_n_s32(0);
        }

        // The kl LHS values of a segment repeated over 16 bytes.
        static int8x16_t pattern(const uint8_t* p) {
            if constexpr (KL == 16) {
                return vld1q_s8(reinterpret_cast<const int8_t*>(p));
            } else if constexpr (KL == 8) {
                uint64_t u;
                std::memcpy(&u, p, 8);
                return vreinterpretq_s8_u64(vdupq_n_u64(u));
            } else {
                uint32_t u;
                std::memcpy(&u, p, 4);
                return vreinterpretq_s8_u32(vdupq_n_u32(u));
            }
        }

        void step(const uint8_t* const lhs[R], const int8x16_t b[NV]) {
            for (int x = 0; x < R; ++x) {
                const int8x16_t p = pattern(lhs[x]);
                for (int v = 0; v < NV; ++v) a[x][v] = Dot::dot(a[x][v], b[v], p);
            }
        }

        void store(int32_t* sums, int nr, int v0, bool shift4) const {
            for (int x = 0; x < R; ++x)
                for (int v = 0; v < NV; ++v) add_lanes<KL>(a[x][v], sums + x * nr, v0 + v, shift4);
        }
    };
};

}  // namespace
}  // namespace jao::kernels::kai
