// The weight-only kernels, written once over a vector-traits class V whose
// F holds one 16-column block of fp32 (a zmm on AVX-512, two ymm on AVX2,
// four q registers on NEON). Included only by the tier files
// (wo_*_avx2.cpp, wo_*_avx512.cpp, wo_gemv_avx512bf16.cpp,
// kernels/arm/wo_linear_neon.cpp), which compile it with their own flags and
// instantiate it with their traits.
//
// V provides: F, I (16 x fp32 / int32), kLut (a 16-entry fp32 table lookup: vpermps),
// tile constants kGemvMr, kGemvNb1 (blocks per GEMV tile at 1 row), kGemvNb
// (more rows), kGemmMr, kGemmNb, kGemvPrefetchMaxBits (the widest codes whose
// one-row GEMV prefetches its streams in software), kSplice (codes of one piece
// may decode by splicing their bits into a float: Decoder) with
// kSpliceGemvMaxRows (the GEMV tiles of up to that many rows do), and the small
// ops used below (splice, fsub and as_f only where kSplice).
//
// The GEMV is also written over a Steps class: how one step of a 32-K chunk
// decodes weights and multiplies them with activations (weights, act, madd).
// The tile keeps AS partial sums per output (even / odd steps apart when AS = 2)
// and adds them once per group. Optional: kGemvNb1 (blocks per one-row tile;
// else the tier's), and kPartialSums with add and total, for Steps that lay out
// their own partial sums (add: a step's products into them; total: their
// column-ordered sum). Fp32Steps (below, every tier): one K per step, vpermps/cvt + fma.
// Bf16DotSteps (wo_gemv_avx512bf16.cpp): two K per step on bf16 activations,
// vpermw + vdpbf16ps. U8PairSteps (wo_gemv_avx2.cpp): 8-bit codes, two K per
// step, decoded where they lie.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>

#include "core/with_nbit.h"
#include "kernels/ref/wo_kernels.h"
#include "kernels/stream_prefetch.h"

namespace jao::kernels::wo::tiles {

using pack::BitPiece;
using pack::bit_pieces;
using pack::kWoNr;

constexpr int64_t kGemmGroupFloats = 64 * 1024;  // partial sums of one GEMM column group (256 KiB, L2 resident)
// GEMV streams NB blocks at once (NB DRAM streams per thread), prefetched in
// software (kernels/stream_prefetch.h).

// Calls fn(integral_constant<int, J>) for J = 0..N-1, fully unrolled.
template <class Fn, int... J>
[[gnu::always_inline]] inline void unroll_impl(Fn&& fn, std::integer_sequence<int, J...>) {
    (fn(std::integral_constant<int, J>{}), ...);
}
template <int N, class Fn>
[[gnu::always_inline]] inline void unroll(Fn&& fn) {
    unroll_impl(fn, std::make_integer_sequence<int, N>{});
}

// Decodes K step J of a 32-K chunk of one block into 16 fp32 (u - center).
// Two ways for codes of one piece (1, 2, 4 bits) on tiers with kSplice: by
// splicing (get<J, true>) or as the other widths (get<J, false>); both exact.
template <class V, int NBIT>
struct Decoder {
    using F = typename V::F;
    using I = typename V::I;
    static constexpr bool kCanSplice = V::kSplice && NBIT < 8 && pack::bit_pieces(NBIT).count == 1;
    static constexpr bool kLut = V::kLut && NBIT <= 4;
    F table;   // kLut: table[i] = (i mod 2^NBIT) - center, so bits above NBIT never need masking
    I center, mask;
    float splice_bias[23];  // kCanSplice: 2^(23 - pos) + center for a code at bit pos of its lane

    explicit Decoder(int c) {
        alignas(64) float t[16];
        for (int i = 0; i < 16; ++i) t[i] = static_cast<float>((i & ((1 << NBIT) - 1)) - c);
        table = V::load(t);
        center = V::set1i(c);
        mask = V::set1i((1 << NBIT) - 1);
        for (int pos = 0; pos < 23; ++pos) splice_bias[pos] = static_cast<float>((1 << (23 - pos)) + c);
    }

