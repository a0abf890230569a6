// Sustained read bandwidth of this machine, the roof every M=1 (weight-streaming)
// figure is compared against: measured in the same run as the kernels, because
// shared hosts drift by tens of percent between runs.
#pragma once

#include <cstdint>

namespace jao::core {

// GB/s of each of `passes` passes of `threads` threads reading `bytes` of memory
// (allocated and filled here, so it is not in any cache when bytes >> L3) into
// gbs[0..passes). Throws jao::Error for out-of-range arguments, std::bad_alloc
// when the buffer cannot be allocated.
void measure_read_passes(int64_t bytes, int32_t threads, int32_t passes, double* gbs);

// The best of measure_read_passes(bytes, threads, repeats).
double measure_read_bandwidth(int64_t bytes, int32_t threads, int32_t repeats);

}  // namespace jao::core
