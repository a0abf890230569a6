// Helpers shared by the native benchmarks: clock, status check, medians and
// the DRAM read bandwidth probe every bench reports its GB/s against.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "jao/jao.h"

namespace jao::bench {

inline double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline void check(jao_status st, const char* what) {
    if (st != JAO_OK) {
        std::fprintf(stderr, "%s failed: %s\n", what, jao_last_error());
        std::exit(1);
    }
}

// `threads`-thread read bandwidth of a 512 MiB buffer (best of 5), measured in the same run.
inline double measured_read_gbs(int threads) {
    const size_t n = (size_t{512} << 20) / 8;
    std::vector<uint64_t> buf(n, 1);
    double best = 0;
    for (int rep = 0; rep < 5; ++rep) {
        uint64_t total = 0;
        const double t0 = now_s();
#pragma omp parallel for num_threads(threads) reduction(+ : total) schedule(static)
        for (size_t i = 0; i < n; ++i) total += buf[i];
        const double t = now_s() - t0;
        if (total != n) std::exit(3);
        best = std::max(best, static_cast<double>(n * 8) / t * 1e-9);
    }
    return best;
}

// Times fn(i) (i = call counter) after 3 warm-up calls: at least 5 calls and
// `seconds`, at most 2000; returns the sorted times.
template <class Fn>
std::vector<double> time_calls(double seconds, Fn&& fn) {
    int i = 0;
    for (int w = 0; w < 3; ++w) fn(i++);
    std::vector<double> times;
    const double start = now_s();
    while (times.size() < 5 || (now_s() - start < seconds && times.size() < 2000)) {
        const double t0 = now_s();
        fn(i++);
        times.push_back(now_s() - t0);
    }
    std::sort(times.begin(), times.end());
    return times;
}

inline double median(const std::vector<double>& sorted) { return sorted[sorted.size() / 2]; }

}  // namespace jao::bench
