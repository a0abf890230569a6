#include "core/threads.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <string>

#include "abi/guard.h"

namespace jao::core {
namespace {

constexpr int32_t kMaxThreads = 4096;

int32_t online_cpus() {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return static_cast<int32_t>(std::clamp<long>(n, 1, kMaxThreads));
}

std::atomic<int32_t>& budget() {
    static std::atomic<int32_t> value{online_cpus()};
    return value;
}

std::atomic<int32_t> calls_in_flight{0};

}  // namespace

int32_t max_threads() noexcept { return budget().load(std::memory_order_relaxed); }

void set_max_threads(int32_t n) {
    if (n < 1 || n > kMaxThreads)
        fail(JAO_INVALID_ARGUMENT,
             "jao_threads_set: thread count must be in [1, " + std::to_string(kMaxThreads) + "], got " + std::to_string(n));
    budget().store(n, std::memory_order_relaxed);
}

CallScope::CallScope() noexcept {
    int32_t concurrent = calls_in_flight.fetch_add(1, std::memory_order_relaxed) + 1;
    threads_ = std::max(1, max_threads() / concurrent);
    omp_set_num_threads(threads_);  // per calling thread: also bounds oneDNN's parallel regions
}

CallScope::~CallScope() { calls_in_flight.fetch_sub(1, std::memory_order_relaxed); }

}  // namespace jao::core
