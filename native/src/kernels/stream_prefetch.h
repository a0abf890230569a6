// Software prefetch of the GEMV-style tiles (intx, int8, weight-only), which at
// M = 1 stream NB column blocks from DRAM at once, each block one sequential
// stream: more streams than the hardware prefetchers keep ahead of.
// The distance was tuned at M = 1 on int4 4096 x 11008. (Prefetching the next
// tile's streams near a block's end, and prefetching into L2 instead of L1,
// measured no better in interleaved runs; 2026-12-01.)
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

// Requests the cache lines that start in [begin, end) + kStreamPrefetchBytes.
// A tile that calls this for each span it consumes, spans back to back, asks
// for every line of its stream exactly once, even when its steps are not
// multiples of 64 bytes: a group record of weights + scales (int4 g32: 288
// bytes) advanced by whole weight chunks alone would skip one line in nine.
inline void prefetch_span_ahead(const uint8_t* begin, const uint8_t* end) {
    const uintptr_t first = (reinterpret_cast<uintptr_t>(begin) + kStreamPrefetchBytes + 63) & ~uintptr_t{63};
    const uintptr_t stop = reinterpret_cast<uintptr_t>(end) + kStreamPrefetchBytes;
    for (uintptr_t line = first; line < stop; line += 64) __builtin_prefetch(reinterpret_cast<const void*>(line), 0, 3);
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
    for (int64_t off = 0; off < kStreamPrefetchBytes; off += 64) __builtin_prefetch(begin + off, 0, 3);
}

}  // namespace jao::kernels
