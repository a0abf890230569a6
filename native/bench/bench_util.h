// Helpers shared by the native benchmarks: clock, status check, medians and
// the DRAM read bandwidth probe every bench reports its GB/s against.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include <omp.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "jao/jao.h"

namespace jao::bench {

// Weights are cycled through enough copies that every call streams them from
// DRAM: more than the 512 MiB buffer of measured_read_gbs.
constexpr int64_t kStreamBytes = int64_t{640} << 20;
constexpr double kDramGBs = 20.0;  // notes/performance-baselines.md, 2 threads

inline double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline void check(jao_status st, const char* what) {
    if (st != JAO_OK) {
        std::fprintf(stderr, "%s failed: %s\n", what, jao_last_error());
        std::exit(1);
    }
}

// Sums n words from 4 interleaved streams of q words each; AVX2 loads and
// software prefetch like the kernels, so the probe is not the bottleneck.
#if defined(__x86_64__)
__attribute__((target("avx2"))) inline uint64_t sum_streams(const uint64_t* s, size_t q) {
    __m256i acc[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
    for (size_t i = 0; i + 4 <= q; i += 4)
        for (int j = 0; j < 4; ++j) {
            const uint64_t* p = s + j * q + i;
            _mm_prefetch(reinterpret_cast<const char*>(p + 256), _MM_HINT_T0);
            acc[j] = _mm256_add_epi64(acc[j], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
        }
    alignas(32) uint64_t out[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(out), _mm256_add_epi64(_mm256_add_epi64(acc[0], acc[1]),
                                                                         _mm256_add_epi64(acc[2], acc[3])));
    return out[0] + out[1] + out[2] + out[3];
}
#else
inline uint64_t sum_streams(const uint64_t* s, size_t q) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    for (size_t i = 0; i + 4 <= q; i += 4)
        for (size_t j = 0; j < 4; ++j) {
            a += s[i + j];
            b += s[q + i + j];
            c += s[2 * q + i + j];
            d += s[3 * q + i + j];
        }
    return a + b + c + d;
}
#endif

// `threads`-thread read bandwidth of a 512 MiB buffer (best of 5), measured in
// the same run: each thread reads 4 interleaved streams of its share (one
// stream per thread under-reports what kernels reading several streams get).
inline double measured_read_gbs(int threads) {
    const size_t n = (size_t{512} << 20) / 8;
    std::vector<uint64_t> buf(n, 1);
    const size_t q = n / static_cast<size_t>(threads) / 4 / 4 * 4;  // words per stream
    double best = 0;
    for (int rep = 0; rep < 5; ++rep) {
        uint64_t total = 0;
        const double t0 = now_s();
#pragma omp parallel num_threads(threads) reduction(+ : total)
        total += sum_streams(buf.data() + static_cast<size_t>(omp_get_thread_num()) * 4 * q, q);
        const double t = now_s() - t0;
        if (total != q * 4 * static_cast<size_t>(threads)) std::exit(3);
        best = std::max(best, static_cast<double>(total * 8) / t * 1e-9);
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

// Median and best of a sorted list of times.
struct Timing {
    double median = 0, best = 0;
};
inline Timing timing_of(const std::vector<double>& sorted) { return {median(sorted), sorted[0]}; }

// time_calls(seconds, fn) summarized.
template <class Fn>
Timing timed(Fn&& fn, double seconds) {
    return timing_of(time_calls(seconds, std::forward<Fn>(fn)));
}

}  // namespace jao::bench
