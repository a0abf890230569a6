// AVX-512 VNNI tier of the int8 x int8 linear (contract: kernels/ref/int8_kernels.h).
// Tiles of up to 8 rows x 4 blocks of 16 columns: per 4-K step one 64-byte
// weight vector per block (u8 = w + 128) and one broadcast int32 of 4
// activations (s8) per row feed vpdpbusd; c = acc - 128 * asum, then the epilogue.
// One row (M = 1, DRAM-bound) runs `gemv`, more rows the register tiles.
// GCC 12's avx512fintrin.h reads an uninitialized "undefined" vector in some
// masked intrinsics and warns about its own code (harmless: the lanes are masked).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstring>
#include <utility>

#include "kernels/stream_prefetch.h"
#include "kernels/x86/activation_quad.h"
#include "kernels/x86/int8_linear.h"
#include "kernels/int8_quantize.h"

namespace jao::kernels::int8 {
namespace {

__mmask16 tail_mask(int64_t left) { return left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1u); }

// Vector traits of int8_quantize.h: 16 lanes, partial vectors through masks.
struct Avx512 {
    using F = __m512;
    using I = __m512i;
    static constexpr int kLanes = 16;
    static F set1(float v) { return _mm512_set1_ps(v); }
    static I set1_i(int32_t v) { return _mm512_set1_epi32(v); }
    static F load(const float* p, int64_t left) { return _mm512_maskz_loadu_ps(tail_mask(left), p); }
    static F round_bf16(F v) {
        const I u = _mm512_castps_si512(v), high = _mm512_set1_epi32(static_cast<int32_t>(0xffff0000u));
        const I lsb = _mm512_and_si512(_mm512_srli_epi32(u, 16), _mm512_set1_epi32(1));
        const I r = _mm512_and_si512(_mm512_add_epi32(u, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7fff))), high);
        const I nan = _mm512_or_si512(_mm512_and_si512(u, high), _mm512_set1_epi32(0x00400000));  // quieted, truncated
        return _mm512_castsi512_ps(_mm512_mask_blend_epi32(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), r, nan));
    }
    static F mul(F a, F b) { return _mm512_mul_ps(a, b); }
    static F add(F a, F b) { return _mm512_add_ps(a, b); }
    static F rint(F v) { return _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static F min(F a, F b) { return _mm512_min_ps(a, b); }
    static F max(F a, F b) { return _mm512_max_ps(a, b); }
    static I to_int(F v, int64_t left) { return _mm512_maskz_cvtps_epi32(tail_mask(left), v); }
    static I add_i(I a, I b) { return _mm512_add_epi32(a, b); }
    static int32_t reduce_add(I v) { return _mm512_reduce_add_epi32(v); }
    static void store_q(int8_t* q, I iv, int64_t left) { _mm512_mask_cvtepi32_storeu_epi8(q, tail_mask(left), iv); }
};

// The epilogue on 16 columns starting at col (lanes in `mask`); exactly epilogue_one's ops.
inline __m512 epilogue16(__m512i c, __m512 s, __m512 corr, const Epilogue& e, int64_t col, __mmask16 mask) {
    const auto model = [&e](__m512 v) { return e.bf16 ? Avx512::round_bf16(v) : v; };  // to_model
    __m512 y = model(_mm512_mul_ps(_mm512_cvtepi32_ps(c), s));
    if (e.rowsum) y = model(_mm512_sub_ps(y, model(_mm512_mul_ps(corr, _mm512_maskz_loadu_ps(mask, e.rowsum + col)))));
    y = _mm512_mul_ps(y, _mm512_maskz_loadu_ps(mask, e.w_scale + col));
    if (e.bias) y = _mm512_add_ps(y, _mm512_maskz_loadu_ps(mask, e.bias + col));
    return model(y);
}

// Writes MR x NB blocks of accumulators (acc = sum_k u * q, before the -128 * asum term) through the
// epilogue: those of the column blocks blk[0..NB).
template <int MR, int NB>
void finish(const __m512i (&acc)[MR][NB], const Epilogue& e, const Act& a, int64_t m0, const int64_t* blk, float* y) {
    for (int r = 0; r < MR; ++r) {
        const int64_t row = m0 + r;
        const __m512i off = _mm512_set1_epi32(static_cast<int32_t>(128u * static_cast<uint32_t>(a.asum[row])));
        const __m512 s = _mm512_set1_ps(a.scale[row]), corr = _mm512_set1_ps(a.corr[row]);
        for (int b = 0; b < NB; ++b) {
            const int64_t col = blk[b] * 16;
            const __mmask16 mask = tail_mask(e.n - col);
            const __m512i c = _mm512_sub_epi32(acc[r][b], off);
            _mm512_mask_storeu_ps(y + row * e.n + col, mask, epilogue16(c, s, corr, e, col, mask));
        }
    }
}

