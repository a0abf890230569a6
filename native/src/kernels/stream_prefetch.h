// Software prefetch of the GEMV-style tiles (intx, int8, weight-only), which at
// M = 1 stream NB column blocks from DRAM at once, each block one sequential
// stream: more streams than the hardware prefetchers keep ahead of.
// The distance was tuned at M = 1 on int4 4096 x 11008. (Prefetching into L2
// instead of L1 measured no better in interleaved runs; 2026-12-01.) Not every
// stream needs it: one row of 8-bit weights (the int8 x int8 GEMV, intx int8)
// and the AVX-512 weight-only GEMV of 5- to 8-bit codes ran faster without it
// (the reasons and figures are at each kernel).
#pragma once

#include <cstdint>

namespace jao::kernels {

constexpr int64_t kStreamPrefetchBytes = 2048;

// How far ahead the int8 linear's passes over x and y (row statistics,
// epilogue) prefetch: at M = 128 their rows come from memory (x was last
// read a call ago; oneDNN wrote y's int32 before it streamed the rest of the
// weights). 128 x 4096 on AVX-512: epilogue 115 -> 55 us, statistics +
// quantization 115 -> 75 us, against a 2.9 ms matmul.
constexpr int64_t kRowPassPrefetchFloats = 512;

// Requests the cache line holding p. The empty asm keeps loops of prefetches
// alive: GCC 12 treats __builtin_prefetch as free of side effects and, under
// C++'s forward-progress rule (-ffinite-loops), deleted a loop of nothing but
// prefetches once it sat behind a branch (a first version of TileStreams
// compiled to no prefetch at all: intx int4 M=1 13-30 % slower).
// Non-temporal (prefetchnta / prfm pldl1strm): the weights are read once per
// call, and the hint keeps them from pushing the activations and outputs out
// of the outer caches. Interleaved A/B against the T0 hint (2 threads, weights
// from DRAM, 2026-12-02): int8 x int8 M=1 0.2-2 %, M=2-8 1.5-3.4 %, intx and
// weight-only M=1 0-1 % faster; M=128 unchanged to 1 % faster. An L2 hint
// (prefetcht1) was 7-15 % slower at M=1.
inline void prefetch_line(const void* p) {
    __builtin_prefetch(p, 0, 0);
    asm volatile("" : : "r"(p));
}

// Requests the cache lines that start in [lo, hi).
inline void prefetch_lines_starting_in(uintptr_t lo, uintptr_t hi) {
    for (uintptr_t line = (lo + 63) & ~uintptr_t{63}; line < hi; line += 64)
        prefetch_line(reinterpret_cast<const void*>(line));
}

// Requests the cache lines that start in [begin, end) + kStreamPrefetchBytes.
// A tile that calls this for each span it consumes, spans back to back, asks
// for every line of its stream exactly once, even when its steps are not
// multiples of 64 bytes: a group record of weights + scales (int4 g32: 288
// bytes) advanced by whole weight chunks alone would skip one line in nine.
inline void prefetch_span_ahead(const uint8_t* begin, const uint8_t* end) {
    prefetch_lines_starting_in(reinterpret_cast<uintptr_t>(begin) + kStreamPrefetchBytes,
                               reinterpret_cast<uintptr_t>(end) + kStreamPrefetchBytes);
}

// Requests the first kStreamPrefetchBytes of a stream, the lines that
// prefetch_span_ahead never asks for: called as a tile starts its streams, it
// spares their first lines a wait on DRAM one by one. intx int4 g32 M=1,
// interleaved A/B: 4096 x 11008 4-7 %, 4096 x 4096 2 %, 11008 x 4096 1 % faster
// (short blocks, many tile starts, gain most); int8 per channel unchanged.
// Weight-only int4 g32 M=1 (2026-12-02, same method): fp32 activations 4 %
// (K = 4096) / 1 % (K = 11008), bf16 activations 3-5 % / 1 %. The int8 x int8
// GEMV and tiles measured no difference (blocks of K x 16 bytes: few starts).
inline void prefetch_stream_head(const uint8_t* begin) {
    for (int64_t off = 0; off < kStreamPrefetchBytes; off += 64) prefetch_line(begin + off);
}

// The column blocks of one GEMV tile, one stream per block, and where each
// stream goes on in the tile after it.
constexpr int kMaxTileBlocks = 4;
struct TileBlocks {
    int64_t at[kMaxTileBlocks];    // the block stream j reads in this tile
    int64_t next[kMaxTileBlocks];  // the block it reads in the next tile, or -1 (it ends here)
    bool heads_prefetched;         // the previous tile's prefetch asked for these blocks' first lines
};

// Walks blocks [b0, b0 + nb) as up to S streams of consecutive blocks, the
// streams equal parts of the range (the longer ones first): tile i reads block
// i of every stream that long, fn(streams, tile). A stream's next block follows
// its current one in memory, so the prefetch distance reaching past a block's
// end asks for the block the stream reads next, as a plain sequential read
// would (and the hardware prefetchers see one long stream, not a jump at every
// tile). Interleaved A/B against tiles of adjacent blocks (each stream jumping S
// blocks ahead at every tile), 2 threads, weights from DRAM (2026-12-02), M=1:
// intx int4 g32 2-7 %, int2 4-10 %, int3 3-5 %, int8 per channel 0-1 %, int8 x
// int8 0-2 %, weight-only 0-14 % faster; M=2-8 (S = 2): int8 x int8 4-12 %,
// intx 3-10 %, weight-only 1-11 %. Not everywhere a gain: intx int3 at M=1 read
// from L2 / L3 (1024^2 to 4096^2) is 8-20 % slower this way, the other widths
// the same; not understood (not the code layout: a build without the 3-stream
// tile is as slow).
template <int S = kMaxTileBlocks, class Fn>
void for_each_stream_tile(int64_t b0, int64_t nb, Fn&& fn) {
    static_assert(S >= 1 && S <= kMaxTileBlocks);
    const int streams = nb < S ? static_cast<int>(nb) : S;
    int64_t start[S], len[S];
    for (int64_t j = 0, at = b0; j < streams; ++j) {
        len[j] = nb / streams + (j < nb % streams ? 1 : 0);
        start[j] = at;
        at += len[j];
    }
    for (int64_t i = 0; i < (streams > 0 ? len[0] : 0); ++i) {
        TileBlocks t;
        int live = 0;
        for (; live < streams && i < len[live]; ++live) {
            t.at[live] = start[live] + i;
            t.next[live] = i + 1 < len[live] ? start[live] + i + 1 : -1;
        }
        t.heads_prefetched = i > 0;
        fn(live, t);
    }
}

// The NB block streams of a GEMV tile (blocks of block_bytes from `payload`),
// whose prefetch runs on into the next tile's streams: the distance reaching
// past a block's end lands in the head of the block the stream reads in the
// next tile (its lines at the same offsets, plus the line holding its start),
// so the next tile's streams are in flight when it starts and the memory
// pipeline does not drain at every tile boundary. intx M=1, interleaved A/B
// (2026-12-02): int4 g32 2-3 % faster, int2 g32 4096 x 11008 8 % (short blocks, many tiles).
template <int NB>
class TileStreams {
    static_assert(NB >= 1 && NB <= kMaxTileBlocks);

public:
    TileStreams(const uint8_t* payload, int64_t block_bytes, const TileBlocks& t)
        : block_bytes_(block_bytes), heads_prefetched_(t.heads_prefetched) {
        for (int j = 0; j < NB; ++j) {
            blk_[j] = payload + t.at[j] * block_bytes;
            next_[j] = t.next[j] >= 0 ? payload + t.next[j] * block_bytes : nullptr;
        }
    }

