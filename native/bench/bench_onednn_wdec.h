// oneDNN's matmul with weight decompression called directly: the peer
// jao_bench_wo prints next to jao's weight-only kernels (the issue's "own
// kernels and/or oneDNN weight decompression, whichever is faster per shape"
// is decided by this row).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <dnnl.hpp>

#include "bench_util.h"

namespace jao::bench {

// fp32 x [M, K] times u4 / u8 weights [K, N] in oneDNN's preferred layout, fp32
// scales per group of K (or per column when the group is K), one zero point,
// fpmath strict applied to the integer weights (widened to fp32 inside the
// kernel, no precision traded): the same function as a jao weight-only layer
// without zero points or offsets. Weights are cycled over copies totalling
// stream_bytes, so every call reads them from DRAM like jao's rows.
class OnednnDecompressMatmul {
public:
    // codes [N, K] row-major (jao's order), scales [N, K / group], center the zero point.
    OnednnDecompressMatmul(int nbit, int64_t k, int64_t n, int64_t group, const std::vector<uint8_t>& codes,
                           const std::vector<float>& scales, int center, int64_t stream_bytes)
        : k_(k), n_(n), group_(group), eng_(dnnl::engine::kind::cpu, 0), strm_(eng_) {
        wdt_ = nbit == 4 ? dt::u4 : dt::u8;
        const int64_t groups = k / group;
        scales_ = dnnl::memory({{groups, n}, dt::f32, tag::ab}, eng_);
        auto* s = static_cast<float*>(scales_.get_data_handle());
        for (int64_t c = 0; c < n; ++c)
            for (int64_t g = 0; g < groups; ++g) s[g * n + c] = scales[c * groups + g];
        zero_point_ = dnnl::memory({{1}, dt::s32, tag::a}, eng_);
        *static_cast<int32_t*>(zero_point_.get_data_handle()) = center;
        // Codes as fp32, [K, N] with format ba = jao's [N, K] bytes; a reorder
        // writes them in the primitive's layout (oneDNN has no u4 -> blocked u4 reorder).
        plain_ = dnnl::memory({{k, n}, dt::f32, tag::ba}, eng_);
        auto* f = static_cast<float*>(plain_.get_data_handle());
        for (size_t i = 0; i < codes.size(); ++i) f[i] = static_cast<float>(codes[i]);
        stream_bytes_ = stream_bytes;
    }

    // Builds the primitive for M rows on x / y (reusing the weight copies when its
    // layout is unchanged); false and why() when oneDNN offers no such primitive.
    bool prepare(int64_t m, float* x, float* y) {
        try {
            dnnl::primitive_attr attr;
            attr.set_fpmath_mode(dnnl::fpmath_mode::strict, true);
            if (group_ == k_) attr.set_scales_mask(DNNL_ARG_WEIGHTS, 1 << 1);
            else attr.set_scales(DNNL_ARG_WEIGHTS, (1 << 0) | (1 << 1), {group_, 1}, dt::f32);
            attr.set_zero_points_mask(DNNL_ARG_WEIGHTS, 0);
            const dnnl::memory::desc src({m, k_}, dt::f32, tag::ab), dst({m, n_}, dt::f32, tag::ab);
            dnnl::matmul::primitive_desc pd(eng_, src, dnnl::memory::desc({k_, n_}, wdt_, tag::any), dst, attr);
            prim_ = dnnl::matmul(pd);
            impl_ = pd.impl_info_str();
            if (weights_.empty() || weights_[0].get_desc() != pd.weights_desc()) {
                weights_.clear();
                const auto bytes = static_cast<int64_t>(pd.weights_desc().get_size());
                const int copies = copies_to_stream(stream_bytes_, bytes);
                for (int i = 0; i < copies; ++i) {
                    weights_.emplace_back(pd.weights_desc(), eng_);
                    dnnl::reorder(plain_, weights_.back()).execute(strm_, plain_, weights_.back());
                }
                strm_.wait();
            }
            src_ = dnnl::memory(src, eng_, x);
            dst_ = dnnl::memory(dst, eng_, y);
            return true;
        } catch (const dnnl::error& e) {
            why_ = e.what();
            return false;
        }
    }
    void run(int64_t i) {
        prim_.execute(strm_, {{DNNL_ARG_SRC, src_},
                              {DNNL_ARG_WEIGHTS, weights_[static_cast<size_t>(i) % weights_.size()]},
                              {DNNL_ARG_DST, dst_},
                              {DNNL_ARG_ATTR_SCALES | DNNL_ARG_WEIGHTS, scales_},
                              {DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_WEIGHTS, zero_point_}});
        strm_.wait();
    }
    const std::string& impl() const { return impl_; }
    const std::string& why() const { return why_; }

private:
    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    int64_t k_, n_, group_, stream_bytes_ = 0;
    dt wdt_;
    dnnl::engine eng_;
    dnnl::stream strm_;
    dnnl::memory plain_, scales_, zero_point_, src_, dst_;
    std::vector<dnnl::memory> weights_;
    dnnl::matmul prim_;
    std::string impl_, why_;
};

}  // namespace jao::bench
