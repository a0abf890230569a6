// AVX-512 vector traits of the weight-only tiles (kernels/wo_decode.h): one zmm = one
// 16-column block. nbit <= 4 decodes with vpermps from a 16-entry table (it
// reads only the low 4 bits of each index, so a shifted plane needs no mask).
// Included by each AVX-512 tier file (wo_gemv_avx512.cpp,
// wo_gemv_wide_avx512.cpp, wo_linear_avx512.cpp, wo_gemv_avx512bf16.cpp). The
// anonymous namespace is deliberate: each tier file compiles these inline
// functions, and the templates instantiated with them, with its own ISA flags,
// so they must never be merged across files by the linker (a copy built with
// -mavx512bf16 could run on a CPU without it).
#pragma once

#include <immintrin.h>

#include <cstdint>

// GCC 12 flags the _mm512_undefined_* operands inside vpmovzx / vcvtdq2ps intrinsics.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace jao::kernels::wo {
namespace {

struct V512 {
    using F = __m512;
    using I = __m512i;
    static constexpr bool kLut = true;
    // No splice decode (kernels/wo_decode.h, Decoder): it runs a mask, an or and a subtract where
    // the table needs a shift and a vpermps, and GCC fuses the mask and the or into a
    // vpternlogd that overwrites its input, so every step also copies the plane; int4 g32
    // M=1 was 6 % slower from DRAM, 13 % hot (Zen 4, 2026-12-03).
    static constexpr bool kSplice = false;
    static constexpr int kSpliceGemvMaxRows = 0;
    // One row streams 3 blocks at once: interleaved A/B against 4 on a Zen 4 (2 threads,
    // weights from DRAM, 2026-12-03): bf16 activations int4 g32 0.91-0.94 of the time,
    // int2 0.94; fp32 activations int4 0.94-0.95, int8 per channel 0.96-0.97 (13 of 13
    // rows faster); 2 blocks were 0.89-0.95 of 4 for bf16 int4 but slower than 3.
    static constexpr int kGemvMr = 4, kGemvNb1 = 3, kGemvNb = 2;
    // The subnormal decode (wo_subnormal_steps.h): its one-row tile, 4 blocks (one activation
    // broadcast for 4 fma; against 3 on a Zen 4, 2026-12-04, int4 g32 hot: 4096 x 4096, 2 threads,
    // median ms 0.220-0.229 -> 0.208-0.216; 2048 x 768, 1 thread, 0.040 -> 0.038), without software
    // prefetch. Three A/B runs, 2 threads, weights from DRAM, Zen 4 (2026-12-04), % of the read
    // probe, int4 g32 bf16 / fp32 scales (3 shapes each): with prefetch 73-98 %, without 73-106 %
    // (14 of 18 rows >= 95 %): the decode keeps up with memory and the prefetch only costs.
    static constexpr int kSubnormalGemvNb1 = 4;
    static constexpr bool kSubnormalGemvPrefetch = false;
    static constexpr int kGemmMr = 12, kGemmNb = 2;
    // Interleaved A/B of the one-row GEMV without its stream prefetch (2 threads,
    // weights from DRAM, 2026-12-02): 5 to 7 bits 3-12 % faster (compute-bound: the
    // prefetch instructions only cost), 8 bits -3 to 10 % (faster in 6 of 7 runs);
    // 4 bits -2 to 9 %, within this host's noise (the same build ran -6 to 9 % against
    // itself), kept.
    static constexpr int kGemvPrefetchMaxBits = 4;

    static F zero() { return _mm512_setzero_ps(); }
    static F set1(float v) { return _mm512_set1_ps(v); }
    static I set1i(int v) { return _mm512_set1_epi32(v); }
    static F load(const float* p) { return _mm512_loadu_ps(p); }
    static void store(float* p, F v) { _mm512_storeu_ps(p, v); }
    static __mmask16 cols_mask(int cols) { return static_cast<__mmask16>((1u << cols) - 1u); }
    static F load_n(const float* p, int cols) { return _mm512_maskz_loadu_ps(cols_mask(cols), p); }
    static void store_n(float* p, F v, int cols) { _mm512_mask_storeu_ps(p, cols_mask(cols), v); }
    static F add(F a, F b) { return _mm512_add_ps(a, b); }
    static F fsub(F a, F b) { return _mm512_sub_ps(a, b); }
    static F as_f(I v) { return _mm512_castsi512_ps(v); }
    static F mul(F a, F b) { return _mm512_mul_ps(a, b); }
    static F fma(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
    static F fnma(F a, F b, F c) { return _mm512_fnmadd_ps(a, b, c); }
    static I load_i(const uint8_t* p) { return _mm512_loadu_si512(p); }
    static I u8(const uint8_t* p) { return _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
    template <int S>
    static I srl(I v) { return _mm512_srli_epi32(v, S); }
    template <int S>
    static I sll(I v) { return _mm512_slli_epi32(v, S); }
    static I select(I mask, I a, I b) { return _mm512_ternarylogic_epi32(mask, a, b, 0xCA); }  // mask ? a : b
    static I and_(I a, I b) { return _mm512_and_si512(a, b); }
    static I sub(I a, I b) { return _mm512_sub_epi32(a, b); }
    static F cvt(I v) { return _mm512_cvtepi32_ps(v); }
    static F lut(I idx, F table) { return _mm512_permutexvar_ps(idx, table); }
    static F bf16(const uint8_t* p) {
        const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    }
};

}  // namespace
}  // namespace jao::kernels::wo
