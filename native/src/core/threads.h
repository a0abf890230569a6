// One thread budget for jao's kernels and oneDNN (both run on OpenMP/GOMP).
#pragma once

#include <cstdint>

namespace jao::core {

// Activation passes (quantization, widening) of at most this many elements run
// on the calling thread before a kernel's parallel region rather than inside
// it, where the tiles would have to wait at an OpenMP barrier: libgomp's
// barrier makes a futex syscall every time (paravirtualized here), more than
// such a pass takes. Fixed cost of an int4 256 x 256 M=1 call on the reference
// VM: 1 thread 6.1 -> 3.5 us, 2 threads 9.0-9.4 -> 6.5-7.8 us.
constexpr int64_t kSerialPassElems = 16384;

int32_t max_threads() noexcept;
void set_max_threads(int32_t n);  // throws jao::Error when n is out of range

// Threads one call should use now: the budget shared among concurrently
// running jao calls, so many Java threads calling at once do not
// oversubscribe the cores. Hold a CallScope while the call runs.
class CallScope {
public:
    CallScope() noexcept;
    ~CallScope();
    CallScope(const CallScope&) = delete;
    CallScope& operator=(const CallScope&) = delete;
    int32_t threads() const noexcept { return threads_; }

private:
    int32_t threads_;
};

}  // namespace jao::core