    // Piece P of K step J moved to its bit position (garbage above it).
    template <int P, int J>
    [[gnu::always_inline]] static I piece(const uint8_t* chunk) {
        constexpr BitPiece bp = bit_pieces(NBIT).piece[P];
        constexpr int per = 32 / bp.width, at = (J % per) * bp.width;
        const I v = V::load_i(chunk + (bp.plane_base + J / per) * pack::kWoPlaneBytes);
        if constexpr (at > bp.shift) return V::template srl<at - bp.shift>(v);
        else if constexpr (at < bp.shift) return V::template sll<bp.shift - at>(v);
        else return v;
    }

    template <int J, bool Splice = kCanSplice>
    [[gnu::always_inline]] F get(const uint8_t* chunk) const {
        static_assert(!Splice || kCanSplice);
        if constexpr (NBIT == 8) {
            return V::cvt(V::sub(V::u8(chunk + J * kWoNr), center));
        } else if constexpr (Splice) {
            // The code's bits (at bit pos of the lane) spliced under the exponent of 2^(23 - pos)
            // read as the float 2^(23 - pos) + u; minus 2^(23 - pos) + center that is u - center,
            // exactly: a mask, an or and a subtract where the general way shifts, masks,
            // subtracts and converts. Codes reaching past mantissa bit 22 are first shifted down
            // 12 bits (one shift shared by every such step of a plane).
            constexpr int per = 32 / NBIT, at = (J % per) * NBIT;
            constexpr int lift = at + NBIT > 23 ? 12 : 0, pos = at - lift;
            I v = V::load_i(chunk + (J / per) * pack::kWoPlaneBytes);
            if constexpr (lift > 0) v = V::template srl<lift>(v);
            const I bits = V::splice(v, V::set1i(((1 << NBIT) - 1) << pos), V::set1i((150 - pos) << 23));
            return V::fsub(V::as_f(bits), V::set1(splice_bias[pos]));
        } else {
            constexpr auto ps = bit_pieces(NBIT);
            I u = piece<0, J>(chunk);
            if constexpr (ps.count > 1) u = V::select(V::set1i((1 << ps.piece[1].shift) - 1), u, piece<1, J>(chunk));
            if constexpr (ps.count > 2) u = V::select(V::set1i((1 << ps.piece[2].shift) - 1), u, piece<2, J>(chunk));
            if constexpr (kLut) return V::lut(u, table);
            else return V::cvt(V::sub(V::and_(u, mask), center));
        }
    }
};

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
    static_assert(AS == 1 || AS == 2);
    if constexpr (requires { Steps::kPartialSums; }) return Steps::total(d);
    else if constexpr (AS == 2) return V::add(d[0], d[1]);
    else return d[0];
}

// Scales of a group record (bf16 widened) and the per-group term t = o - s * z.
template <class V>
[[gnu::always_inline]] inline typename V::F rec_scale(const WoLayout& L, const uint8_t* rec) {
    return L.bf16 ? V::bf16(rec + L.scale_off) : V::load(reinterpret_cast<const float*>(rec + L.scale_off));
}
template <class V>
[[gnu::always_inline]] inline typename V::F rec_t(const WoLayout& L, const uint8_t* rec, typename V::F s) {
    const auto o = L.has_off ? V::load(reinterpret_cast<const float*>(rec + L.off_off)) : V::zero();
    if (!L.has_zp) return o;
    return V::fnma(s, V::cvt(V::load_i(rec + L.zp_off)), o);
}

inline int cols_of(const WoLayout& L, int64_t b) { return static_cast<int>(std::min<int64_t>(kWoNr, L.n - b * kWoNr)); }

