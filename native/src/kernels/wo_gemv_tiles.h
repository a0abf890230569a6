// The weight-only GEMV (few rows: codes decoded in registers, per-group
// accumulators), written once over a vector-traits class V (wo_decode.h) and a
// Steps class: how one step of a 32-K chunk decodes weights and multiplies them
// with activations (weights, act, madd). The tile keeps AS partial sums per
// output (even / odd steps apart when AS = 2) and adds them once per group.
// Optional: kGemvNb1 (blocks per one-row tile; else the tier's), kGemvPrefetch
// (whether the tile prefetches its streams in software; else by code width), and
// kPartialSums with add and total, for Steps that lay out their own partial sums
// (add: a step's products into them; total: their column-ordered sum).
// Fp32Steps (below, every tier): one K per step, vpermps/cvt + fma.
// Bf16DotSteps (x86/wo_gemv_avx512bf16.cpp): two K per step on bf16 activations,
// vpermw + vdpbf16ps. U8PairSteps (x86/wo_gemv_avx2.cpp): 8-bit codes, two K per
// step, decoded where they lie. SubnormalSteps (x86/wo_subnormal_steps.h): 1-,
// 2- and 4-bit codes read as subnormal floats against prescaled activations,
// with their own group_value (below).
#pragma once

#include <type_traits>

#include "core/with_nbit.h"
#include "kernels/stream_prefetch.h"
#include "kernels/wo_decode.h"

namespace jao::kernels::wo::tiles {

// fp32 activations, one K per step: q = decoded code, acc = fma(x, q, acc).
template <class V, int NBIT>
struct Fp32Steps {
    using F = typename V::F;
    using X = float;                                // activation element (Act::x)
    static constexpr int kSteps = pack::kWoChunkK;  // steps per 32-K chunk
    static constexpr int kNbit = NBIT;
    Decoder<V, NBIT> dec;

