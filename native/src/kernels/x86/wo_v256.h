// AVX2 vector traits of the weight-only tiles (kernels/wo_decode.h): a 16-column block
// is two ymm (the traits pair them so the tiles are shared with AVX-512).
// vpermps on ymm indexes only 8 entries, so codes decode by shift / and /
// convert. Included by the AVX2 tier files (wo_gemv_avx2.cpp,
// wo_linear_avx2.cpp); anonymous namespace for the reason given in wo_v512.h.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace jao::kernels::wo {
namespace {

struct V256 {
    struct F {
        __m256 lo, hi;
    };
    struct I {
        __m256i lo, hi;
    };
    static constexpr bool kLut = false;
    // Codes of 1 to 7 bits decode by splicing (kernels/wo_decode.h, Decoder) in the one-row GEMV
    // and the GEMM panels; the 2-row GEMV tile keeps shift / and / sub / cvt. Interleaved
    // A/B on a Zen 4 (AVX2 tier, 2 threads, weights from DRAM, 2026-12-03), int4 g32:
    // M=1 0.85-0.92 of the time (3 shapes), GEMM M=8-32 0.96-0.99, M=128 0.99; the
    // 2-row tile 1.00-1.05 (M=2, 4: its constants no longer fit the 16 ymm).
    static constexpr bool kSplice = true;
    static constexpr int kSpliceGemvMaxRows = 1;
    static constexpr int kGemvMr = 2, kGemvNb1 = 2, kGemvNb = 1;
    // The subnormal decode (wo_subnormal_steps.h) streams one block: with two, its 12 accumulators
    // (three partial sums each) beside 4 masks and 4 biases spilled.
    static constexpr int kSubnormalGemvNb1 = 1;
    // With software prefetch: it cost ~4 % in cache but helped from DRAM on a Zen 3 (2026-12-04).
    static constexpr bool kSubnormalGemvPrefetch = true;
    static constexpr int kGemmMr = 6, kGemmNb = 1;
    // Every width prefetches: without it 5, 6 and 8 bits ran 1-5 % slower (2026-12-02).
    static constexpr int kGemvPrefetchMaxBits = 8;

    static F zero() { return {_mm256_setzero_ps(), _mm256_setzero_ps()}; }
    static F set1(float v) { return {_mm256_set1_ps(v), _mm256_set1_ps(v)}; }
    static I set1i(int v) { return {_mm256_set1_epi32(v), _mm256_set1_epi32(v)}; }
    static F load(const float* p) { return {_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)}; }
    static void store(float* p, F v) {
        _mm256_storeu_ps(p, v.lo);
        _mm256_storeu_ps(p + 8, v.hi);
    }
    static __m256i lane_mask(int cols, int first) {
        const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        return _mm256_cmpgt_epi32(_mm256_set1_epi32(cols - first), idx);
    }
    static F load_n(const float* p, int cols) {
        if (cols == 16) return load(p);
        return {_mm256_maskload_ps(p, lane_mask(cols, 0)), _mm256_maskload_ps(p + 8, lane_mask(cols, 8))};
    }
    static void store_n(float* p, F v, int cols) {
        if (cols == 16) return store(p, v);
        _mm256_maskstore_ps(p, lane_mask(cols, 0), v.lo);
        _mm256_maskstore_ps(p + 8, lane_mask(cols, 8), v.hi);
    }
    static F add(F a, F b) { return {_mm256_add_ps(a.lo, b.lo), _mm256_add_ps(a.hi, b.hi)}; }
    static F fsub(F a, F b) { return {_mm256_sub_ps(a.lo, b.lo), _mm256_sub_ps(a.hi, b.hi)}; }
    static F as_f(I v) { return {_mm256_castsi256_ps(v.lo), _mm256_castsi256_ps(v.hi)}; }
    static I splice(I v, I mask, I bits) {  // v & mask | bits
        return {_mm256_or_si256(_mm256_and_si256(v.lo, mask.lo), bits.lo),
                _mm256_or_si256(_mm256_and_si256(v.hi, mask.hi), bits.hi)};
    }
    static F mul(F a, F b) { return {_mm256_mul_ps(a.lo, b.lo), _mm256_mul_ps(a.hi, b.hi)}; }
    static F fma(F a, F b, F c) { return {_mm256_fmadd_ps(a.lo, b.lo, c.lo), _mm256_fmadd_ps(a.hi, b.hi, c.hi)}; }
    static F fnma(F a, F b, F c) { return {_mm256_fnmadd_ps(a.lo, b.lo, c.lo), _mm256_fnmadd_ps(a.hi, b.hi, c.hi)}; }
    static I load_i(const uint8_t* p) {
        return {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)),
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32))};
    }
    // Two 8-byte loads: a 16-byte load needs a byte shift (a third shuffle) for its upper
    // half (hot-loop microbench on a Zen 3, 2026-12-04: 0.085 against 0.105 ns per code).
    static I u8(const uint8_t* p) {
        return {_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))),
                _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + 8)))};
    }
    template <int S>
    static I srl(I v) { return {_mm256_srli_epi32(v.lo, S), _mm256_srli_epi32(v.hi, S)}; }
    template <int S>
    static I sll(I v) { return {_mm256_slli_epi32(v.lo, S), _mm256_slli_epi32(v.hi, S)}; }
    static I select(I m, I a, I b) {
        return {_mm256_or_si256(_mm256_and_si256(m.lo, a.lo), _mm256_andnot_si256(m.lo, b.lo)),
                _mm256_or_si256(_mm256_and_si256(m.hi, a.hi), _mm256_andnot_si256(m.hi, b.hi))};
    }
    static I and_(I a, I b) { return {_mm256_and_si256(a.lo, b.lo), _mm256_and_si256(a.hi, b.hi)}; }
    static I sub(I a, I b) { return {_mm256_sub_epi32(a.lo, b.lo), _mm256_sub_epi32(a.hi, b.hi)}; }
    static F cvt(I v) { return {_mm256_cvtepi32_ps(v.lo), _mm256_cvtepi32_ps(v.hi)}; }
    static F lut(I, F table) { return table; }  // unused: kLut is false
    static F bf16(const uint8_t* p) {
        const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
        return {_mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(lo), 16)),
                _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(hi), 16))};
    }
};

}  // namespace
}  // namespace jao::kernels::wo