// ---- GEMV: MR rows x NB blocks, codes decoded in registers, per-group accumulators ----
template <class V, class Steps, int MR, int NB>
void gemv_tile(const WoLayout& L, const uint8_t* payload, const Act& a, const Steps& st, int64_t r0,
               const TileBlocks& blocks, float* y) {
    using F = typename V::F;
    constexpr int AS = gemv_partial_sums<V, Steps, MR>();
    // One row of codes wider than V::kGemvPrefetchMaxBits streams without software prefetch.
    constexpr bool kPrefetch = Steps::kNbit <= V::kGemvPrefetchMaxBits || MR > 1;
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
            for (int r = 0; r < MR; ++r) acc[r][i] = V::fma(s, partial_sums_total<V, Steps>(d[r][i]), acc[r][i]);
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
    const Steps st(L.center);
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

// ---- GEMM: weights of NB blocks x kPanelK decoded to fp32 once, MR x NB*16 register tiles ----
// panel [kc][nb * 16]: w = fma(s, q, t) (s * q without t).
template <class V, int NBIT>
void decode_panel(const WoLayout& L, const uint8_t* payload, const Decoder<V, NBIT>& dec, int64_t b0, int nb,
                  int64_t k0, int64_t kc, float* panel) {
    using F = typename V::F;
    const int64_t ld = int64_t{nb} * kWoNr;
    for (int i = 0; i < nb; ++i)
        for (int64_t kk = k0; kk < k0 + kc; kk += pack::kWoChunkK) {
            const int64_t g = kk / L.gpad;
            const uint8_t* rec = L.record(payload, b0 + i, g);
            const uint8_t* chunk = rec + ((kk % L.gpad) / pack::kWoChunkK) * L.chunk_bytes;
            const F s = rec_scale<V>(L, rec);
            float* out = panel + (kk - k0) * ld + i * kWoNr;
            if (L.has_t()) {
                const F t = rec_t<V>(L, rec, s);
                unroll<pack::kWoChunkK>([&](auto J) [[gnu::always_inline]] {
                    V::store(out + decltype(J)::value * ld, V::fma(s, dec.template get<decltype(J)::value>(chunk), t));
                });
            } else {
                unroll<pack::kWoChunkK>([&](auto J) [[gnu::always_inline]] {
                    V::store(out + decltype(J)::value * ld, V::mul(s, dec.template get<decltype(J)::value>(chunk)));
                });
            }
        }
}

// Where a GEMM tile starts from and where it leaves its sums: in (ld_in floats
// per row), or the bias when in is null; out (ld_out per row): y itself after
// the last K slice (into_y: its last block may be narrower than 16 columns),
// else the partial sums.
struct TileIo {
    const float* in;
    int64_t ld_in;
    float* out;
    int64_t ld_out;
    bool into_y;
};

// io.out[MR, NB*16] = io.in (or the bias) + a[kc][MR] * panel[kc][NB*16].
template <class V, int MR, int NB>
void gemm_tile(const WoLayout& L, const uint8_t* payload, const float* a, int64_t kc, const float* panel, int64_t b0,
               const TileIo& io) {
    using F = typename V::F;
    F acc[MR][NB];
    for (int i = 0; i < NB; ++i) {
        if (!io.in) {
            const F bias = L.has_bias ? V::load(reinterpret_cast<const float*>(L.block(payload, b0 + i) + L.bias_off))
                                      : V::zero();
            for (int r = 0; r < MR; ++r) acc[r][i] = bias;
        } else {
            for (int r = 0; r < MR; ++r) acc[r][i] = V::load(io.in + r * io.ld_in + i * kWoNr);
        }
    }
#pragma GCC unroll 4
    for (int64_t k = 0; k < kc; ++k) {
        F w[NB];
        for (int i = 0; i < NB; ++i) w[i] = V::load(panel + k * NB * kWoNr + i * kWoNr);
        for (int r = 0; r < MR; ++r) {
            const F xb = V::set1(a[k * MR + r]);
            for (int i = 0; i < NB; ++i) acc[r][i] = V::fma(xb, w[i], acc[r][i]);
        }
    }
    for (int i = 0; i < NB; ++i) {
        const int cols = io.into_y ? cols_of(L, b0 + i) : static_cast<int>(kWoNr);
        for (int r = 0; r < MR; ++r) V::store_n(io.out + r * io.ld_out + i * kWoNr, acc[r][i], cols);
    }
}

template <class V, int NB>
void gemm_tile_any(const WoLayout& L, const uint8_t* payload, const float* a, int mr, int64_t kc, const float* panel,
                   int64_t b0, const TileIo& io) {
    unroll<V::kGemmMr>([&](auto R) {
        if (decltype(R)::value + 1 == mr) gemm_tile<V, decltype(R)::value + 1, NB>(L, payload, a, kc, panel, b0, io);
    });
}

// Bytes [begin, end) of block b that decode_panel reads for K slice [k0, k0 + kc):
// the slice's chunks and, where a group ends inside the slice, the rest of its
// record (scales, zero points, offsets). Records follow each other in a block.
struct ByteSpan {
    uintptr_t begin, end;
};
inline ByteSpan slice_span(const WoLayout& L, const uint8_t* payload, int64_t b, int64_t k0, int64_t kc) {
    const auto at = [&](int64_t kk) {
        return L.record(payload, b, kk / L.gpad) + (kk % L.gpad) / pack::kWoChunkK * L.chunk_bytes;
    };
    const int64_t last = k0 + kc - pack::kWoChunkK;
    const bool group_ends = last % L.gpad + pack::kWoChunkK == L.gpad;
    const uint8_t* end = group_ends ? L.record(payload, b, last / L.gpad) + L.group_bytes : at(last) + L.chunk_bytes;
    return {reinterpret_cast<uintptr_t>(at(k0)) & ~uintptr_t{63}, reinterpret_cast<uintptr_t>(end)};
}

// The GEMM's walk over its panels (NB blocks x one K slice): column groups
// whose partial sums (m x group, ~256 KiB) stay in L2; K outer inside a group, so
// the K slice of x (m x kPanelK) is read from L2 by every panel of the group;
// each panel is decoded once and reused by every row tile. The order of the
// sums of each column (K ascending) does not depend on the grouping.
struct PanelWalk {
    int64_t b1, group, kpad;
    int nb_max;

    // The panel after the one at (b, k0) of column group bg: its first block
    // and K in *next_b, *next_k; false after the last.
    bool next(int64_t bg, int64_t b, int64_t k0, int64_t* next_b, int64_t* next_k) const {
        const int64_t bge = std::min(b1, bg + group);
        if (b + nb_max < bge) {
            *next_b = b + nb_max, *next_k = k0;  // the next panel of this K slice
        } else if (k0 + kPanelK < kpad) {
            *next_b = bg, *next_k = k0 + kPanelK;  // the group's next K slice
        } else if (bge < b1) {
            *next_b = bge, *next_k = 0;  // the next column group
        } else {
            return false;
        }
        return true;
    }
};

// Where a row tile of a panel keeps its sums between K slices: each row tile
// of each panel contiguous, rows of nb * 16 floats. Against summing in y
// itself (rows n floats apart): interleaved A/B on a Zen 4, 2 threads, int4 g32
// M = 128, 2026-12-03: 5 % faster at n = 4096 (whose rows, 16 KiB apart, fall
// into the same L2 sets), 1.3 % at n = 11008.
inline float* gemm_partials(const Act& a, int64_t m, int64_t b, int nb, int64_t row) {
    return a.partial + b * kWoNr * m + row * nb * kWoNr;
}

template <class V, int NBIT>
void gemm(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1, int64_t b0,
          int64_t b1, float* y) {
    // A column group's last panel is then full or one block wide (gemm_tile_any<V, 1> below).
    static_assert(V::kGemmNb == 1 || V::kGemmNb == 2);
    const Decoder<V, NBIT> dec(L.center);
    alignas(64) float panel[kPanelK * V::kGemmNb * kWoNr];
    const int64_t tiles = row_tiles(m, V::kGemmMr);
    // The row tiles of [r0, r1) (on tile boundaries, see BlocksFn).
    int64_t t0 = 0;
    while (tile_row(m, tiles, t0) < r0) ++t0;
    int64_t t1 = t0;
    while (t1 < tiles && tile_row(m, tiles, t1) < r1) ++t1;
    const int64_t group = std::max<int64_t>(V::kGemmNb, kGemmGroupFloats / kWoNr / m / V::kGemmNb * V::kGemmNb);
    const PanelWalk walk{b1, group, L.kpad, V::kGemmNb};
    for (int64_t bg = b0; bg < b1; bg += group) {
        const int64_t bge = std::min(b1, bg + group);
        for (int64_t k0 = 0; k0 < L.kpad; k0 += kPanelK) {
            const int64_t kc = std::min<int64_t>(kPanelK, L.kpad - k0);
            const bool first = k0 == 0, last = k0 + kc == L.kpad;
            for (int64_t b = bg; b < bge; b += V::kGemmNb) {
                const int nb = static_cast<int>(std::min<int64_t>(V::kGemmNb, bge - b));
                decode_panel<V, NBIT>(L, payload, dec, b, nb, k0, kc, panel);
                // The next panel's codes come from DRAM: each row tile requests its
                // share of them (interleaved A/B on a Zen 4, int4 g32 M = 128: 3-5 %
                // faster; an L2 hint was 1-3.5 % slower than this one).
                ByteSpan ahead[V::kGemmNb] = {};
                int ahead_blocks = 0;
                int64_t nb_next, k_next;
                if (walk.next(bg, b, k0, &nb_next, &k_next)) {
                    ahead_blocks = static_cast<int>(std::min<int64_t>(V::kGemmNb, b1 - nb_next));
                    for (int i = 0; i < ahead_blocks; ++i)
                        ahead[i] = slice_span(L, payload, nb_next + i, k_next, std::min(kPanelK, L.kpad - k_next));
                }
                for (int64_t t = t0; t < t1; ++t) {
                    for (int i = 0; i < ahead_blocks; ++i) {
                        const auto share = [&](int64_t j) {
                            return ahead[i].begin + (ahead[i].end - ahead[i].begin) * static_cast<uintptr_t>(j - t0) /
                                                        static_cast<uintptr_t>(t1 - t0);
                        };
                        prefetch_lines_starting_in(share(t), share(t + 1));
                    }
                    const int64_t row = tile_row(m, tiles, t);
                    const int mr = static_cast<int>(tile_row(m, tiles, t + 1) - row);
                    const TileIo io{first ? nullptr : gemm_partials(a, m, b, nb, row), nb * kWoNr,
                                    last ? y + row * L.n + b * kWoNr : gemm_partials(a, m, b, nb, row),
                                    last ? L.n : nb * kWoNr, last};
                    const float* ap = a.apack + k0 * m + row * kc;
                    if (nb == V::kGemmNb) gemm_tile_any<V, V::kGemmNb>(L, payload, ap, mr, kc, panel, b, io);
                    else gemm_tile_any<V, 1>(L, payload, ap, mr, kc, panel, b, io);
                }
            }
        }
    }
}

}  // namespace jao::kernels::wo::tiles

