// C entry points of jao_aten.h: argument checks, then the format (aten/) and ATen's
// reference kernel (kernels/ref/aten_dyn_quant_ref).
#include <algorithm>
#include <string>
#include <vector>

#include "abi/guard.h"
#include "aten/dyn_quant_fallback.h"
#include "jao/jao_aten.h"
#include "kernels/ref/aten_dyn_quant_ref.h"
#include "kleidiai/kai_layout.h"

using jao::require;
using jao::aten::FallbackShape;
using jao::kai::require_buffer;

namespace {

// ATen's reference kernel sums k products of at most 255 * 8 in int32.
constexpr int64_t kMaxK = 65536;

template <class T>
std::vector<T> buffer(int64_t count) {
    return std::vector<T>(static_cast<size_t>(count));
}

}  // namespace

extern "C" {

JAO_API jao_status jao_aten_dyn_quant_4bit_fallback_packed_size(int64_t n, int64_t k, int64_t block_size,
                                                                int32_t has_bias, int64_t* size) {
    constexpr const char* fn = "jao_aten_dyn_quant_4bit_fallback_packed_size";
    return jao::abi::guarded(fn, [&] {
        require(size != nullptr, fn, "size must not be null");
        *size = jao::aten::packed_size(FallbackShape{n, k, block_size, has_bias}, fn);
    });
}

JAO_API jao_status jao_aten_dyn_quant_4bit_fallback_pack(int64_t n, int64_t k, int64_t block_size,
                                                         const uint8_t* weights, const void* scales,
                                                         int32_t scale_type, const float* bias, void* dst,
                                                         int64_t dst_size) {
    constexpr const char* fn = "jao_aten_dyn_quant_4bit_fallback_pack";
    return jao::abi::guarded(fn, [&] {
        const FallbackShape s{n, k, block_size, bias != nullptr};
        require(weights && scales, fn, "weights and scales must not be null");
        require_buffer(dst, dst_size, jao::aten::packed_size(s, fn), "dst", fn);
        jao::aten::pack(s, weights, scales, scale_type, bias, static_cast<uint8_t*>(dst), fn);
    });
}

JAO_API jao_status jao_aten_dyn_quant_4bit_fallback_unpack(int64_t n, int64_t k, int64_t block_size,
                                                           int32_t has_bias, const void* src, int64_t src_size,
                                                           uint8_t* weights, float* scales, float* bias) {
    constexpr const char* fn = "jao_aten_dyn_quant_4bit_fallback_unpack";
    return jao::abi::guarded(fn, [&] {
        const FallbackShape s{n, k, block_size, has_bias};
        require_buffer(src, src_size, jao::aten::packed_size(s, fn), "src", fn);
        require(has_bias || bias == nullptr, fn, "bias must be null when has_bias is 0");
        const auto* p = static_cast<const uint8_t*>(src);
        if (weights) jao::aten::read_nibbles(s, p, weights, fn);
        if (scales) jao::aten::read_scales(s, p, scales, fn);
        if (bias) jao::aten::read_bias(s, p, bias, fn);
    });
}

JAO_API jao_status jao_aten_dyn_quant_matmul_4bit_fallback(int64_t m, int64_t n, int64_t k, int64_t block_size,
                                                           int32_t has_bias, const float* x, const void* packed,
                                                           int64_t packed_size, float* y) {
    constexpr const char* fn = "jao_aten_dyn_quant_matmul_4bit_fallback";
    return jao::abi::guarded(fn, [&] {
        const FallbackShape s{n, k, block_size, has_bias};
        jao::kai::require_dim(m, "m", fn);
        require(k <= kMaxK, fn, [&] { return "k must be <= " + std::to_string(kMaxK) + " (int32 sums)"; });
        require_buffer(packed, packed_size, jao::aten::packed_size(s, fn), "packed", fn);
        require(x && y, fn, "x and y must not be null");
        jao::kai::checked_mul(m, std::max(n, k), fn);  // x's and y's extents fit int64
        const auto* p = static_cast<const uint8_t*>(packed);
        const jao::aten::FallbackSections c = jao::aten::sections(s, fn);
        auto nibbles = buffer<uint8_t>(c.nibbles);
        auto scales = buffer<float>(c.scales);
        auto bias = buffer<float>(c.bias);
        jao::aten::read_nibbles(s, p, nibbles.data(), fn);
        jao::aten::read_scales(s, p, scales.data(), fn);
        jao::aten::read_bias(s, p, bias.data(), fn);
        jao::kernels::aten::dyn_quant_matmul_4bit(
            m, n, k, block_size, x,
            jao::kernels::aten::Weights{nibbles.data(), scales.data(), has_bias ? bias.data() : nullptr}, y);
    });
}

}  // extern "C"
