// AVX-512 VNNI tier of the intx linear (contract: kernels/ref/intx_kernels.h).
// One template over bit width, rows (MR) and 16-column blocks (NB): per 4 K,
// each unpacked weight vector (16 columns x 4 K, s8) meets MR broadcast
// activation quads (u8) in MR x NB vpdpbusd int32 accumulators; per group the
// int32 sums are scaled into fp32 accumulators in the fixed contract order.
// GCC 12 reports its own _mm512_undefined_*() self-initialisation as "may be
// used uninitialized" once these intrinsics are inlined in large templates.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "kernels/stream_prefetch.h"
#include "kernels/x86/activation_quad.h"
#include "kernels/x86/intx_linear.h"

namespace jao::kernels::intx {
namespace {

using pack::kChunkK;
using pack::kNr;
using pack::kVecBytes;

// Unsigned value of vector V (0..7) of a chunk, then s8 weight = u - sub (sub =
// offset, or offset + folded zero point per column).
template <int NBIT, int V>
inline __m512i unpack_vector(const uint8_t* chunk, __m512i sub) {
    if constexpr (NBIT == 8) {
        return _mm512_loadu_si512(chunk + V * kVecBytes);
    } else {
        constexpr pack::BitPieces ps = pack::bit_pieces(NBIT);
        __m512i u = _mm512_setzero_si512();
        [&]<int... P>(std::integer_sequence<int, P...>) {
            (([&] {
                 constexpr pack::BitPiece bp = ps.piece[P];
                 constexpr int per = 8 / bp.width;
                 constexpr int s = (V % per) * bp.width;  // bit of the field in its plane byte
                 constexpr int mask = ((1 << bp.width) - 1) << bp.shift;
                 __m512i plane = _mm512_loadu_si512(chunk + (bp.plane_base + V / per) * kVecBytes);
                 __m512i f;
                 if constexpr (s > bp.shift)
                     f = _mm512_srli_epi16(plane, s - bp.shift);
                 else if constexpr (s < bp.shift)
                     f = _mm512_slli_epi16(plane, bp.shift - s);
                 else
                     f = plane;
                 f = _mm512_and_si512(f, _mm512_set1_epi8(static_cast<char>(mask)));
                 u = ps.count == 1 ? f : _mm512_or_si512(u, f);
             }()),
             ...);
        }(std::make_integer_sequence<int, ps.count>{});
        return _mm512_sub_epi8(u, sub);
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
template <int NBIT, int MR, int NB, bool ONE = false>
void tile(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int64_t b0, const TileChain& chain,
          float* y) {
    const TileStreams<NB> streams(payload + b0 * L.block_bytes, L.block_bytes, chain);
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

    streams.prefetch_heads();
    const int64_t groups = ONE ? 1 : L.groups;
    for (int64_t g = 0; g < groups; ++g) {
        __m512i acc[MR][NB];
        for (int r = 0; r < MR; ++r)
            for (int j = 0; j < NB; ++j) acc[r][j] = _mm512_setzero_si512();
        const int64_t gofs = g * L.group_bytes;
        __m512i sub[NB];
        for (int j = 0; j < NB; ++j)
            sub[j] = L.folded_zp() ? folded_sub(blk[j] + gofs + L.zp_off, L.weight_offset())
                                   : _mm512_set1_epi8(static_cast<char>(L.weight_offset()));
        for (int64_t ch = 0; ch < L.chunks; ++ch) {
            const int64_t cofs = gofs + ch * L.chunk_bytes;
            const int64_t kofs = g * L.gpad + ch * kChunkK;
            // NB streams at once are more than the hardware prefetchers keep ahead of. The
            // last chunk of a group also owns the rest of the group record (scales, ...).
            const int64_t span_end = ch + 1 < L.chunks ? cofs + L.chunk_bytes : gofs + L.group_bytes;
            streams.prefetch_span_ahead(cofs, span_end);
            [&]<int... V>(std::integer_sequence<int, V...>) {
                (([&] {
                     __m512i w[NB];
                     for (int j = 0; j < NB; ++j) w[j] = unpack_vector<NBIT, V>(blk[j] + cofs, sub[j]);
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
        const int64_t col0 = (b0 + j) * kNr;
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

using Fn = void (*)(const IntxLayout&, const uint8_t*, const Act&, int64_t, int64_t, const TileChain&, float*);

// Runs rows [m0, m0+mr) x blocks [b0, b0+nb) as tiles of 4 blocks (one row) or 2 / 1 blocks,
// each tile's prefetch running on into the one after it.
template <int NBIT>
void run_tiles(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    if (mr > 4) {
        if (mr == 8 && L.groups == 1) {
            const auto width = [](int64_t rem) { return static_cast<int>(std::min<int64_t>(rem, 2)); };
            for (int64_t b = b0, end = b0 + nb; b < end; b += 2) {
                const TileChain chain{b != b0, width(std::max<int64_t>(0, end - b - 2))};
                if (end - b >= 2) tile<NBIT, 8, 2, true>(L, payload, a, m0, b, chain, y);
                else tile<NBIT, 8, 1, true>(L, payload, a, m0, b, chain, y);
            }
            return;
        }
        run_tiles<NBIT>(L, payload, a, m0, 4, b0, nb, y);
        run_tiles<NBIT>(L, payload, a, m0 + 4, mr - 4, b0, nb, y);
        return;
    }
    static constexpr Fn nb1[4] = {tile<NBIT, 1, 1>, tile<NBIT, 2, 1>, tile<NBIT, 3, 1>, tile<NBIT, 4, 1>};
    static constexpr Fn nb2[4] = {tile<NBIT, 1, 2>, tile<NBIT, 2, 2>, tile<NBIT, 3, 2>, tile<NBIT, 4, 2>};
    static constexpr Fn nb4 = tile<NBIT, 1, 4>;
    // Blocks of the tile that starts with `rem` blocks left.
    const auto width = [mr](int64_t rem) { return mr == 1 && rem >= 4 ? 4 : static_cast<int>(std::min<int64_t>(rem, 2)); };
    for (int64_t b = b0, end = b0 + nb; b < end;) {
        const int w = width(end - b);
        const TileChain chain{b != b0, width(end - b - w)};
        (w == 4 ? nb4 : w == 2 ? nb2[mr - 1] : nb1[mr - 1])(L, payload, a, m0, b, chain, y);
        b += w;
    }
}

}  // namespace

void tile_avx512vnni(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0,
                     int nb, float* y) {
    switch (L.nbit) {
        case 1: return run_tiles<1>(L, payload, a, m0, mr, b0, nb, y);
        case 2: return run_tiles<2>(L, payload, a, m0, mr, b0, nb, y);
        case 3: return run_tiles<3>(L, payload, a, m0, mr, b0, nb, y);
        case 4: return run_tiles<4>(L, payload, a, m0, mr, b0, nb, y);
        case 5: return run_tiles<5>(L, payload, a, m0, mr, b0, nb, y);
        case 6: return run_tiles<6>(L, payload, a, m0, mr, b0, nb, y);
        case 7: return run_tiles<7>(L, payload, a, m0, mr, b0, nb, y);
        default: return run_tiles<8>(L, payload, a, m0, mr, b0, nb, y);
    }
}

void quantize_rows_avx512vnni(const IntxLayout& L, const float* x, int64_t m0, int64_t m1, const Act& a) {
    for (int64_t m = m0; m < m1; ++m) {
        const float* xr = x + m * L.k;
        uint8_t* qr = a.q + m * L.kpad;
        float* info = a.info + m * a.info_stride;
        __m512 vmn = _mm512_set1_ps(xr[0]), vmx = vmn;
        int64_t i = 0;
        for (; i + 16 <= L.k; i += 16) {
            __m512 v = _mm512_loadu_ps(xr + i);
            vmn = _mm512_min_ps(vmn, v);
            vmx = _mm512_max_ps(vmx, v);
        }
        if (i < L.k) {
            const __mmask16 tm = static_cast<__mmask16>((1u << (L.k - i)) - 1u);
            __m512 v = _mm512_mask_loadu_ps(vmn, tm, xr + i);
            vmn = _mm512_min_ps(vmn, v);
            v = _mm512_mask_loadu_ps(vmx, tm, xr + i);
            vmx = _mm512_max_ps(vmx, v);
        }
        float s, inv, zp;
        act_qparams(_mm512_reduce_min_ps(vmn), _mm512_reduce_max_ps(vmx), &s, &inv, &zp);
        info[kInfoScale] = s;
        info[kInfoUz] = zp + 128.0f;
        set_info_int(info, kInfoUzInt, static_cast<int32_t>(zp) + 128);
        const __m512 vinv = _mm512_set1_ps(inv), vzp = _mm512_set1_ps(zp);
        const __m512 lo = _mm512_set1_ps(-128.0f), hi = _mm512_set1_ps(127.0f);
        const __m512i v128 = _mm512_set1_epi32(128);
        for (int64_t g = 0; g < L.groups; ++g) {
            const float* xg = xr + g * L.group_size;
            uint8_t* qg = qr + g * L.gpad;
            __m512i sum = _mm512_setzero_si512();
            for (int64_t j = 0; j < L.group_size; j += 16) {
                const int64_t left = L.group_size - j;
                const __mmask16 tm = left >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << left) - 1u);
                __m512 v = _mm512_maskz_loadu_ps(tm, xg + j);
                v = _mm512_mul_ps(v, vinv);
                v = _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
                v = _mm512_add_ps(v, vzp);
                v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
                __m512i q = _mm512_cvtps_epi32(v);
                sum = _mm512_mask_add_epi32(sum, tm, sum, q);
                _mm_mask_storeu_epi8(qg + j, tm, _mm512_cvtepi32_epi8(_mm512_add_epi32(q, v128)));
            }
            if (L.gpad > L.group_size) std::memset(qg + L.group_size, 0, static_cast<size_t>(L.gpad - L.group_size));
            set_info_int(info, kInfoA + g,
                         _mm512_reduce_add_epi32(sum) - static_cast<int32_t>(zp) * static_cast<int32_t>(L.group_size));
        }
    }
}

}  // namespace jao::kernels::intx
