// The one-row GEMV's subnormal decode of 1-, 2- and 4-bit codes (Steps of
// kernels/wo_gemv_tiles.h), written once over the x86 vector traits (wo_v256.h,
// wo_v512.h) and included by their GEMV files after them; anonymous namespace for
// the reason given in wo_v512.h. The driver stages its activations
// (stage_subnormal_x, x86/wo_gemv_avx2.cpp) and uses it only where subnormal
// operands cost no more than normal ones (subnormal_decode_fast) and the calling
// thread flushes none.
#pragma once

#include <immintrin.h>

#include "core/with_nbit.h"
#include "kernels/wo_gemv_tiles.h"
#include "kernels/x86/wo_linear.h"

namespace jao::kernels::wo {
namespace {

// Flush-to-zero (bit 15) and denormals-are-zero (bit 6) of this thread's MXCSR.
inline bool thread_flushes_subnormals() { return (_mm_getcsr() & 0x8040u) != 0; }

// Codes of 1, 2 or 4 bits decoded as subnormal floats: one op a vector (an
// and) where Decoder's splice takes three and its table two on the shuffle
// ports (shift, vpermps). A code u at bit pos of its lane, masked, reads as the
// float u * 2^(pos - 149) (exponent field 0: no implicit one to or in and
// subtract). Each group of four codes of a lane is first shifted down to bits
// 0 .. 4 NBIT - 1 (one shift per four steps), so pos is NBIT (step mod 4): four
// masks. The activations come prescaled (Act::xs): x * 2^(127 - pos - e) for a
// row whose |x| < 2^e, so every product is x u * 2^-(22 + e), exact while it
// stays a normal float (terms within 2^-104 of the row's largest |x|). The
// center c is not subtracted code by code but once a group: its value is
// fnma(c, X, 2^(22 + e) T) (group_value), T the total of three partial sums of
// x u (step mod 3) and X the group's sum of x in the same order (Act::xsum,
// subnormal_group_sum): a group whose codes are all a power-of-two center
// comes out exactly 0. Otherwise the split's rounding error is bounded by
// eps sum |x| (u + c) where summing x (u - c) is bounded by eps sum |x| |u - c|
// (one full-significand x: up to (u + c) / |u - c| half-ulps of the term, not
// one). Every x86 tier runs the same sums, so they agree bit for bit.
// Why not subtract c per code (two ops: and, subtract, as Decoder's splice
// does with an or more): hot-loop microbench on a Zen 4 (2026-12-04), cycles
// per 16 weights: fma alone 1.0, and + fma 1.44, and + subtract + fma 1.9-2.0,
// shift + vpermps + fma 1.8-2.3; 4096 x 4096 int4 g32 in L3, 2 threads, best
// ms: table 0.298-0.312, and + subtract 0.284, and alone 0.213.
template <class V, int NBIT>
struct SubnormalSteps {
    static_assert(NBIT == 1 || NBIT == 2 || NBIT == 4);
    using F = typename V::F;
    using I = typename V::I;
    using X = float;
    static constexpr int kSteps = pack::kWoChunkK;
    static constexpr int kNbit = NBIT;
    static constexpr int kGemvNb1 = V::kSubnormalGemvNb1;
    static constexpr bool kGemvPrefetch = V::kSubnormalGemvPrefetch;
    // Partial sums per output: on AVX2 (one block a tile) the fma latency bounds 2 x 2 chains. One
    // thread, 4096 x 4096 int4 weights in cache, Zen 3, best ms (2026-12-04): 2 sums 0.800 (g32) /
    // 0.774 (g128) / 0.765 (g4096), 3 sums 0.769 / 0.656 / 0.618, 4 sums (8 accumulators: the group's
    // epilogue spills) 0.834 / 0.680 / 0.628.
    static constexpr int kPartialSums = 3;
    float unscale_factor, center;

    SubnormalSteps(int c, const Act& a) : unscale_factor(a.xs_unscale), center(static_cast<float>(c)) {}
    static const X* rows(const Act& a) { return a.xs; }

    template <int S, int Rows>
    [[gnu::always_inline]] F weights(const uint8_t* chunk) const {
        constexpr int per = 32 / NBIT, code = S % per, shift = code / 4 * 4 * NBIT, pos = code % 4 * NBIT;
        I v = V::load_i(chunk + (S / per) * pack::kWoPlaneBytes);
        if constexpr (shift > 0) v = V::template srl<shift>(v);
        return V::as_f(V::and_(v, V::set1i(((1 << NBIT) - 1) << pos)));
    }
    template <int S>
    [[gnu::always_inline]] static F act(const X* xk) {
        return V::set1(xk[S]);
    }
    template <int S, int AS>
    [[gnu::always_inline]] static void add(F (&d)[AS], F w, F x) {
        static_assert(AS == kPartialSums);
        d[S % AS] = V::fma(x, w, d[S % AS]);
    }
    // The sum that takes a group's last step comes in last: the other two add
    // while its final fma runs, so the group's epilogue waits one add, not two,
    // behind its chains. One thread, int4 g32, Zen 3, best ms (2026-12-04):
    // 1024 x 768 in L2 0.0390 -> 0.0377, 4096 x 4096 from L3 0.777 -> 0.750.
    template <int AS>
    [[gnu::always_inline]] static F total(const F (&d)[AS]) {
        static_assert(AS == 3);
        constexpr int last = (kSteps - 1) % AS;  // every chunk of a group starts at step 0
        return V::add(V::add(d[(last + 1) % AS], d[(last + 2) % AS]), d[last]);
    }
    // A group's sum of x (u - c) from the total of its products x u and its sum of x.
    [[gnu::always_inline]] F group_value(F total, float xsum) const {
        return V::fnma(V::set1(center), V::set1(xsum), V::mul(total, V::set1(unscale_factor)));
    }
};

// The sum of a group's n activations (n a multiple of kWoChunkK) in the order
// SubnormalSteps sums its products: three partial sums, step s of each chunk
// into sum s mod 3, added as total() adds them.
inline float subnormal_group_sum(const float* x, int64_t n) {
    constexpr int kLast = (pack::kWoChunkK - 1) % 3;  // SubnormalSteps::total's
    float d[3] = {};
    for (int64_t k = 0; k < n; ++k) d[(k % pack::kWoChunkK) % 3] += x[k];
    return (d[(kLast + 1) % 3] + d[(kLast + 2) % 3]) + d[kLast];
}

// The one-row GEMV through SubnormalSteps for L's code width, when the driver
// staged Act::xs (and Act::xsum) and this thread flushes no subnormals (a
// worker of a team whose caller flushes gets no staging: stage_subnormal_x);
// false: not run.
template <class V>
bool gemv_subnormal(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t r0, int64_t r1, int64_t b0,
                    int64_t b1, float* y) {
    if (!a.xs || !subnormal_nbit(L.nbit) || thread_flushes_subnormals()) return false;
    with_nbit(L.nbit, [&](auto nbit) {
        constexpr int kNbit = decltype(nbit)::value;
        if constexpr (subnormal_nbit(kNbit)) {
            // One-row tiles only: the driver stages one row (Act::xs holds one), so the taller
            // tiles gemv_steps would instantiate could never run.
            const SubnormalSteps<V, kNbit> st(L.center, a);
            for (int64_t r = r0; r < r1; ++r)
                tiles::gemv_rows<V, SubnormalSteps<V, kNbit>, 1>(L, payload, a, st, r, b0, b1, y);
        }
    });
    return true;
}

}  // namespace
}  // namespace jao::kernels::wo
