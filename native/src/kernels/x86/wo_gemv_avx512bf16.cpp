// GEMV of the weight-only linear on bf16 activations (avx512_bf16 tier):
// vdpbf16ps multiplies two K steps per instruction, so a 16-column x 2-K step
// costs one shift (most steps), one vpermw and one vdpbf16ps instead of two
// fp32 steps' shift + vpermps + fma each: at M=1 the fp32 GEMV is bound by
// those vector ops on this class of CPU, this one by DRAM.
//
// Codes of 1, 2 or 4 bits (one piece: pack/bit_pieces.h). A 32-bit lane word
// of a plane holds per = 32 / nbit codes of one column; vpermw looks up the low
// 5 bits of each 16-bit half, i.e. the lowest code of each half (the table
// repeats every 2^nbit entries, so the bits above it do not matter). Shifting
// the word by nbit moves to the next code of both halves, so step s pairs
// K = bf16_pair_k(nbit, s) with K + per / 2 (Act::xpairs holds x in that order).
// bf16 x bf16 products are exact in fp32; the sums differ from the fp32 GEMV
// by rounding only (vdpbf16ps also treats subnormal bf16 inputs as zero).
#include "kernels/wo_gemv_tiles.h"
#include "kernels/x86/wo_linear.h"
#include "kernels/x86/wo_v512.h"

namespace jao::kernels::wo {
namespace {

template <int NBIT>
struct Bf16DotSteps {
    static_assert(bf16_dot_nbit(NBIT));
    using F = __m512;
    using X = uint32_t;                                 // two bf16 activations (Act::xpairs)
    static constexpr int kSteps = pack::kWoChunkK / 2;  // 2 K per step
    static constexpr int kNbit = NBIT;
    static constexpr int kHalf = 16 / NBIT;             // codes per 16-bit half of a lane word
    __m512i table;                                      // word i: bf16((i mod 2^NBIT) - center)

    explicit Bf16DotSteps(int center) {
        alignas(64) uint16_t t[32];
        for (int i = 0; i < 32; ++i)
            t[i] = affine::bf16_bits_rne(static_cast<float>((i & ((1 << NBIT) - 1)) - center));
        table = _mm512_load_si512(t);
    }
    static const X* rows(const Act& a) { return a.xpairs; }
    template <int S, int Rows>  // Rows: the tile rows sharing the weights (one decode for all)
    [[gnu::always_inline]] __m512i weights(const uint8_t* chunk) const {
        constexpr int plane = S / kHalf, shift = (S % kHalf) * NBIT;
        __m512i v = _mm512_loadu_si512(chunk + plane * pack::kWoPlaneBytes);
        if constexpr (shift > 0) v = _mm512_srli_epi32(v, shift);
        return _mm512_permutexvar_epi16(v, table);
    }
    template <int S>
    [[gnu::always_inline]] static __m512i act(const X* xk) {
        return _mm512_set1_epi32(static_cast<int>(xk[S]));
    }
    [[gnu::always_inline]] static F madd(F acc, __m512i w, __m512i x) {
        return _mm512_dpbf16_ps(acc, (__m512bh)w, (__m512bh)x);
    }
};

}  // namespace

void gemv_avx512bf16(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
                     int64_t b0, int64_t b1, float* y) {
    (void)m;
    switch (L.nbit) {
        case 1: tiles::gemv_steps<V512, Bf16DotSteps<1>>(L, payload, a, r0, r1, b0, b1, y); break;
        case 2: tiles::gemv_steps<V512, Bf16DotSteps<2>>(L, payload, a, r0, r1, b0, b1, y); break;
        default: tiles::gemv_steps<V512, Bf16DotSteps<4>>(L, payload, a, r0, r1, b0, b1, y); break;
    }
}

}  // namespace jao::kernels::wo
