// oneDNN's s8 matmul called directly: the peer the int8 benches print next
// to jao's paths (same shape, pre-quantized input, weights streamed from DRAM).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <dnnl.hpp>

#include "bench_util.h"

namespace jao::bench {

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
        const int copies = copies_to_stream(kStreamBytes, bytes_);
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
    int copies() const { return static_cast<int>(weights_.size()); }
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