    explicit Fp32Steps(int center) : dec(center) {}
    static const X* rows(const Act& a) { return a.x; }
    // Rows: the tile rows that share the decoded weights.
    template <int S, int Rows>
    [[gnu::always_inline]] F weights(const uint8_t* chunk) const {
        return dec.template get<S, Decoder<V, NBIT>::kCanSplice && Rows <= V::kSpliceGemvMaxRows>(chunk);
    }
    template <int S>
    [[gnu::always_inline]] static F act(const X* xk) {
        return V::set1(xk[S]);
    }
    [[gnu::always_inline]] static F madd(F acc, F w, F x) { return V::fma(x, w, acc); }
};

// Blocks per GEMV tile of MR rows, and partial sums per output (AS) of such a
// tile: the Steps' own (see above) or the tier's and, for AS, 2 (even / odd
// steps apart) when the tile alone gives too few independent chains to hide the
// fma latency. From the tile's full column width, not the blocks of a remainder
// tile: that must sum in the same order as a full one, since which blocks end
// up in remainders depends on the thread's block range.
template <class V, class Steps, int MR>
constexpr int gemv_blocks() {
    if constexpr (MR == 1 && requires { Steps::kGemvNb1; }) return Steps::kGemvNb1;
    else return MR == 1 ? V::kGemvNb1 : V::kGemvNb;
}
template <class V, class Steps, int MR>
constexpr int gemv_partial_sums() {
    if constexpr (requires { Steps::kPartialSums; }) return Steps::kPartialSums;
    else return MR * gemv_blocks<V, Steps, MR>() < 8 ? 2 : 1;
}

// Step S's products w * x into the AS partial sums d of one output, and their
// total in column order: the Steps' own add / total where it has kPartialSums.
template <class V, class Steps, int S, int AS, class W, class X>
[[gnu::always_inline]] inline void add_step(typename V::F (&d)[AS], const W& w, const X& x) {
    if constexpr (requires { Steps::kPartialSums; }) Steps::template add<S>(d, w, x);
    else d[S % AS] = Steps::madd(d[S % AS], w, x);
}
template <class V, class Steps, int AS>
[[gnu::always_inline]] inline typename V::F partial_sums_total(const typename V::F (&d)[AS]) {
    if constexpr (requires { Steps::kPartialSums; }) {
        return Steps::total(d);
    } else {
        static_assert(AS == 1 || AS == 2);
        if constexpr (AS == 2) return V::add(d[0], d[1]);
        else return d[0];
    }
}

// A group's sum of x (u - c) as the tile scales it, from its partial sums' total
// and its sum of x (Act::xsum[row_group]): Steps whose products are not that sum
// (SubnormalSteps: x u times a power of two) have their own group_value.
template <class Steps, class F>
[[gnu::always_inline]] inline F group_value(const Steps& st, F total, const Act& a, int64_t row_group) {
    if constexpr (requires { st.group_value(total, 0.0f); }) return st.group_value(total, a.xsum[row_group]);
    else return total;
}

// ---- GEMV: MR rows x NB blocks, codes decoded in registers, per-group accumulators ----
template <class V, class Steps, int MR, int NB>
void gemv_tile(const WoLayout& L, const uint8_t* payload, const Act& a, const Steps& st, int64_t r0,
               const TileBlocks& blocks, float* y) {
    using F = typename V::F;
    constexpr int AS = gemv_partial_sums<V, Steps, MR>();
    // One row of codes wider than V::kGemvPrefetchMaxBits streams without software prefetch;
    // Steps with kGemvPrefetch decide for themselves.
    constexpr bool kPrefetch = [] {
        if constexpr (requires { Steps::kGemvPrefetch; }) return Steps::kGemvPrefetch;
        else return Steps::kNbit <= V::kGemvPrefetchMaxBits || MR > 1;
    }();
    // K per activation element (Steps::X: 1 fp32, or 2 packed bf16) and the row stride in elements.
    constexpr int64_t kKPerX = pack::kWoChunkK / Steps::kSteps;
    const int64_t stride = L.kpad / kKPerX;
    F acc[MR][NB];
    for (int r = 0; r < MR; ++r)
        for (int i = 0; i < NB; ++i) acc[r][i] = V::zero();
    const typename Steps::X* x0 = Steps::rows(a) + r0 * stride;
    if (kPrefetch && !blocks.heads_prefetched)
        for (int i = 0; i < NB; ++i) prefetch_stream_head(L.block(payload, blocks.at[i]));
    for (int64_t g = 0; g < L.groups; ++g) {
        const uint8_t* rec[NB];
        for (int i = 0; i < NB; ++i) rec[i] = L.record(payload, blocks.at[i], g);
        F d[MR][NB][AS];
        for (int r = 0; r < MR; ++r)
            for (int i = 0; i < NB; ++i)
                for (int h = 0; h < AS; ++h) d[r][i][h] = V::zero();
        for (int64_t ch = 0; ch < L.chunks; ++ch) {
            const typename Steps::X* xk = x0 + (g * L.gpad + ch * pack::kWoChunkK) / kKPerX;
            const int64_t off = ch * L.chunk_bytes;
            // The last chunk of a group also owns the rest of its record (scales, ...). Past
            // the block's end the prefetch runs into the next block in memory: the block the
            // stream reads next when the tiles walk streams of consecutive blocks.
            if constexpr (kPrefetch) {
                const int64_t span_end = ch + 1 < L.chunks ? off + L.chunk_bytes : L.group_bytes;
                for (int i = 0; i < NB; ++i) prefetch_span_ahead(rec[i] + off, rec[i] + span_end);
            }
            unroll<Steps::kSteps>([&](auto S) [[gnu::always_inline]] {
                constexpr int j = decltype(S)::value;
                decltype(st.template weights<j, MR>(rec[0])) q[NB];
                for (int i = 0; i < NB; ++i) q[i] = st.template weights<j, MR>(rec[i] + off);
                for (int r = 0; r < MR; ++r) {
                    const auto xb = Steps::template act<j>(xk + r * stride);
                    for (int i = 0; i < NB; ++i) add_step<V, Steps, j>(d[r][i], q[i], xb);
                }
            });
        }
        for (int i = 0; i < NB; ++i) {
            const F s = rec_scale<V>(L, rec[i]);
            for (int r = 0; r < MR; ++r) {
                const F value = group_value(st, partial_sums_total<V, Steps>(d[r][i]), a, (r0 + r) * L.groups + g);
                acc[r][i] = V::fma(s, value, acc[r][i]);
            }
            if (L.has_t()) {
                const F t = rec_t<V>(L, rec[i], s);
                for (int r = 0; r < MR; ++r)
                    acc[r][i] = V::fma(t, V::set1(a.xsum[(r0 + r) * L.groups + g]), acc[r][i]);
            }
        }
    }
    for (int i = 0; i < NB; ++i) {
        const int64_t b = blocks.at[i];
        const F bias = L.has_bias ? V::load(reinterpret_cast<const float*>(L.block(payload, b) + L.bias_off)) : V::zero();
        for (int r = 0; r < MR; ++r) V::store_n(y + (r0 + r) * L.n + b * kWoNr, V::add(acc[r][i], bias), cols_of(L, b));
    }
}

// Rows [r, r + MR) x blocks [b0, b1) as tiles over NB streams of consecutive
// blocks (kernels/stream_prefetch.h; NB: gemv_blocks),
// whose prefetch past a block's end fetches the stream's next block (interleaved
// A/B against tiles of adjacent blocks, 2 threads, 2026-12-02: M=1 int4 g32 bf16
// activations 8-9 %, int2 14 %, int8 3 %, int4 fp32 0-6 %; M=2 int4 / int8
// 7-11 %, M=4 1-8 % faster); a tile whose streams are fewer (the last, at most)
// runs one block at a time.
template <class V, class Steps, int MR>
void gemv_rows(const WoLayout& L, const uint8_t* payload, const Act& a, const Steps& st, int64_t r, int64_t b0,
               int64_t b1, float* y) {
    constexpr int NB = gemv_blocks<V, Steps, MR>();
    const auto run = [&](int w, const TileBlocks& t) {
        if (w == NB) return gemv_tile<V, Steps, MR, NB>(L, payload, a, st, r, t, y);
        for (int i = 0; i < w; ++i) {
            const TileBlocks one{{t.at[i]}, {t.next[i]}, t.heads_prefetched};
            gemv_tile<V, Steps, MR, 1>(L, payload, a, st, r, one, y);
        }
    };
    for_each_stream_tile<NB>(b0, b1 - b0, run);
}

// Rows [r0, r1) in tiles of kGemvMr, then 2, then 1 rows (three tile heights keep the
// instantiations, and the compile time of the fully unrolled tiles, down).
template <class V, class Steps>
void gemv_steps(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t r0, int64_t r1, int64_t b0,
                int64_t b1, float* y) {
    static_assert(V::kGemvMr == 2 || V::kGemvMr == 4);
    static_assert(kGemvUnitRows % V::kGemvMr == 0, "GEMV row units must start on this tier's tile boundaries");
    const Steps st = [&] {  // Steps that read the activations' staging take Act too
        if constexpr (std::is_constructible_v<Steps, int, const Act&>) return Steps(L.center, a);
        else return Steps(L.center);
    }();
    int64_t r = r0;
    for (; r + V::kGemvMr <= r1; r += V::kGemvMr) gemv_rows<V, Steps, V::kGemvMr>(L, payload, a, st, r, b0, b1, y);
    if constexpr (V::kGemvMr == 4)
        if (r + 2 <= r1) {
            gemv_rows<V, Steps, 2>(L, payload, a, st, r, b0, b1, y);
            r += 2;
        }
    if (r < r1) gemv_rows<V, Steps, 1>(L, payload, a, st, r, b0, b1, y);
}

template <class V, int NBIT>
void gemv(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1, int64_t b0,
          int64_t b1, float* y) {
    (void)m;
    gemv_steps<V, Fp32Steps<V, NBIT>>(L, payload, a, r0, r1, b0, b1, y);
}

// gemv<V, NBIT> for L's code width, one of NBITS: a tier whose GEMV is split
// across files by code width instantiates each file's widths only.
template <class V, int... NBITS>
void gemv_of_widths(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,
                    int64_t b0, int64_t b1, float* y) {
    ((L.nbit == NBITS ? gemv<V, NBITS>(L, payload, a, m, r0, r1, b0, b1, y) : void()), ...);
}

}  // namespace jao::kernels::wo::tiles

// A tier's GEMV entry point (BlocksFn, declared in x86/wo_linear.h /
// arm/wo_arm.h) for every code width, defined in namespace jao::kernels::wo by
// the tier's file (JAO_WO_TIER_GEMM in wo_gemm_tiles.h is its GEMM: the two are
// large sets of fully unrolled tiles, and separate files compile in parallel).
#define JAO_WO_TIER_GEMV(GEMV, V)                                                                            \
    void GEMV(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,    \
              int64_t b0, int64_t b1, float* y) {                                                            \
        with_nbit(L.nbit, [&](auto nbit) {                                                                   \
            tiles::gemv<V, decltype(nbit)::value>(L, payload, a, m, r0, r1, b0, b1, y);                      \
        });                                                                                                  \
    }