// The 8 x 2 tile that carries large M, in inline asm: GCC 12 compiles the
// intrinsics version with two register copies per vpdpbusd (or keeps the
// accumulators on the stack), which halves the tile's throughput. Per 4-K
// step: 2 weight prefetches (one line per stream, as in `tile`), 2 weight
// loads, 8 broadcasts, 16 vpdpbusd (FMA-port bound).
void tile_8x2(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, const TileBlocks& blocks,
              float* y) {
    const int64_t steps = kpad / 4;
    const int64_t bstride = pack::int8_block_bytes(kpad);
    const uint8_t* wb = w + blocks.at[0] * bstride;
    const int64_t second = (blocks.at[1] - blocks.at[0]) * bstride;  // from the first block to the second
    const int32_t* ap = a.panel + m0 * steps;  // m0 is a multiple of 8: panel m0 / 8
    const int32_t* const ap_end = ap + 8 * steps;
    __m512i c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
    // Accumulators are asm outputs zeroed inside (in-out operands would exceed asm's 30-operand limit).
#define JAO_ZERO(x0, x1) "vpxord %[" #x0 "], %[" #x0 "], %[" #x0 "]\n\t" "vpxord %[" #x1 "], %[" #x1 "], %[" #x1 "]\n\t"
#define JAO_ROW(r, x0, x1)                                   \
    "vpbroadcastd 4*" #r "(%[a]), %%zmm2\n\t"                \
    "vpdpbusd %%zmm2, %%zmm0, %[" #x0 "]\n\t"               \
    "vpdpbusd %%zmm2, %%zmm1, %[" #x1 "]\n\t"
    asm volatile(
        JAO_ZERO(c00, c01) JAO_ZERO(c10, c11) JAO_ZERO(c20, c21) JAO_ZERO(c30, c31)
        JAO_ZERO(c40, c41) JAO_ZERO(c50, c51) JAO_ZERO(c60, c61) JAO_ZERO(c70, c71)
        "1:\n\t"
        "prefetchnta %c[ahead](%[w])\n\t"
        "prefetchnta %c[ahead](%[w],%[bs])\n\t"
        "vmovdqu64 (%[w]), %%zmm0\n\t"
        "vmovdqu64 (%[w],%[bs]), %%zmm1\n\t"
        JAO_ROW(0, c00, c01) JAO_ROW(1, c10, c11) JAO_ROW(2, c20, c21) JAO_ROW(3, c30, c31)
        JAO_ROW(4, c40, c41) JAO_ROW(5, c50, c51) JAO_ROW(6, c60, c61) JAO_ROW(7, c70, c71)
        "add $64, %[w]\n\t"
        "add $32, %[a]\n\t"
        "cmp %[end], %[a]\n\t"
        "jne 1b\n\t"
        : [c00] "=&v"(c00), [c01] "=&v"(c01), [c10] "=&v"(c10), [c11] "=&v"(c11), [c20] "=&v"(c20),
          [c21] "=&v"(c21), [c30] "=&v"(c30), [c31] "=&v"(c31), [c40] "=&v"(c40), [c41] "=&v"(c41),
          [c50] "=&v"(c50), [c51] "=&v"(c51), [c60] "=&v"(c60), [c61] "=&v"(c61), [c70] "=&v"(c70),
          [c71] "=&v"(c71), [w] "+r"(wb), [a] "+r"(ap)
        : [bs] "r"(second), [end] "r"(ap_end), [ahead] "i"(kStreamPrefetchBytes)
        : "xmm0", "xmm1", "xmm2", "cc", "memory");
#undef JAO_ROW
#undef JAO_ZERO
    const __m512i acc[8][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31},
                               {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71}};
    finish<8, 2>(acc, e, a, m0, blocks.at, y);
}

