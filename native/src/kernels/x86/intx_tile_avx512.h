// The AVX-512 VNNI tile of the intx linear, shared by the tier's file
// (intx_linear_avx512vnni.cpp) and its GFNI GEMV (intx_gemv_avx512gfni.cpp, the
// one-row tiles on CPUs with GFNI). One template over bit width, rows (MR) and
// 16-column blocks (NB): per 4 K, each unpacked weight vector (16 columns x 4 K,
// s8) meets MR broadcast activation quads (u8) in MR x NB vpdpbusd int32
// accumulators; per group the int32 sums are scaled into fp32 accumulators in
// the fixed contract order. Include only from files built with the tier's flags.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "kernels/stream_prefetch.h"
#include "kernels/x86/activation_quad.h"
#include "kernels/x86/intx_linear.h"

namespace jao::kernels::intx::avx512 {

using pack::kChunkK;
using pack::kNr;
using pack::kVecBytes;

// GF(2) affine map (vgf2p8affineqb) taking piece P of an NBIT code, stored in
// the plane byte at bit s, to its bits of the s8 weight q = u - 2^(NBIT-1): the
// piece holding the code's top bit also fills bits NBIT-1..7 with that bit
// inverted (the offset's removal and q's sign extension, one XOR constant:
// gfni_constant). Row i of the matrix (output bit i) is byte 7 - i.
template <int NBIT, int P, int S>
constexpr uint64_t gfni_matrix() {
    constexpr pack::BitPiece bp = pack::bit_pieces(NBIT).piece[P];
    constexpr bool top_piece = bp.shift + bp.width == NBIT;
    uint64_t m = 0;
    for (int i = bp.shift; i < 8; ++i) {
        if (i >= bp.shift + bp.width && !top_piece) break;
        const int in = S + std::min(i, NBIT - 1) - bp.shift;  // the top bit feeds every higher bit
        m |= uint64_t{1} << in << (8 * (7 - i));
    }
    return m;
}
template <int NBIT, int P>
constexpr int gfni_constant() {
    constexpr pack::BitPiece bp = pack::bit_pieces(NBIT).piece[P];
    return bp.shift + bp.width == NBIT ? (0xFF << (NBIT - 1)) & 0xFF : 0;
}

// How a tile turns the stored unsigned codes u = q + offset of 1..7-bit weights
// into s8 weights.
enum class Unpack {
    kShiftMask,  // per piece and vector a shift and a mask, then u - sub (sub = offset, or
                 // offset + folded zero point per column): these bound the 2- and 3-bit
                 // GEMV on a host whose cores are shared (2026-12-02)
    kGfni,       // one vgf2p8affineqb per piece maps u straight to q (CPUs with GFNI)
    kGfniZp,     // the same, then q - zw (folded zero points: sub = zw per column)
};

// Vector V (0..7) of a chunk as s8 weights (8-bit weights are stored as such):
// per bit piece its plane's field, by shift and mask (u) or by the GF(2) affine
// map (q), the pieces OR-ed together, then sub taken off (shift-mask: offset
// (+ zw); kGfniZp: zw).
template <int NBIT, int V, Unpack U>
inline __m512i unpack_vector(const uint8_t* chunk, __m512i sub) {
    if constexpr (NBIT == 8) {
        return _mm512_loadu_si512(chunk + V * kVecBytes);
    } else {
        constexpr pack::BitPieces ps = pack::bit_pieces(NBIT);
        __m512i v = _mm512_setzero_si512();
        [&]<int... P>(std::integer_sequence<int, P...>) {
            (([&] {
                 constexpr pack::BitPiece bp = ps.piece[P];
                 constexpr int per = 8 / bp.width;
                 constexpr int s = (V % per) * bp.width;  // bit of the field in its plane byte
                 const __m512i plane = _mm512_loadu_si512(chunk + (bp.plane_base + V / per) * kVecBytes);
                 __m512i f;
                 if constexpr (U != Unpack::kShiftMask) {
                     // Named first: clang's intrinsic is a macro, and template arguments hold commas.
                     constexpr uint64_t matrix = gfni_matrix<NBIT, P, s>();
                     constexpr int constant = gfni_constant<NBIT, P>();
                     const __m512i m = _mm512_set1_epi64(static_cast<long long>(matrix));
                     f = _mm512_gf2p8affine_epi64_epi8(plane, m, constant);
                 } else {
                     constexpr int mask = ((1 << bp.width) - 1) << bp.shift;
                     if constexpr (s > bp.shift)
                         f = _mm512_srli_epi16(plane, s - bp.shift);
                     else if constexpr (s < bp.shift)
                         f = _mm512_slli_epi16(plane, bp.shift - s);
                     else
                         f = plane;
                     f = _mm512_and_si512(f, _mm512_set1_epi8(static_cast<char>(mask)));
                 }
                 v = ps.count == 1 ? f : _mm512_or_si512(v, f);
             }()),
             ...);
        }(std::make_integer_sequence<int, ps.count>{});
        return U == Unpack::kGfni ? v : _mm512_sub_epi8(v, sub);
    }
}

// Bytes offset + zw[c] for the 4 K of each of the 16 columns (folded zero points).
inline __m512i folded_sub(const uint8_t* zw16, int offset) {
    __m512i z = _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(zw16)));
    const __m512i idx = _mm512_set_epi32(0x0F0F0F0F, 0x0E0E0E0E, 0x0D0D0D0D, 0x0C0C0C0C, 0x0B0B0B0B, 0x0A0A0A0A,
                                         0x09090909, 0x08080808, 0x07070707, 0x06060606, 0x05050505, 0x04040404,
                                         0x03030303, 0x02020202, 0x01010101, 0x00000000);
    // Byte p of the result is column p/4; every 128-bit lane holds all 16 zero points, so the
    // in-lane vpshufb index is simply p/4.
    return _mm512_add_epi8(_mm512_shuffle_epi8(z, idx), _mm512_set1_epi8(static_cast<char>(offset)));
}

