// Sustained read bandwidth of this machine, the roof every M=1 (weight-streaming)
// figure is compared against: measured in the same run as the kernels, because
// shared hosts drift by tens of percent between runs.
#pragma once

#include <cstdint>

namespace jao::core {

// Best of `repeats` passes of `threads` threads reading `bytes` of memory
// (allocated and filled here, so it is not in any cache when bytes >> L3), in GB/s.
// Throws jao::Error for out-of-range arguments, std::bad_alloc when the buffer cannot be allocated.
double measure_read_bandwidth(int64_t bytes, int32_t threads, int32_t repeats);

}  // namespace jao::core