// Any other MR x NB (tails, small M) in intrinsics.
template <int MR, int NB>
void tile(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, const TileBlocks& blocks,
          float* y) {
    const int64_t steps = kpad / 4;
    __m512i acc[MR][NB];
    for (int r = 0; r < MR; ++r)
        for (int b = 0; b < NB; ++b) acc[r][b] = _mm512_setzero_si512();
    // One pointer per stream keeps the loop inside the general registers: weights of
    // block b at wb + b * bstride (NB <= 2: two blocks are always evenly spaced),
    // activations from the 8-row panel.
    static_assert(NB <= 2);
    const int64_t block_bytes = pack::int8_block_bytes(kpad);
    const int64_t bstride = NB > 1 ? (blocks.at[NB - 1] - blocks.at[0]) * block_bytes : 0;
    const uint8_t* wb = w + blocks.at[0] * block_bytes;
    const int32_t* ap = a.panel + (m0 - m0 % 8) * steps + m0 % 8;
    for (int64_t j = 0; j < steps; ++j, wb += 64, ap += 8) {
        // Every tile shape: the NB streams come from DRAM faster than the hardware
        // prefetchers follow (interleaved A/B, 4096 x 4096 / 11008: M = 4-5 10-27 %,
        // M = 8 12-18 %, M = 32 6-9 %, M = 128 2-3 % faster with the prefetch),
        // non-temporal like prefetch_line (kernels/stream_prefetch.h). Re-measured
        // after the one-row GEMV dropped its prefetch (2026-12-02), these tiles and
        // tile_8x2 without it: M = 2-8 26-38 %, M = 32 13 %, M = 128 4 % slower.
        for (int b = 0; b < NB; ++b)
            _mm_prefetch(reinterpret_cast<const char*>(wb + b * bstride + kStreamPrefetchBytes), _MM_HINT_NTA);
        __m512i wv[NB];
        for (int b = 0; b < NB; ++b) wv[b] = _mm512_loadu_si512(wb + b * bstride);
        for (int r = 0; r < MR; ++r) {
            const __m512i av = _mm512_set1_epi32(ap[r]);
            for (int b = 0; b < NB; ++b) acc[r][b] = _mm512_dpbusd_epi32(acc[r][b], wv[b], av);
        }
    }
    finish<MR, NB>(acc, e, a, m0, blocks.at, y);
}

// One row (GEMV, bound by DRAM) over the NB column blocks of `blocks`, one
// weight stream each, in unrolled chunks of 8 steps, the activation quads
// straight from the quantized row (the 8-row panel would spread them 32 bytes
// apart: 88 KB instead of 11 KB at K = 11008). No software prefetch: on this
// host the hardware prefetchers keep these streams (plain 8-bit weights, one
// 64-byte line per vpdpbusd) fed, and the prefetch instructions measured only a cost.
// Interleaved A/B against TileStreams' prefetch (2 threads, weights from DRAM,
// 2026-12-02): M=1 2-12 % faster on 4096 x 4096 / 4096 x 11008 / 11008 x 4096,
// 14 of 14 runs. Found by timing the GEMV next to a plain read of the same bytes
// (jao_bench_int8's "plain read" row): with the prefetch it ran at 0.87-0.93 of the read's speed.
template <int NB>
void gemv(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, const TileBlocks& blocks,
          float* y) {
    constexpr int kChunkSteps = 8;
    const int64_t steps = kpad / 4;
    const TileStreams<NB> streams(w, pack::int8_block_bytes(kpad), blocks);
    const uint8_t* q = reinterpret_cast<const uint8_t*>(a.q + m0 * a.stride);
    __m512i acc[1][NB];
    for (int b = 0; b < NB; ++b) acc[0][b] = _mm512_setzero_si512();
    const auto step = [&](int64_t j) {
        const __m512i av = _mm512_set1_epi32(load_quad(q + 4 * j));
        for (int b = 0; b < NB; ++b)
            acc[0][b] = _mm512_dpbusd_epi32(acc[0][b], _mm512_loadu_si512(streams.block(b) + j * 64), av);
    };
    int64_t j = 0;
    for (; j + kChunkSteps <= steps; j += kChunkSteps)
        [&]<int... U>(std::integer_sequence<int, U...>) { (step(j + U), ...); }(std::make_integer_sequence<int, kChunkSteps>{});
    for (; j < steps; ++j) step(j);
    finish<1, NB>(acc, e, a, m0, blocks.at, y);
}

