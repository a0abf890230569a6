// What the weight-only kernels share (wo_gemv_tiles.h, wo_gemm_tiles.h): the
// decoder of a chunk's codes and the group record's scale terms, written once
// over a vector-traits class V whose F holds one 16-column block of fp32 (a zmm
// on AVX-512, two ymm on AVX2, four q registers on NEON). Included only by the
// tier files (x86/wo_*_avx2.cpp, x86/wo_*_avx512*.cpp, arm/wo_linear_neon.cpp),
// which compile it with their own flags and instantiate it with their traits.
//
// V provides: F, I (16 x fp32 / int32), kLut (a 16-entry fp32 table lookup: vpermps),
// tile constants kGemvMr, kGemvNb1 (blocks per GEMV tile at 1 row), kGemvNb
// (more rows), kGemmMr, kGemmNb, kGemvPrefetchMaxBits (the widest codes whose
// one-row GEMV prefetches its streams in software), kSplice (codes of 1 to 7 bits
// may decode by splicing their bits into a float: Decoder) with
// kSpliceGemvMaxRows (the GEMV tiles of up to that many rows do), and the small
// ops used by the kernels (splice only where kSplice; fsub and as_f where kSplice or the
// tier runs the subnormal decode, x86/wo_subnormal_steps.h).
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

#include "kernels/ref/wo_kernels.h"

namespace jao::kernels::wo::tiles {

using pack::BitPiece;
using pack::bit_pieces;
using pack::kWoNr;

// Calls fn(integral_constant<int, J>) for J = 0..N-1, fully unrolled.
template <class Fn, int... J>
[[gnu::always_inline]] inline void unroll_impl(Fn&& fn, std::integer_sequence<int, J...>) {
    (fn(std::integral_constant<int, J>{}), ...);
}
template <int N, class Fn>
[[gnu::always_inline]] inline void unroll(Fn&& fn) {
    unroll_impl(fn, std::make_integer_sequence<int, N>{});
}

// Decodes K step J of a 32-K chunk of one block into 16 fp32 (u - center).
// Two ways for codes of 1 to 7 bits on tiers with kSplice: by splicing
// (get<J, true>) or as the 8-bit ones and the other tiers (get<J, false>); both exact.
template <class V, int NBIT>
struct Decoder {
    using F = typename V::F;
    using I = typename V::I;
    static constexpr bool kCanSplice = V::kSplice && NBIT < 8;
    static constexpr bool kLut = V::kLut && NBIT <= 4;
    F table;   // kLut: table[i] = (i mod 2^NBIT) - center, so bits above NBIT never need masking
    I center, mask;
    float splice_bias[23];  // kCanSplice: 2^(23 - pos) + center for a code at bit pos of its lane

    explicit Decoder(int c) {
        alignas(64) float t[16];
        for (int i = 0; i < 16; ++i) t[i] = static_cast<float>((i & ((1 << NBIT) - 1)) - c);
        table = V::load(t);
        center = V::set1i(c);
        mask = V::set1i((1 << NBIT) - 1);
        for (int pos = 0; pos < 23; ++pos) splice_bias[pos] = static_cast<float>((1 << (23 - pos)) + c);
    }

    // Piece P of K step J moved to its bit position (garbage above it).
    template <int P, int J>
    [[gnu::always_inline]] static I piece(const uint8_t* chunk) {
        constexpr BitPiece bp = bit_pieces(NBIT).piece[P];
        constexpr int per = 32 / bp.width, at = (J % per) * bp.width;
        const I v = V::load_i(chunk + (bp.plane_base + J / per) * pack::kWoPlaneBytes);
        if constexpr (at > bp.shift) return V::template srl<at - bp.shift>(v);
        else if constexpr (at < bp.shift) return V::template sll<bp.shift - at>(v);
        else return v;
    }