// A tier's entry points (BlocksFn, declared in wo_linear.h / kernels/arm/wo_arm.h)
// and its GEMM tile height, defined in namespace jao::kernels::wo by the tier's
// file(s). The GEMV and the GEMM may live in separate files: each is a large
// set of fully unrolled tiles, and separate files compile in parallel.
#define JAO_WO_TIER_GEMV(GEMV, V)                                                                            \
    void GEMV(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,    \
              int64_t b0, int64_t b1, float* y) {                                                            \
        with_nbit(L.nbit, [&](auto nbit) {                                                                   \
            tiles::gemv<V, decltype(nbit)::value>(L, payload, a, m, r0, r1, b0, b1, y);                      \
        });                                                                                                  \
    }
#define JAO_WO_TIER_GEMM(GEMM, GEMM_MR, V)                                                                   \
    const int GEMM_MR = V::kGemmMr;                                                                          \
    void GEMM(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,    \
              int64_t b0, int64_t b1, float* y) {                                                            \
        with_nbit(L.nbit, [&](auto nbit) {                                                                   \
            tiles::gemm<V, decltype(nbit)::value>(L, payload, a, m, r0, r1, b0, b1, y);                      \
        });                                                                                                  \
    }
#define JAO_WO_TIER_ENTRY_POINTS(GEMV, GEMM, GEMM_MR, V) JAO_WO_TIER_GEMV(GEMV, V) JAO_WO_TIER_GEMM(GEMM, GEMM_MR, V)
