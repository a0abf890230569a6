// AVX2 tier of the int8 x int8 linear (contract: kernels/ref/int8_kernels.h).
// vpmaddubsw would saturate u8 x s8 pairs, so the tile widens both operands to
// int16 and uses vpmaddwd (exact): each 16-byte quarter of a weight vector (4
// columns x 4 K) gives 4 columns x 2 partial sums, folded once per tile.
// Several rows read their activations from the int16 panel (each row's 4-K
// quad already widened, so one vpbroadcastq load feeds vpmaddwd) and share
// each widened weight vector: tiles of 4 rows x 8 columns, whose 8
// accumulators, 2 weight vectors and 1 broadcast fit the 16 ymm registers.
// One row (no panel) widens its own quad: the GEMV is bound by DRAM anyway.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/int8_quantize.h"
#include "kernels/stream_prefetch.h"
#include "kernels/x86/int8_linear.h"

namespace jao::kernels::int8 {
namespace {

// Vector traits of int8_quantize.h: 8 lanes; a row's last partial vector goes
// through lane masks (vmaskmovps loads, a stack copy for the int8 store).
struct Avx2 {
    using F = __m256;
    using I = __m256i;
    static constexpr int kLanes = 8;
    static I lanes_below(int64_t left) {  // left < 8
        const I lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int32_t>(left)), lane);
    }
    static F set1(float v) { return _mm256_set1_ps(v); }
    static I set1_i(int32_t v) { return _mm256_set1_epi32(v); }
    static F load(const float* p, int64_t left) {
        return left >= 8 ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, lanes_below(left));
    }
    static F round_bf16(F v) {
        const I u = _mm256_castps_si256(v), high = _mm256_set1_epi32(static_cast<int32_t>(0xffff0000u));
        const I lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
        const I r = _mm256_and_si256(_mm256_add_epi32(u, _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff))), high);
        const I nan = _mm256_or_si256(_mm256_and_si256(u, high), _mm256_set1_epi32(0x00400000));  // quieted, truncated
        return _mm256_blendv_ps(_mm256_castsi256_ps(r), _mm256_castsi256_ps(nan), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    }
    static F mul(F a, F b) { return _mm256_mul_ps(a, b); }
    static F add(F a, F b) { return _mm256_add_ps(a, b); }
    static F rint(F v) { return _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
    static F min(F a, F b) { return _mm256_min_ps(a, b); }
    static F max(F a, F b) { return _mm256_max_ps(a, b); }
    static I to_int(F v, int64_t left) {
        const I iv = _mm256_cvtps_epi32(v);
        return left >= 8 ? iv : _mm256_and_si256(iv, lanes_below(left));
    }
    static I add_i(I a, I b) { return _mm256_add_epi32(a, b); }
    static int32_t reduce_add(I v) {
        int32_t lanes[8];
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes), v);
        int32_t total = 0;
        for (int32_t l : lanes) total += l;
        return total;
    }
    static void store_q(int8_t* q, I iv, int64_t left) {
        const __m128i w16 = _mm_packs_epi32(_mm256_castsi256_si128(iv), _mm256_extracti128_si256(iv, 1));
        const __m128i w8 = _mm_packs_epi16(w16, w16);
        if (left >= 8) {
            _mm_storel_epi64(reinterpret_cast<__m128i*>(q), w8);
        } else {
            int8_t tmp[16];
            _mm_storeu_si128(reinterpret_cast<__m128i*>(tmp), w8);
            std::memcpy(q, tmp, static_cast<size_t>(left));
        }
    }
};

// The epilogue on 8 columns; exactly epilogue_one's ops.
inline __m256 epilogue8(__m256i c, __m256 s, __m256 corr, const Epilogue& e, int64_t col) {
    const auto model = [&e](__m256 v) { return e.bf16 ? Avx2::round_bf16(v) : v; };  // to_model
    __m256 y = model(_mm256_mul_ps(_mm256_cvtepi32_ps(c), s));
    if (e.rowsum) y = model(_mm256_sub_ps(y, model(_mm256_mul_ps(corr, _mm256_loadu_ps(e.rowsum + col)))));
    y = _mm256_mul_ps(y, _mm256_loadu_ps(e.w_scale + col));
    if (e.bias) y = _mm256_add_ps(y, _mm256_loadu_ps(e.bias + col));
    return model(y);
}