    template <int J, bool Splice = kCanSplice>
    [[gnu::always_inline]] F get(const uint8_t* chunk) const {
        static_assert(!Splice || kCanSplice);
        if constexpr (NBIT == 8) {
            return V::cvt(V::sub(V::u8(chunk + J * kWoNr), center));
        } else if constexpr (Splice && pack::bit_pieces(NBIT).count == 1) {
            // The code's bits (at bit pos of the lane) spliced under the exponent of 2^(23 - pos)
            // read as the float 2^(23 - pos) + u; minus 2^(23 - pos) + center that is u - center,
            // exactly: a mask, an or and a subtract where the general way shifts, masks,
            // subtracts and converts. Codes reaching past mantissa bit 22 are first shifted down
            // 12 bits (one shift shared by every such step of a plane).
            constexpr int per = 32 / NBIT, at = (J % per) * NBIT;
            constexpr int lift = at + NBIT > 23 ? 12 : 0, pos = at - lift;
            I v = V::load_i(chunk + (J / per) * pack::kWoPlaneBytes);
            if constexpr (lift > 0) v = V::template srl<lift>(v);
            const I bits = V::splice(v, V::set1i(((1 << NBIT) - 1) << pos), V::set1i((150 - pos) << 23));
            return V::fsub(V::as_f(bits), V::set1(splice_bias[pos]));
        } else if constexpr (Splice) {
            // Two or three pieces (3 = 2 + 1, 5 = 4 + 1, 6 = 4 + 2, 7 = 4 + 2 + 1 bits): each
            // shifted to its place in a code at bit 0, then spliced as above, two ops a piece
            // (mask, or) where the general way selects (three) and then masks, subtracts and
            // converts. g32, one thread, 4096 x 4096 from L3, Zen 3, 2026-12-04, best ms, M=1:
            // int3 1.92 -> 1.81, int5 1.94 -> 1.83, int6 2.01 -> 1.84, int7 3.46 -> 2.77; M=8
            // (GEMM panels) 5.63-5.94 -> 5.08-5.25, int7 7.21 -> 6.84. Written out: a loop over
            // the pieces through unroll() ran the GEMM 5x slower (not inlined there). Splicing
            // the code where its low piece lies (no shift for it) needs constants for each of
            // its positions: they spilled (int3 1.995).
            constexpr auto ps = bit_pieces(NBIT);
            constexpr auto field = [](BitPiece bp) { return ((1 << bp.width) - 1) << bp.shift; };
            I bits = V::splice(piece<1, J>(chunk), V::set1i(field(ps.piece[1])), V::set1i(150 << 23));
            if constexpr (ps.count > 2) bits = V::splice(piece<2, J>(chunk), V::set1i(field(ps.piece[2])), bits);
            bits = V::splice(piece<0, J>(chunk), V::set1i(field(ps.piece[0])), bits);
            return V::fsub(V::as_f(bits), V::set1(splice_bias[0]));
        } else {
            constexpr auto ps = bit_pieces(NBIT);
            I u = piece<0, J>(chunk);
            if constexpr (ps.count > 1) u = V::select(V::set1i((1 << ps.piece[1].shift) - 1), u, piece<1, J>(chunk));
            if constexpr (ps.count > 2) u = V::select(V::set1i((1 << ps.piece[2].shift) - 1), u, piece<2, J>(chunk));
            if constexpr (kLut) return V::lut(u, table);
            else return V::cvt(V::sub(V::and_(u, mask), center));
        }
    }
};

// Scales of a group record (bf16 widened) and the per-group term t = o - s * z.
template <class V>
[[gnu::always_inline]] inline typename V::F rec_scale(const WoLayout& L, const uint8_t* rec) {
    return L.bf16 ? V::bf16(rec + L.scale_off) : V::load(reinterpret_cast<const float*>(rec + L.scale_off));
}
template <class V>
[[gnu::always_inline]] inline typename V::F rec_t(const WoLayout& L, const uint8_t* rec, typename V::F s) {
    const auto o = L.has_off ? V::load(reinterpret_cast<const float*>(rec + L.off_off)) : V::zero();
    if (!L.has_zp) return o;
    return V::fnma(s, V::cvt(V::load_i(rec + L.zp_off)), o);
}

inline int cols_of(const WoLayout& L, int64_t b) { return static_cast<int>(std::min<int64_t>(kWoNr, L.n - b * kWoNr)); }

}  // namespace jao::kernels::wo::tiles