using Tile = void (*)(const uint8_t*, int64_t, const Epilogue&, const Act&, int64_t, const TileBlocks&, float*);

template <int MR>
constexpr Tile by_nb(int nb) {
    return nb == 1 ? tile<MR, 1> : tile<MR, 2>;
}

Tile pick(int mr, int nb) {
    switch (mr) {  // mr >= 2: one row runs gemv
        case 2: return by_nb<2>(nb);
        case 3: return by_nb<3>(nb);
        case 4: return by_nb<4>(nb);
        case 5: return by_nb<5>(nb);
        case 6: return by_nb<6>(nb);
        case 7: return by_nb<7>(nb);
        default: return by_nb<8>(nb);
    }
}

}  // namespace

void row_stats_avx512vnni(const float* x, int64_t k, int64_t r0, int64_t r1, const Act& a) {
    const __m512i exp_mask = _mm512_set1_epi32(0x7f800000);
    for (int64_t r = r0; r < r1; ++r) {
        const float* row = x + r * k;
        __m512 mn = _mm512_set1_ps(row[0]), mx = mn;
        __mmask16 bad = 0;
        for (int64_t i = 0; i < k; i += 16) {
            const __mmask16 m = tail_mask(k - i);
            _mm_prefetch(reinterpret_cast<const char*>(row + i + kRowPassPrefetchFloats), _MM_HINT_T0);
            const __m512 v = _mm512_mask_loadu_ps(mn, m, row + i);  // inactive lanes: row[0]
            mn = _mm512_min_ps(mn, v);
            mx = _mm512_max_ps(mx, v);
            const __m512i e = _mm512_and_si512(_mm512_castps_si512(v), exp_mask);
            bad |= _mm512_mask_cmpeq_epi32_mask(m, e, exp_mask);
        }
        a.mn[r] = _mm512_reduce_min_ps(mn);
        a.mx[r] = _mm512_reduce_max_ps(mx);
        a.bad[r] = bad != 0;
    }
}

void quantize_avx512vnni(const float* x, int64_t k, int64_t r0, int64_t r1, const ActQuant& s, const Act& a) {
    quantize_rows<Avx512>(x, k, r0, r1, s, a);
}

void epilogue_avx512vnni(const Epilogue& e, const Act& a, int64_t r0, int64_t r1, float* y) {
    for (int64_t r = r0; r < r1; ++r) {
        const __m512 s = _mm512_set1_ps(a.scale[r]), corr = _mm512_set1_ps(a.corr[r]);
        float* out = y + r * e.n;
        for (int64_t col = 0; col < e.n; col += 16) {
            const __mmask16 m = tail_mask(e.n - col);
            _mm_prefetch(reinterpret_cast<const char*>(out + col + kRowPassPrefetchFloats), _MM_HINT_T0);
            const __m512i c = _mm512_maskz_loadu_epi32(m, out + col);
            _mm512_mask_storeu_ps(out + col, m, epilogue16(c, s, corr, e, col, m));
        }
    }
}

void tile_avx512vnni(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0,
                     int nb, float* y) {
    // One row: the blocks as 4 streams of consecutive blocks (kernels/stream_prefetch.h), a block
    // of each per GEMV call.
    if (mr == 1) {
        static constexpr Tile kGemv[4] = {gemv<1>, gemv<2>, gemv<3>, gemv<4>};
        for_each_stream_tile(b0, nb,
                             [&](int streams, const TileBlocks& t) { kGemv[streams - 1](w, kpad, e, a, m0, t, y); });
        return;
    }
    // More rows (at most 8): the blocks as 2 streams of consecutive blocks, a block of each per tile.
    for_each_stream_tile<2>(b0, nb, [&](int streams, const TileBlocks& t) {
        if (mr == 8 && streams == 2) tile_8x2(w, kpad, e, a, m0, t, y);
        else pick(mr, streams)(w, kpad, e, a, m0, t, y);
    });
}

void panel_rows_avx512vnni(const Act& a, int64_t steps, int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
        const int8_t* q = a.q + r * a.stride;
        int32_t* p = a.panel + (r - r % 8) * steps + r % 8;
        for (int64_t j = 0; j < steps; ++j) std::memcpy(p + 8 * j, q + 4 * j, 4);
    }
}

}  // namespace jao::kernels::int8