// Writes 8 columns c (int32, exact) of one row from col on through the epilogue.
void finish8(__m256i c, int64_t row, int64_t col, const Epilogue& e, const Act& a, float* y) {
    float* out = y + row * e.n;
    if (col + 8 <= e.n) {
        _mm256_storeu_ps(out + col, epilogue8(c, _mm256_set1_ps(a.scale[row]), _mm256_set1_ps(a.corr[row]), e, col));
        return;
    }
    int32_t lanes[8];
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes), c);
    for (int64_t i = col; i < e.n; ++i) out[i] = epilogue_one(lanes[i - col], a.scale[row], a.corr[row], e, i);
}

// The 8 column sums of two accumulators of 4 columns x 2 partial sums each
// (columns 0-3 and 4-7), minus the 128 * asum of the unsigned weight codes:
// hadd pairs the partial sums, the permute restores column order.
__m256i fold8(__m256i lo4, __m256i hi4, int32_t asum) {
    const __m256i order = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
    const __m256i off = _mm256_set1_epi32(static_cast<int32_t>(128u * static_cast<uint32_t>(asum)));
    return _mm256_sub_epi32(_mm256_permutevar8x32_epi32(_mm256_hadd_epi32(lo4, hi4), order), off);
}

// Weight streams of the one-row GEMV (for_each_stream_tile). Zen 3, 2 threads,
// weights from DRAM, 3 shapes, 3 runs alternated (2026-12-04): one stream read at
// 67-93 % of the interleaved probe, three at 90-104 %.
constexpr int kGemvStreams = 3;

// One row (GEMV, bound by DRAM) x the NB column blocks of `blocks`, one weight
// stream each (kernels/stream_prefetch.h), activation quads widened from the
// quantized row: 16 exact int32 dot products per block.
template <int NB>
void gemv(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, const TileBlocks& blocks,
          float* y) {
    const int64_t steps = kpad / 4, block_bytes = pack::int8_block_bytes(kpad);
    const uint8_t* wb[NB];
    __m256i acc[NB][4];
    for (int b = 0; b < NB; ++b) {
        wb[b] = w + blocks.at[b] * block_bytes;
        for (auto& v : acc[b]) v = _mm256_setzero_si256();
    }
    const int8_t* q = a.q + m0 * a.stride;
    for (int64_t j = 0; j < steps; ++j) {
        int32_t four;
        std::memcpy(&four, q + 4 * j, 4);
        const __m256i a16 = _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(_mm_cvtsi32_si128(four)));
        for (int b = 0; b < NB; ++b)
            for (int i = 0; i < 4; ++i) {
                const __m128i w8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(wb[b] + j * 64 + 16 * i));
                acc[b][i] = _mm256_add_epi32(acc[b][i], _mm256_madd_epi16(_mm256_cvtepu8_epi16(w8), a16));
            }
    }
    for (int b = 0; b < NB; ++b)
        for (int h = 0; h < 2 && blocks.at[b] * 16 + 8 * h < e.n; ++h)
            finish8(fold8(acc[b][2 * h], acc[b][2 * h + 1], a.asum[m0]), m0, blocks.at[b] * 16 + 8 * h, e, a, y);
}

// acc[r][0..1] += R rows (<= 4) x the 8 columns of one half of a block over
// `steps` 4-K steps: `wh` is the half's first weight bytes, `ap` the first
// row's quad of the first step in the int16 panel.
template <int R>
void rows_x8(const uint8_t* wh, const int16_t* ap, int64_t steps, __m256i (&acc)[4][2]) {
    for (int64_t j = 0; j < steps; ++j, wh += 64, ap += kPanelRows * 4) {
        const __m256i w0 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wh)));
        const __m256i w1 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wh + 16)));
        for (int r = 0; r < R; ++r) {
            int64_t quad;
            std::memcpy(&quad, ap + 4 * r, 8);
            const __m256i av = _mm256_set1_epi64x(quad);
            acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(w0, av));  // wraps mod 2^32 like the other tiers
            acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(w1, av));
        }
    }
}