    const uint8_t* block(int j) const { return blk_[j]; }

    // The first kStreamPrefetchBytes of every stream, unless the previous tile asked for them.
    void prefetch_heads() const {
        if (!heads_prefetched_)
            for (int j = 0; j < NB; ++j) prefetch_stream_head(blk_[j]);
    }

    // prefetch_span_ahead of the span [begin, end) (offsets in a block) of every
    // stream. The test for the block's end is one per call for all streams (they
    // advance in step): a test per stream cost the compute-bound weight-only fp32
    // GEMV 7-11 % from L2.
    void prefetch_span_ahead(int64_t begin, int64_t end) const {
        if (end + kStreamPrefetchBytes <= block_bytes_) {
            for (int j = 0; j < NB; ++j) kernels::prefetch_span_ahead(blk_[j] + begin, blk_[j] + end);
            return;
        }
        const int64_t lo = begin + kStreamPrefetchBytes, hi = end + kStreamPrefetchBytes;
        for (int j = 0; j < NB; ++j) {
            const uintptr_t base = reinterpret_cast<uintptr_t>(blk_[j]);
            prefetch_lines_starting_in(base + lo, base + block_bytes_);
            if (!next_[j]) continue;
            const uintptr_t next = reinterpret_cast<uintptr_t>(next_[j]);
            const uintptr_t from = lo > block_bytes_ ? next + (lo - block_bytes_) : next & ~uintptr_t{63};
            prefetch_lines_starting_in(from, next + (hi - block_bytes_));
        }
    }

private:
    const uint8_t* blk_[NB];
    const uint8_t* next_[NB];
    int64_t block_bytes_;
    bool heads_prefetched_;
};

}  // namespace jao::kernels