inline __m512 load_scales(const IntxLayout& L, const uint8_t* rec) {
    if (L.bf16) {
        __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rec + L.scale_off));
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    }
    return _mm512_loadu_ps(rec + L.scale_off);
}

// ONE: the weight has a single group (per channel), so the group loop runs
// once and the fp32 accumulators never occupy registers during the K loop
// (room for 8 x 2 int32 accumulators).
// One row of 8-bit codes streams without software prefetch, like the int8 x int8
// GEMV (int8_linear_avx512vnni.cpp): interleaved A/B against the prefetch (M=1,
// 2 threads, weights from DRAM, 2026-12-02): 8 bits 4-14 % faster without (per
// channel and PerGroup(32), 6 of 6 runs); 2 to 7 bits 0-17 % slower without (by
// more than 1 % in 9 of 11 runs), so they keep it.
template <int NBIT, int MR, int NB, bool ONE = false, Unpack U = Unpack::kShiftMask>
void tile(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, const TileBlocks& blocks, float* y) {
    constexpr bool kPrefetch = NBIT < 8 || MR > 1;
    const TileStreams<NB> streams(payload, L.block_bytes, blocks);
    const uint8_t* blk[NB];
    for (int j = 0; j < NB; ++j) blk[j] = streams.block(j);
    const uint8_t* qrow[MR];
    const float* info[MR];
    for (int r = 0; r < MR; ++r) {
        qrow[r] = a.q + (m0 + r) * L.kpad;
        info[r] = a.info + (m0 + r) * a.info_stride;
    }
    __m512i uz_i[MR];
    for (int r = 0; r < MR; ++r) uz_i[r] = _mm512_set1_epi32(info_int(info[r], kInfoUzInt));
    __m512 facc[MR][NB];
    for (int r = 0; r < MR; ++r)
        for (int j = 0; j < NB; ++j) facc[r][j] = _mm512_setzero_ps();

    if constexpr (kPrefetch) streams.prefetch_heads();
    const int64_t groups = ONE ? 1 : L.groups;
    for (int64_t g = 0; g < groups; ++g) {
        __m512i acc[MR][NB];
        for (int r = 0; r < MR; ++r)
            for (int j = 0; j < NB; ++j) acc[r][j] = _mm512_setzero_si512();
        const int64_t gofs = g * L.group_bytes;
        __m512i sub[NB];
        for (int j = 0; j < NB; ++j)
            sub[j] = U == Unpack::kGfni     ? _mm512_setzero_si512()
                     : U == Unpack::kGfniZp ? folded_sub(blk[j] + gofs + L.zp_off, 0)
                     : L.folded_zp()        ? folded_sub(blk[j] + gofs + L.zp_off, L.weight_offset())
                                            : _mm512_set1_epi8(static_cast<char>(L.weight_offset()));
        for (int64_t ch = 0; ch < L.chunks; ++ch) {
            const int64_t cofs = gofs + ch * L.chunk_bytes;
            const int64_t kofs = g * L.gpad + ch * kChunkK;
            // NB streams at once are more than the hardware prefetchers keep ahead of. The
            // last chunk of a group also owns the rest of the group record (scales, ...).
            if constexpr (kPrefetch)
                streams.prefetch_span_ahead(cofs, ch + 1 < L.chunks ? cofs + L.chunk_bytes : gofs + L.group_bytes);
            [&]<int... V>(std::integer_sequence<int, V...>) {
                (([&] {
                     __m512i w[NB];
                     for (int j = 0; j < NB; ++j) w[j] = unpack_vector<NBIT, V, U>(blk[j] + cofs, sub[j]);
                     for (int r = 0; r < MR; ++r) {
                         __m512i av = _mm512_set1_epi32(load_quad(qrow[r] + kofs + 4 * V));
                         for (int j = 0; j < NB; ++j) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], av, w[j]);
                     }
                 }()),
                 ...);
            }(std::make_integer_sequence<int, 8>{});
        }
        for (int j = 0; j < NB; ++j) {
            const uint8_t* rec = blk[j] + gofs;
            __m512 s = load_scales(L, rec);
            if (NBIT == 8 && L.exact_zp()) {
                // Mode X: I = D - uz * sum_k q - zw * A, exact in int32.
                __m512i wsum = _mm512_loadu_si512(rec + L.wsum_off);
                __m512i zw = _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rec + L.zp_off)));
                for (int r = 0; r < MR; ++r) {
                    __m512i t = _mm512_sub_epi32(acc[r][j], _mm512_mullo_epi32(uz_i[r], wsum));
                    t = _mm512_sub_epi32(t, _mm512_mullo_epi32(zw, _mm512_set1_epi32(info_int(info[r], kInfoA + g))));
                    facc[r][j] = _mm512_fmadd_ps(s, _mm512_cvtepi32_ps(t), facc[r][j]);
                }
            } else {
                for (int r = 0; r < MR; ++r)
                    facc[r][j] = _mm512_fmadd_ps(s, _mm512_cvtepi32_ps(acc[r][j]), facc[r][j]);
            }
        }
    }
    for (int j = 0; j < NB; ++j) {
        const int64_t col0 = blocks.at[j] * kNr;
        const int cols = static_cast<int>(std::min<int64_t>(kNr, L.n - col0));
        const __mmask16 mask = static_cast<__mmask16>((1u << cols) - 1u);
        __m512 w1 = _mm512_loadu_ps(blk[j] + L.w1_off);
        __m512 bias = L.has_bias ? _mm512_loadu_ps(blk[j] + L.bias_off) : _mm512_setzero_ps();
        for (int r = 0; r < MR; ++r) {
            __m512 t = L.exact_zp() ? facc[r][j] : _mm512_fnmadd_ps(_mm512_set1_ps(info[r][kInfoUz]), w1, facc[r][j]);
            __m512 out = _mm512_fmadd_ps(t, _mm512_set1_ps(info[r][kInfoScale]), bias);
            _mm512_mask_storeu_ps(y + (m0 + r) * L.n + col0, mask, out);
        }
    }
}

// Row m0 x blocks [b0, b0+nb) as one-row tiles of up to 4 blocks, a block of each
// of 4 streams of consecutive blocks per tile (kernels/stream_prefetch.h).
template <int NBIT, Unpack U>
void run_row(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int64_t b0, int nb, float* y) {
    for_each_stream_tile(b0, nb, [&](int streams, const TileBlocks& t) {
        switch (streams) {
            case 4: return tile<NBIT, 1, 4, false, U>(L, payload, a, m0, t, y);
            case 3: return tile<NBIT, 1, 3, false, U>(L, payload, a, m0, t, y);
            case 2: return tile<NBIT, 1, 2, false, U>(L, payload, a, m0, t, y);
            default: return tile<NBIT, 1, 1, false, U>(L, payload, a, m0, t, y);
        }
    });
}

}  // namespace jao::kernels::intx::avx512
