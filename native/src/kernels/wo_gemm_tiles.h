// The weight-only GEMM (more rows: the codes of a panel of blocks x one K slice
// decoded to fp32 once, then MR x NB*16 register tiles), written once over a
// vector-traits class V (wo_decode.h).
#pragma once

#include "core/with_nbit.h"
#include "kernels/stream_prefetch.h"
#include "kernels/wo_decode.h"

namespace jao::kernels::wo::tiles {

constexpr int64_t kGemmGroupFloats = 64 * 1024;  // partial sums of one GEMM column group (256 KiB, L2 resident)

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

// A tier's GEMM entry point (BlocksFn, declared in x86/wo_linear.h /
// arm/wo_arm.h) for every code width and its tile height GEMM_MR, defined in
// namespace jao::kernels::wo by the tier's file.
#define JAO_WO_TIER_GEMM(GEMM, GEMM_MR, V)                                                                   \
    const int GEMM_MR = V::kGemmMr;                                                                          \
    void GEMM(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1,    \
              int64_t b0, int64_t b1, float* y) {                                                            \
        with_nbit(L.nbit, [&](auto nbit) {                                                                   \
            tiles::gemm<V, decltype(nbit)::value>(L, payload, a, m, r0, r1, b0, b1, y);                      \
        });                                                                                                  \
    }
