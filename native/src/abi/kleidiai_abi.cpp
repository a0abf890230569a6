// C entry points of jao_kleidiai.h: argument checks and conversion of the caller's
// tensors into row sources; the layouts live in kleidiai/.
#include <algorithm>
#include <string>

#include "abi/guard.h"
#include "jao/jao_kleidiai.h"
#include "kleidiai/kai_layout.h"
#include "kleidiai/kai_packers.h"

using jao::require;
using jao::kai::require_buffer;

namespace {

void require_out(int64_t* size, const char* fn) { require(size != nullptr, fn, "size must not be null"); }

// Plain-tensor row sources.
jao::kai::Qsi4c32pRows qsi4c32p_rows(const jao::kai::Qsi4c32pShape& s, const int8_t* q, const uint16_t* sc,
                                     const float* bias, const char* fn) {
    const int64_t nb = s.k / s.bl;
    return [=](int64_t row, int8_t* qr, uint16_t* scr, float* b) {
        std::copy(q + row * s.k, q + (row + 1) * s.k, qr);
        jao::kai::require_int4(qr, s.k, row, fn);
        std::copy(sc + row * nb, sc + (row + 1) * nb, scr);
        *b = bias ? bias[row] : 0.0f;
    };
}

jao::kai::ChannelRows channel_rows(int64_t k, const int8_t* q, const float* sc, const float* bias) {
    return [=](int64_t row, int8_t* qr, float* scr, float* b) {
        std::copy(q + row * k, q + (row + 1) * k, qr);
        *scr = sc[row];
        *b = bias ? bias[row] : 0.0f;
    };
}

template <class Shape>
void pack_channel(const Shape& s, const int8_t* qvals, const float* scales, const float* bias, void* dst,
                  int64_t dst_size, const char* fn) {
    require(qvals && scales, fn, "qvals and scales must not be null");
    require_buffer(dst, dst_size, jao::kai::packed_size(s, fn), "dst", fn);
    jao::kai::pack(s, channel_rows(s.k, qvals, scales, bias), static_cast<uint8_t*>(dst));
}

template <class Shape>
void unpack_channel(const Shape& s, const void* src, int64_t src_size, int8_t* qvals, float* scales, float* bias,
                    const char* fn) {
    require_buffer(src, src_size, jao::kai::packed_size(s, fn), "src", fn);
    jao::kai::unpack(s, static_cast<const uint8_t*>(src), qvals, scales, bias);
}

}  // namespace

