// AVX2 tier of the int8 x int8 linear (contract: kernels/ref/int8_kernels.h).
// vpmaddubsw would saturate u8 x s8 pairs, so the tile widens both operands to
// int16 and uses vpmaddwd (exact): each 16-byte quarter of a weight vector (4
// columns x 4 K) gives 4 columns x 2 partial sums, folded once per tile.
#include <immintrin.h>

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

// Writes 16 columns of c (int32, exact) of one row through the epilogue.
void finish16(const int32_t c[16], int64_t row, int64_t col0, const Epilogue& e, const Act& a, float* y) {
    const __m256 s = _mm256_set1_ps(a.scale[row]), corr = _mm256_set1_ps(a.corr[row]);
    float* out = y + row * e.n;
    for (int h = 0; h < 16; h += 8) {
        const int64_t col = col0 + h;
        if (col + 8 <= e.n) {
            const __m256i cv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c + h));
            _mm256_storeu_ps(out + col, epilogue8(cv, s, corr, e, col));
        } else {
            for (int64_t i = col; i < e.n && i < col + 8; ++i)
                out[i] = epilogue_one(c[i - col0], a.scale[row], a.corr[row], e, i);
        }
    }
}

// One row x one block: 16 exact int32 dot products.
void dot_block(const uint8_t* wb, int64_t steps, const int8_t* q, int32_t asum, int32_t c[16]) {
    __m256i acc[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
    for (int64_t j = 0; j < steps; ++j) {
        int32_t four;
        std::memcpy(&four, q + 4 * j, 4);
        const __m256i a16 = _mm256_broadcastq_epi64(_mm_cvtepi8_epi16(_mm_cvtsi32_si128(four)));
        const uint8_t* v = wb + j * 64;
        for (int i = 0; i < 4; ++i) {
            const __m256i w16 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + 16 * i)));
            acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(w16, a16));  // wraps mod 2^32 like the other tiers
        }
    }
    // acc[i] lanes: columns 4i..4i+3, two partial sums each; hadd pairs them, the permute restores column order.
    const __m256i order = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
    const __m256i off = _mm256_set1_epi32(static_cast<int32_t>(128u * static_cast<uint32_t>(asum)));
    const __m256i lo = _mm256_permutevar8x32_epi32(_mm256_hadd_epi32(acc[0], acc[1]), order);
    const __m256i hi = _mm256_permutevar8x32_epi32(_mm256_hadd_epi32(acc[2], acc[3]), order);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(c), _mm256_sub_epi32(lo, off));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + 8), _mm256_sub_epi32(hi, off));
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
    const int64_t steps = kpad / 4;
    for (int b = 0; b < nb; ++b)
        for (int r = 0; r < mr; ++r) {
            int32_t c[16];
            dot_block(w + (b0 + b) * pack::int8_block_bytes(kpad), steps, a.q + (m0 + r) * a.stride, a.asum[m0 + r], c);
            finish16(c, m0 + r, (b0 + b) * 16, e, a, y);
        }
}

}  // namespace jao::kernels::int8
