// AVX2 tier of the weight-only linear, GEMV part (traits in wo_v256.h; the
// GEMM is in wo_linear_avx2.cpp). Codes of 1 to 7 bits run the shared
// Fp32Steps; 8-bit codes run U8PairSteps below, and a one-row call on 1-, 2-
// or 4-bit codes SubnormalSteps (wo_subnormal_steps.h) where the driver
// prescaled its activations; their staging and the x86 CPU probe are here too.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>

#include "kernels/wo_gemv_tiles.h"
#include "kernels/x86/wo_linear.h"
#include "kernels/x86/wo_v256.h"
#include "kernels/x86/wo_subnormal_steps.h"

namespace jao::kernels::wo {
namespace {

// 8-bit codes, fp32 activations, two K per step, decoded where they lie. A
// chunk holds a K step's 16 codes in 16 bytes, so one 32-byte load holds steps
// 2S and 2S + 1: lane l has the codes of columns 4 (l mod 4) .. +3 at step
// 2S + l / 4, one per byte. Byte b of every lane is spliced under a float
// exponent like Decoder's splice (a mask, an or, a subtract: exact u - center),
// giving q_b = columns {b, 4 + b, 8 + b, 12 + b} at both steps; the activation
// vector holds x[2S] in lanes 0-3 and x[2S + 1] in lanes 4-7. So each block
// keeps 4 accumulators (2 F) whose lanes sum the even and the odd steps of its
// columns apart, like Fp32Steps' two partial sums, in an order total() undoes
// once per group: the results are bit-identical to Fp32Steps'.
// Fp32Steps widens 16 codes with 3 shuffles (vpmovzxbd twice and a byte shift)
// before vpsubd and vcvtdq2ps, and those shuffles bound it: hot-loop microbench
// on a Zen 3 (2026-12-04), 0.105 ns per code against 0.053 here.
struct U8PairSteps {
    using F = V256::F;
    struct X {  // the activations of a step: x at K = 2S and 2S + 1
        float even, odd;
    };
    struct W {
        __m256 q[4];  // q[b]: byte b of each lane, as a float
    };
    static constexpr int kSteps = pack::kWoChunkK / 2;
    static constexpr int kNbit = 8;
    static constexpr int kPartialSums = 2;  // total() reads d[0] = {q[0], q[1]} sums, d[1] = {q[2], q[3]}
    // One block per one-row tile: with two (the tier's 2 streams) 3 of the 8
    // accumulators lived on the stack, and the kernel ran 0.072 ns per code hot
    // against 0.059 (1024 x 1024, 1 thread, Zen 3, 2026-12-04).
    static constexpr int kGemvNb1 = 1;
    __m256 bias_low, bias_high;             // 2^23 + center, 2^15 + center: bytes 0 / 2 and 1 / 3

    explicit U8PairSteps(int center)
        : bias_low(_mm256_set1_ps(static_cast<float>((1 << 23) + center))),
          bias_high(_mm256_set1_ps(static_cast<float>((1 << 15) + center))) {}
    static const X* rows(const Act& a) { return reinterpret_cast<const X*>(a.x); }

    template <int S, int Rows>
    [[gnu::always_inline]] W weights(const uint8_t* chunk) const {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(chunk + S * 2 * pack::kWoNr));
        const __m256i v16 = _mm256_srli_epi32(v, 16);
        const __m256i low = _mm256_set1_epi32(0xFF), high = _mm256_set1_epi32(0xFF00);
        // The exponents of 2^23 (a byte at bits 0-7) and 2^15 (bits 8-15).
        const __m256i exp_low = _mm256_set1_epi32(150 << 23), exp_high = _mm256_set1_epi32(142 << 23);
        const auto splice = [](__m256i w, __m256i mask, __m256i exp, __m256 bias) [[gnu::always_inline]] {
            return _mm256_sub_ps(_mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(w, mask), exp)), bias);
        };
        return {{splice(v, low, exp_low, bias_low), splice(v, high, exp_high, bias_high),
                 splice(v16, low, exp_low, bias_low), splice(v16, high, exp_high, bias_high)}};
    }
    template <int S>
    [[gnu::always_inline]] static __m256 act(const X* xk) {
        const __m128 pair = _mm_castpd_ps(_mm_load_sd(reinterpret_cast<const double*>(xk + S)));
        return _mm256_permutevar8x32_ps(_mm256_castps128_ps256(pair), _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1));
    }
    template <int S, int AS>
    [[gnu::always_inline]] static void add(F (&d)[AS], const W& w, __m256 x) {
        static_assert(AS == kPartialSums);
        d[0].lo = _mm256_fmadd_ps(x, w.q[0], d[0].lo);
        d[0].hi = _mm256_fmadd_ps(x, w.q[1], d[0].hi);
        d[1].lo = _mm256_fmadd_ps(x, w.q[2], d[1].lo);
        d[1].hi = _mm256_fmadd_ps(x, w.q[3], d[1].hi);
    }
    // Even + odd steps of each column, then back to column order: with S_b = the
    // sums of q_b (columns 4i + b at lane i), unpacklo(S_0 S_1, S_2 S_3) holds
    // columns 0 2 4 6 | 1 3 5 7 and unpackhi columns 8 10 12 14 | 9 11 13 15.
    template <int AS>
    [[gnu::always_inline]] static F total(const F (&d)[AS]) {
        const auto halves = [](__m256 a, __m256 b) [[gnu::always_inline]] {  // [S_a | S_b]
            return _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
        };
        const __m256 s01 = halves(d[0].lo, d[0].hi), s23 = halves(d[1].lo, d[1].hi);
        const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        return {_mm256_permutevar8x32_ps(_mm256_unpacklo_ps(s01, s23), order),
                _mm256_permutevar8x32_ps(_mm256_unpackhi_ps(s01, s23), order)};
    }
};