extern "C" {

JAO_API jao_status jao_kai_bf16_from_f32(int64_t count, const float* src, int32_t rounding, uint16_t* dst) {
    constexpr const char* fn = "jao_kai_bf16_from_f32";
    return jao::abi::guarded(fn, [&] {
        require(count >= 0, fn, "count must be >= 0");
        require(count == 0 || (src && dst), fn, "src and dst must not be null");
        require(rounding == JAO_KAI_BF16_TRUNCATE || rounding == JAO_KAI_BF16_NEAREST_EVEN, fn, "unknown rounding");
        for (int64_t i = 0; i < count; ++i)
            dst[i] = rounding == JAO_KAI_BF16_TRUNCATE ? jao::kai::bf16_truncate(src[i])
                                                       : jao::kai::bf16_nearest_even(src[i]);
    });
}

// ---------------------------------------------------------------- qsi4c32p

JAO_API jao_status jao_kai_rhs_qsi4c32p_packed_size(int64_t n, int64_t k, int64_t bl, int32_t nr, int32_t kr,
                                                    int32_t sr, int64_t* size) {
    constexpr const char* fn = "jao_kai_rhs_qsi4c32p_packed_size";
    return jao::abi::guarded(fn, [&] {
        require_out(size, fn);
        *size = jao::kai::packed_size(jao::kai::Qsi4c32pShape{n, k, bl, nr, kr, sr}, fn);
    });
}

JAO_API jao_status jao_kai_rhs_qsi4c32p_pack(int64_t n, int64_t k, int64_t bl, int32_t nr, int32_t kr, int32_t sr,
                                             const int8_t* qvals, const uint16_t* scales_bf16, const float* bias,
                                             void* dst, int64_t dst_size) {
    constexpr const char* fn = "jao_kai_rhs_qsi4c32p_pack";
    return jao::abi::guarded(fn, [&] {
        const jao::kai::Qsi4c32pShape s{n, k, bl, nr, kr, sr};
        require(qvals && scales_bf16, fn, "qvals and scales_bf16 must not be null");
        require_buffer(dst, dst_size, jao::kai::packed_size(s, fn), "dst", fn);
        jao::kai::pack(s, qsi4c32p_rows(s, qvals, scales_bf16, bias, fn), static_cast<uint8_t*>(dst));
    });
}

JAO_API jao_status jao_kai_rhs_qsi4c32p_unpack(int64_t n, int64_t k, int64_t bl, int32_t nr, int32_t kr, int32_t sr,
                                               const void* src, int64_t src_size, int8_t* qvals,
                                               uint16_t* scales_bf16, float* bias) {
    constexpr const char* fn = "jao_kai_rhs_qsi4c32p_unpack";
    return jao::abi::guarded(fn, [&] {
        const jao::kai::Qsi4c32pShape s{n, k, bl, nr, kr, sr};
        require_buffer(src, src_size, jao::kai::packed_size(s, fn), "src", fn);
        jao::kai::unpack(s, static_cast<const uint8_t*>(src), qvals, scales_bf16, bias);
    });
}

// ---------------------------------------------------------------- qsi4cxp

JAO_API jao_status jao_kai_rhs_qsi4cxp_packed_size(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                                   int64_t* size) {
    constexpr const char* fn = "jao_kai_rhs_qsi4cxp_packed_size";
    return jao::abi::guarded(fn, [&] {
        require_out(size, fn);
        *size = jao::kai::packed_size(jao::kai::Qsi4cxpShape{n, k, nr, kr, sr}, fn);
    });
}

JAO_API jao_status jao_kai_rhs_qsi4cxp_pack(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                            const int8_t* qvals, const float* scales, const float* bias, void* dst,
                                            int64_t dst_size) {
    constexpr const char* fn = "jao_kai_rhs_qsi4cxp_pack";
    return jao::abi::guarded(fn, [&] {
        pack_channel(jao::kai::Qsi4cxpShape{n, k, nr, kr, sr}, qvals, scales, bias, dst, dst_size, fn);
    });
}

JAO_API jao_status jao_kai_rhs_qsi4cxp_unpack(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                              const void* src, int64_t src_size, int8_t* qvals, float* scales,
                                              float* bias) {
    constexpr const char* fn = "jao_kai_rhs_qsi4cxp_unpack";
    return jao::abi::guarded(fn, [&] {
        unpack_channel(jao::kai::Qsi4cxpShape{n, k, nr, kr, sr}, src, src_size, qvals, scales, bias, fn);
    });
}

// ---------------------------------------------------------------- qsi8cxp

JAO_API jao_status jao_kai_rhs_qsi8cxp_packed_size(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                                   int64_t* size) {
    constexpr const char* fn = "jao_kai_rhs_qsi8cxp_packed_size";
    return jao::abi::guarded(fn, [&] {
        require_out(size, fn);
        *size = jao::kai::packed_size(jao::kai::Qsi8cxpShape{n, k, nr, kr, sr}, fn);
    });
}

JAO_API jao_status jao_kai_rhs_qsi8cxp_pack(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                            const int8_t* qvals, const float* scales, const float* bias, void* dst,
                                            int64_t dst_size) {
    constexpr const char* fn = "jao_kai_rhs_qsi8cxp_pack";
    return jao::abi::guarded(fn, [&] {
        pack_channel(jao::kai::Qsi8cxpShape{n, k, nr, kr, sr}, qvals, scales, bias, dst, dst_size, fn);
    });
}

JAO_API jao_status jao_kai_rhs_qsi8cxp_unpack(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                              const void* src, int64_t src_size, int8_t* qvals, float* scales,
                                              float* bias) {
    constexpr const char* fn = "jao_kai_rhs_qsi8cxp_unpack";
    return jao::abi::guarded(fn, [&] {
        unpack_channel(jao::kai::Qsi8cxpShape{n, k, nr, kr, sr}, src, src_size, qvals, scales, bias, fn);
    });
}

// ---------------------------------------------------------------- qai8dxp

JAO_API jao_status jao_kai_lhs_qai8dxp_packed_size(int64_t m, int64_t k, int32_t mr, int32_t kr, int32_t sr,
                                                   int64_t* size) {
    constexpr const char* fn = "jao_kai_lhs_qai8dxp_packed_size";
    return jao::abi::guarded(fn, [&] {
        require_out(size, fn);
        *size = jao::kai::packed_size(jao::kai::LhsShape{m, k, mr, kr, sr}, fn);
    });
}

JAO_API jao_status jao_kai_lhs_qai8dxp_pack(int64_t m, int64_t k, int32_t mr, int32_t kr, int32_t sr, const float* x,
                                            int64_t x_row_stride, void* dst, int64_t dst_size) {
    constexpr const char* fn = "jao_kai_lhs_qai8dxp_pack";
    return jao::abi::guarded(fn, [&] {
        const jao::kai::LhsShape s{m, k, mr, kr, sr};
        const int64_t size = jao::kai::packed_size(s, fn);
        require(x != nullptr, fn, "x must not be null");
        require(x_row_stride >= k, fn, "x_row_stride must be >= k");
        require_buffer(dst, dst_size, size, "dst", fn);
        jao::kai::pack(s, x, x_row_stride, static_cast<uint8_t*>(dst));
    });
}

JAO_API jao_status jao_kai_lhs_qai8dxp_unpack(int64_t m, int64_t k, int32_t mr, int32_t kr, int32_t sr,
                                              const void* src, int64_t src_size, int8_t* q, int32_t* neg_zero_point,
                                              float* inv_scale) {
    constexpr const char* fn = "jao_kai_lhs_qai8dxp_unpack";
    return jao::abi::guarded(fn, [&] {
        const jao::kai::LhsShape s{m, k, mr, kr, sr};
        require_buffer(src, src_size, jao::kai::packed_size(s, fn), "src", fn);
        jao::kai::unpack(s, static_cast<const uint8_t*>(src), q, neg_zero_point, inv_scale);
    });
}

// ---------------------------------------------------------------- torchao

JAO_API jao_status jao_kai_torchao_qsi4c32p_packed_size(int64_t n, int64_t k, int64_t group_size, int32_t nr,
                                                        int32_t kr, int32_t sr, int64_t* size) {
    constexpr const char* fn = "jao_kai_torchao_qsi4c32p_packed_size";
    return jao::abi::guarded(fn, [&] {
        require_out(size, fn);
        *size = jao::kai::packed_size(jao::kai::TorchaoShape{n, k, group_size, nr, kr, sr}, fn);
    });
}

JAO_API jao_status jao_kai_torchao_qsi4c32p_pack(int64_t n, int64_t k, int64_t group_size, int32_t nr, int32_t kr,
                                                 int32_t sr, const int8_t* qvals, const float* scales,
                                                 const float* bias, void* dst, int64_t dst_size) {
    constexpr const char* fn = "jao_kai_torchao_qsi4c32p_pack";
    return jao::abi::guarded(fn, [&] {
        const jao::kai::TorchaoShape s{n, k, group_size, nr, kr, sr};
        require(qvals && scales, fn, "qvals and scales must not be null");
        require_buffer(dst, dst_size, jao::kai::packed_size(s, fn), "dst", fn);
        jao::kai::pack(s, qvals, scales, bias, static_cast<uint8_t*>(dst), fn);
    });
}

JAO_API jao_status jao_kai_torchao_qsi4c32p_unpack(int64_t n, int64_t k, int64_t group_size, const void* src,
                                                   int64_t src_size, int8_t* qvals, float* scales, float* bias) {
    constexpr const char* fn = "jao_kai_torchao_qsi4c32p_unpack";
    return jao::abi::guarded(fn, [&] {
        jao::kai::unpack(jao::kai::TorchaoShape{n, k, group_size, 8, 16, 2}, static_cast<const uint8_t*>(src),
                         src_size, qvals, scales, bias, fn);
    });
}

// ---------------------------------------------------------------- ATen

JAO_API jao_status jao_kai_aten_dyn_quant_4bit_packed_size(int64_t n, int64_t k, int64_t block_size, int64_t* size) {
    constexpr const char* fn = "jao_kai_aten_dyn_quant_4bit_packed_size";
    return jao::abi::guarded(fn, [&] {
        require_out(size, fn);
        *size = jao::kai::packed_size(jao::kai::AtenShape{n, k, block_size}, fn);
    });
}

JAO_API jao_status jao_kai_aten_dyn_quant_4bit_pack(int64_t n, int64_t k, int64_t block_size, const uint8_t* weights,
                                                    const void* scales, int32_t scale_type, const float* bias,
                                                    void* dst, int64_t dst_size) {
    constexpr const char* fn = "jao_kai_aten_dyn_quant_4bit_pack";
    return jao::abi::guarded(fn, [&] {
        const jao::kai::AtenShape s{n, k, block_size};
        require(weights && scales, fn, "weights and scales must not be null");
        require_buffer(dst, dst_size, jao::kai::packed_size(s, fn), "dst", fn);
        jao::kai::pack(s, weights, scales, scale_type, bias, static_cast<uint8_t*>(dst), fn);
    });
}

JAO_API jao_status jao_kai_aten_dyn_quant_4bit_unpack(int64_t n, int64_t k, int64_t block_size, const void* src,
                                                      int64_t src_size, uint8_t* weights, void* scales,
                                                      float* bias) {
    constexpr const char* fn = "jao_kai_aten_dyn_quant_4bit_unpack";
    return jao::abi::guarded(fn, [&] {
        const jao::kai::AtenShape s{n, k, block_size};
        require_buffer(src, src_size, jao::kai::packed_size(s, fn), "src", fn);
        jao::kai::unpack(s, static_cast<const uint8_t*>(src), weights, scales, bias);
    });
}

}  // extern "C"