// rows_x8<4> in inline asm: GCC 12 compiles the intrinsics with a register
// copy per accumulator and a spill per step. Per step: 2 widening weight
// loads, 4 broadcast loads, 8 vpmaddwd + 8 vpaddd.
template <>
void rows_x8<4>(const uint8_t* wh, const int16_t* ap, int64_t steps, __m256i (&acc)[4][2]) {
    if (steps == 0) return;
    const int16_t* const ap_end = ap + steps * kPanelRows * 4;
#define JAO_ROW(r, c0, c1)                                     \
    "vpbroadcastq 8*" #r "(%[a]), %%ymm2\n\t"                  \
    "vpmaddwd %%ymm2, %%ymm0, %%ymm3\n\t"                      \
    "vpaddd %%ymm3, %[" #c0 "], %[" #c0 "]\n\t"                \
    "vpmaddwd %%ymm2, %%ymm1, %%ymm2\n\t"                      \
    "vpaddd %%ymm2, %[" #c1 "], %[" #c1 "]\n\t"
    asm volatile(
        "1:\n\t"
        "vpmovzxbw (%[w]), %%ymm0\n\t"
        "vpmovzxbw 16(%[w]), %%ymm1\n\t"
        JAO_ROW(0, c00, c01) JAO_ROW(1, c10, c11) JAO_ROW(2, c20, c21) JAO_ROW(3, c30, c31)
        "add $64, %[w]\n\t"
        "add $64, %[a]\n\t"
        "cmp %[end], %[a]\n\t"
        "jne 1b\n\t"
        : [c00] "+x"(acc[0][0]), [c01] "+x"(acc[0][1]), [c10] "+x"(acc[1][0]), [c11] "+x"(acc[1][1]),
          [c20] "+x"(acc[2][0]), [c21] "+x"(acc[2][1]), [c30] "+x"(acc[3][0]), [c31] "+x"(acc[3][1]), [w] "+r"(wh),
          [a] "+r"(ap)
        : [end] "r"(ap_end)
        : "xmm0", "xmm1", "xmm2", "xmm3", "cc", "memory");
#undef JAO_ROW
}

// K steps per pass of the row tiles over a block: a chunk of the block (64
// bytes a step) and of the 8-row panel (64 bytes a step) stay in L1 while the
// tile's 4 passes (2 halves x 2 row quads) read them. Zen 3, M = 128, 4096^2:
// 64, 128 and 256 steps alike, 7-9 % faster than whole-K passes. The passes
// then run near the vpmaddwd + vpaddd bound (about one pair a cycle there).
constexpr int64_t kChunkSteps = 128;

using RowsFn = void (*)(const uint8_t*, const int16_t*, int64_t, __m256i (&)[4][2]);
constexpr RowsFn kRows[] = {rows_x8<1>, rows_x8<2>, rows_x8<3>, rows_x8<4>};

// Rows m0..m0+mr x one block of 16 columns from the int16 panel; the rows lie in
// one panel (m0 % kPanelRows + mr <= kPanelRows: the driver's row tiles start at
// multiples of 8).
void panel_block(const uint8_t* wb, int64_t steps, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t col0,
                 float* y) {
    const auto* panel = reinterpret_cast<const int16_t*>(a.panel);
    const int16_t* ap = panel + ((m0 - m0 % kPanelRows) * steps + m0 % kPanelRows) * 4;
    __m256i acc[2][2][4][2];  // [half][row quad][row][4-column group]
    for (auto& h : acc)
        for (auto& q : h)
            for (auto& r : q) r[0] = r[1] = _mm256_setzero_si256();
    const int halves = col0 + 8 < e.n ? 2 : 1;
    for (int64_t j0 = 0; j0 < steps; j0 += kChunkSteps) {
        const int64_t js = std::min(kChunkSteps, steps - j0);
        for (int h = 0; h < halves; ++h)
            for (int r = 0; r < mr; r += 4)
                kRows[std::min(4, mr - r) - 1](wb + j0 * 64 + 32 * h, ap + (j0 * kPanelRows + r) * 4, js,
                                               acc[h][r / 4]);
    }
    for (int h = 0; h < halves; ++h)
        for (int r = 0; r < mr; ++r)
            finish8(fold8(acc[h][r / 4][r % 4][0], acc[h][r / 4][r % 4][1], a.asum[m0 + r]), m0 + r, col0 + 8 * h, e,
                    a, y);
}

}  // namespace

