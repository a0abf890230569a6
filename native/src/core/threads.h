// One thread budget for jao's kernels and oneDNN (both run on OpenMP/GOMP).
#pragma once

#include <cstdint>

namespace jao::core {

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
