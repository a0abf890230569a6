// Helpers shared by the native benchmarks: timing, the DRAM read bandwidth
// measured in the same run, and oneDNN's s8 matmul called directly (the peer).
#pragma once

#include <dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "jao/jao.h"

namespace jao::bench {

// Weights are cycled through enough copies that every call streams them from
// DRAM: more than the 512 MiB buffer of measured_read_gbs (this host's L3 size
// is not reported; 160 MB copies were partly cache resident on the AMD host).
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

// Read bandwidth of a 512 MiB buffer with `threads` threads (best of 5), measured in the same run.
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

struct Timing {
    double median = 0, best = 0;
};

// Times call(i) (i = call counter, for cycling weight copies): 3 warm-ups,
// then at least 5 calls and up to `seconds`.
template <class Call>
Timing time_calls(Call&& call, double seconds) {
    int64_t i = 0;
    for (int w = 0; w < 3; ++w) call(i++);
    std::vector<double> times;
    const double start = now_s();
    while (times.size() < 5 || (now_s() - start < seconds && times.size() < 2000)) {
        const double t0 = now_s();
        call(i++);
        times.push_back(now_s() - t0);
    }
    std::sort(times.begin(), times.end());
    return {times[times.size() / 2], times[0]};
}

// oneDNN's s8 [M, K] x s8 [K, N] -> s32 matmul on pre-quantized input, weights
// in oneDNN's preferred (format_any) layout, cycled over enough copies to
// stream from DRAM: the peer of jao's int8 paths.
class OnednnS8Matmul {
public:
    OnednnS8Matmul(int64_t m, int64_t k, int64_t n, uint32_t seed)
        : eng_(dnnl::engine::kind::cpu, 0), strm_(eng_) {
        using dt = dnnl::memory::data_type;
        using tag = dnnl::memory::format_tag;
        dnnl::memory::desc a({m, k}, dt::s8, tag::ab), c({m, n}, dt::s32, tag::ab);
        dnnl::matmul::primitive_desc pd(eng_, a, dnnl::memory::desc({k, n}, dt::s8, tag::any), c);
        prim_ = dnnl::matmul(pd);
        impl_ = pd.impl_info_str();
        bytes_ = static_cast<int64_t>(pd.weights_desc().get_size());
        std::mt19937 rng(seed);
        std::uniform_int_distribution<int> d(-128, 127);
        dnnl::memory plain({{k, n}, dt::s8, tag::ab}, eng_);
        for (int64_t i = 0; i < k * n; ++i) static_cast<int8_t*>(plain.get_data_handle())[i] = static_cast<int8_t>(d(rng));
        const int copies = static_cast<int>(std::max<int64_t>(1, (kStreamBytes + bytes_ - 1) / bytes_));
        for (int i = 0; i < copies; ++i) {
            weights_.emplace_back(pd.weights_desc(), eng_);
            dnnl::reorder(plain, weights_.back()).execute(strm_, plain, weights_.back());
        }
        src_ = dnnl::memory(a, eng_);
        for (int64_t i = 0; i < m * k; ++i) static_cast<int8_t*>(src_.get_data_handle())[i] = static_cast<int8_t>(d(rng));
        dst_ = dnnl::memory(c, eng_);
        strm_.wait();
    }
    void run(int64_t i) {
        prim_.execute(strm_, {{DNNL_ARG_SRC, src_}, {DNNL_ARG_WEIGHTS, weights_[i % weights_.size()]}, {DNNL_ARG_DST, dst_}});
        strm_.wait();
    }
    int64_t weight_bytes() const { return bytes_; }
    const std::string& impl() const { return impl_; }

private:
    dnnl::engine eng_;
    dnnl::stream strm_;
    dnnl::matmul prim_;
    std::vector<dnnl::memory> weights_;
    dnnl::memory src_, dst_;
    std::string impl_;
    int64_t bytes_ = 0;
};

}  // namespace jao::bench