// Nanoseconds of 1024 of SubnormalSteps' decodes and multiplies on hot
// registers (a masked code, read as a float, into an fma whose product is
// normal), with subnormal operands or the same ops on normal ones. A CPU that
// takes a microcode assist on subnormal operands runs the first many times slower.
[[gnu::noinline]] double decode_probe_ns(bool subnormal) {
    const __m256i codes = _mm256_setr_epi32(1, 7, 15, 3, 9, 0, 12, 5);
    // Normal operands: the same codes under the exponent of 1.0 (the or runs either way).
    const __m256i exponent = _mm256_set1_epi32(subnormal ? 0 : 127 << 23);
    const __m256 x = _mm256_set1_ps(0x1p100f);
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    __m256i v = codes;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 256; ++i) {
        for (int j = 0; j < 4; ++j) {
            const __m256 q =
                _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(v, _mm256_set1_epi32(0xF)), exponent));
            acc[j] = _mm256_fmadd_ps(x, q, acc[j]);
            v = _mm256_add_epi32(v, _mm256_set1_epi32(1));
        }
        asm volatile("" : "+x"(v));
    }
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    for (const __m256 a : acc) asm volatile("" : : "x"(a));
    return ns;
}

}  // namespace

// x * 2^(127 - pos - e) with pos = NBIT (kl mod 4) for the K index kl in its
// group (= k mod 4: padded groups start on multiples of 32) and |x| < 2^e;
// *unscale = 2^(22 + e). Two exact power-of-two factors: 2^(127 - pos - e) alone
// leaves the float range for e < 0. Plain loops the compiler vectorizes (the
// largest |x| as bits: inf and NaN are the bits from 0x7f800000 on), on the row
// the driver staged: a one-row call on 16 columns took 14.5 / 38.4 us (K = 4096 /
// 11008) when this staging read x through the driver's per-element reader (two
// integer divisions and an early exit a value), 4.8 / 12.4 now, 4.0 / 10.3 on
// the shift decode without it (one thread, Zen 3, 2026-12-04). xsum[g], the
// group's sum of x over its gpad values (padding is zero), in the order the
// decode sums its products x u (SubnormalSteps::total): so where every code of
// a group is the center c, a power of two, the group's x u total is c X exactly
// and its value fnma(c, X, .) exactly 0, as the ordinary decode's.
bool stage_subnormal_x(const WoLayout& L, const float* x, float* xs, float* unscale, float* xsum) {
    // A caller that flushes subnormals gets the splice decode on every thread of
    // its team, not only on its own (the kernel checks each thread's flags too).
    if (thread_flushes_subnormals()) return false;
    uint32_t amax_bits = 0;
    for (int64_t k = 0; k < L.kpad; ++k) amax_bits = std::max(amax_bits, std::bit_cast<uint32_t>(x[k]) & 0x7fffffffu);
    if (amax_bits >= 0x7f800000u) return false;
    const float amax = std::bit_cast<float>(amax_bits);
    const int e = amax == 0.0f ? 0 : std::ilogb(amax) + 1;
    if (e < -60 || e > 60) return false;
    float first[4];
    for (int j = 0; j < 4; ++j) first[j] = std::ldexp(1.0f, 127 - L.nbit * j - std::max(e, 0));
    const float second = std::ldexp(1.0f, -std::min(e, 0));
    for (int64_t k = 0; k < L.kpad; k += 4)
        for (int j = 0; j < 4; ++j) xs[k + j] = x[k + j] * first[j] * second;
    *unscale = std::ldexp(1.0f, 22 + e);
    for (int64_t g = 0; g < L.groups; ++g) xsum[g] = subnormal_group_sum(x + g * L.gpad, L.gpad);
    return true;
}

bool subnormal_decode_fast() {
    static const bool fast = [] {
        if (thread_flushes_subnormals()) return false;  // the probe would time flushed zeros
        // Best of 5 each, alternating, after a warm-up run (the vector units may start slow).
        decode_probe_ns(false);
        double normal = 1e30, subnormal = 1e30;
        for (int run = 0; run < 5; ++run) {
            normal = std::min(normal, decode_probe_ns(false));
            subnormal = std::min(subnormal, decode_probe_ns(true));
        }
        return subnormal < 1.5 * normal;
    }();
    return fast;
}

void gemv_avx2(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
               int64_t b0, int64_t b1, float* y) {
    if (L.nbit == 8) return tiles::gemv_steps<V256, U8PairSteps>(L, payload, a, r0, r1, b0, b1, y);
    if (gemv_subnormal<V256>(L, payload, a, r0, r1, b0, b1, y)) return;
    tiles::gemv_of_widths<V256, 1, 2, 3, 4, 5, 6, 7>(L, payload, a, m, r0, r1, b0, b1, y);
}

}  // namespace jao::kernels::wo
