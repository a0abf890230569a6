// Software prefetch distance of the GEMV-style tiles (intx, int8, weight-only),
// which at M = 1 stream NB column blocks from DRAM at once, each block one
// sequential stream: more streams than the hardware prefetchers keep ahead of.
// Tuned at M = 1 on int4 4096 x 11008. (Prefetching the next tile's streams
// near a block's end, and prefetching into L2 instead of L1, measured no
// better in interleaved runs; 2026-12-01.)
#pragma once

#include <cstdint>

namespace jao::kernels {

constexpr int64_t kStreamPrefetchBytes = 2048;

}  // namespace jao::kernels