void row_stats_avx2(const float* x, int64_t k, int64_t r0, int64_t r1, const Act& a) {
    const __m256i exp_mask = _mm256_set1_epi32(0x7f800000);
    for (int64_t r = r0; r < r1; ++r) {
        const float* row = x + r * k;
        __m256 mn = _mm256_set1_ps(row[0]), mx = mn;
        __m256i bad = _mm256_setzero_si256();
        int64_t i = 0;
        for (; i + 8 <= k; i += 8) {
            _mm_prefetch(reinterpret_cast<const char*>(row + i + kRowPassPrefetchFloats), _MM_HINT_T0);
            const __m256 v = _mm256_loadu_ps(row + i);
            mn = _mm256_min_ps(mn, v);
            mx = _mm256_max_ps(mx, v);
            bad = _mm256_or_si256(bad, _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_castps_si256(v), exp_mask), exp_mask));
        }
        float lanes_mn[8], lanes_mx[8];
        _mm256_storeu_ps(lanes_mn, mn);
        _mm256_storeu_ps(lanes_mx, mx);
        float fmn = lanes_mn[0], fmx = lanes_mx[0];
        for (int l = 1; l < 8; ++l) {
            fmn = lanes_mn[l] < fmn ? lanes_mn[l] : fmn;
            fmx = lanes_mx[l] > fmx ? lanes_mx[l] : fmx;
        }
        int32_t b = !_mm256_testz_si256(bad, bad);
        for (; i < k; ++i) {
            fmn = row[i] < fmn ? row[i] : fmn;
            fmx = row[i] > fmx ? row[i] : fmx;
            uint32_t bits;
            std::memcpy(&bits, row + i, 4);
            b |= (bits & 0x7f800000u) == 0x7f800000u;
        }
        a.mn[r] = fmn;
        a.mx[r] = fmx;
        a.bad[r] = b;
    }
}

void quantize_avx2(const float* x, int64_t k, int64_t r0, int64_t r1, const ActQuant& s, const Act& a) {
    quantize_rows<Avx2>(x, k, r0, r1, s, a);
}

void epilogue_avx2(const Epilogue& e, const Act& a, int64_t r0, int64_t r1, float* y) {
    for (int64_t r = r0; r < r1; ++r) {
        const __m256 s = _mm256_set1_ps(a.scale[r]), corr = _mm256_set1_ps(a.corr[r]);
        float* out = y + r * e.n;
        int64_t col = 0;
        for (; col + 8 <= e.n; col += 8) {
            _mm_prefetch(reinterpret_cast<const char*>(out + col + kRowPassPrefetchFloats), _MM_HINT_T0);
            const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(out + col));
            _mm256_storeu_ps(out + col, epilogue8(c, s, corr, e, col));
        }
        for (; col < e.n; ++col) {
            int32_t c;
            std::memcpy(&c, out + col, 4);
            out[col] = epilogue_one(c, a.scale[r], a.corr[r], e, col);
        }
    }
}

void tile_avx2(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    const int64_t steps = kpad / 4, block_bytes = pack::int8_block_bytes(kpad);
    if (a.panel == nullptr) {  // one row
        for_each_stream_tile<kGemvStreams>(b0, nb, [&](int streams, const TileBlocks& t) {
            constexpr void (*kGemv[])(const uint8_t*, int64_t, const Epilogue&, const Act&, int64_t,
                                      const TileBlocks&, float*) = {gemv<1>, gemv<2>, gemv<3>};
            kGemv[streams - 1](w, kpad, e, a, m0, t, y);
        });
        return;
    }
    for (int b = 0; b < nb; ++b) panel_block(w + (b0 + b) * block_bytes, steps, e, a, m0, mr, (b0 + b) * 16, y);
}

void panel_rows_avx2(const Act& a, int64_t steps, int64_t r0, int64_t r1) {
    auto* panel = reinterpret_cast<int16_t*>(a.panel);
    for (int64_t r = r0; r < r1; ++r) {
        const int8_t* q = a.q + r * a.stride;
        int16_t* p = panel + ((r - r % kPanelRows) * steps + r % kPanelRows) * 4;
        for (int64_t j = 0; j < steps; ++j)
            for (int i = 0; i < 4; ++i) p[kPanelRows * 4 * j + i] = q[4 * j + i];
    }
}

}  // namespace jao::kernels::int8
