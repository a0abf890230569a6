// C entry points of the matmul section of jao_kleidiai.h: every operand is checked
// against the packers' own rules and sizes before kernels/kai/ reads a byte.
#include <cmath>
#include <cfloat>
#include <string>
#include <vector>

#include "abi/guard.h"
#include "jao/jao_kleidiai.h"
#include "kernels/kai/kai_matmul.h"
#include "kleidiai/kai_layout.h"
#include "kleidiai/kai_packers.h"

using jao::require;
using jao::kai::require_buffer;
namespace kk = jao::kernels::kai;

namespace {

struct Operands {
    const void* lhs;
    int64_t lhs_size;
    const void* rhs;
    int64_t rhs_size;
    float* y;
    int64_t y_row_stride;
    float clamp_min, clamp_max;
};

// Checks everything but the LHS buffer and returns the kernels' geometry. rhs_shape is
// the packers' shape of the RHS format (validated and sized by them).
template <class RhsShape>
kk::Geometry checked_geometry(kk::RhsFormat format, const RhsShape& rhs_shape, int64_t m, int64_t bl, int32_t mr,
                              const Operands& op, const char* fn) {
    jao::kai::validate(jao::kai::LhsShape{m, rhs_shape.k, mr, rhs_shape.kr, rhs_shape.sr}, fn);
    const int64_t rhs_need = jao::kai::packed_size(rhs_shape, fn);
    const int32_t kl = rhs_shape.kr / rhs_shape.sr;
    require(kl == 4 || kl == 8 || kl == 16, fn,
            [&] {
                return "kr / sr must be 4, 8 or 16 (KleidiAI has no matmul for kr / sr = " + std::to_string(kl) + ")";
            });
    require(rhs_shape.k <= kk::kMaxK, fn,
            [&] { return "k must be <= " + std::to_string(kk::kMaxK) + " (int32 sums)"; });
    require_buffer(op.rhs, op.rhs_size, rhs_need, "rhs_packed", fn);
    require(op.y != nullptr, fn, "y must not be null");
    require(op.y_row_stride >= rhs_shape.n, fn, "y_row_stride must be >= n");
    jao::kai::checked_mul(op.y_row_stride, m, fn);  // y's extent fits int64
    require(!std::isnan(op.clamp_min) && !std::isnan(op.clamp_max) && op.clamp_min <= op.clamp_max, fn,
            "clamp_min must be <= clamp_max (and neither NaN)");
    return kk::geometry(format, m, rhs_shape.n, rhs_shape.k, bl, mr, rhs_shape.nr, rhs_shape.kr, rhs_shape.sr);
}

void compute(const kk::Geometry& g, const Operands& op) {
    kk::matmul(g, static_cast<const uint8_t*>(op.lhs), static_cast<const uint8_t*>(op.rhs),
               kk::Output{op.y, op.y_row_stride, op.clamp_min, op.clamp_max}, kk::active_block_sums());
}

template <class RhsShape>
void run(kk::RhsFormat format, const RhsShape& rhs_shape, int64_t m, int64_t bl, int32_t mr, const Operands& op,
         const char* fn) {
    const kk::Geometry g = checked_geometry(format, rhs_shape, m, bl, mr, op, fn);
    const jao::kai::LhsShape lhs_shape{m, rhs_shape.k, mr, rhs_shape.kr, rhs_shape.sr};
    require_buffer(op.lhs, op.lhs_size, jao::kai::packed_size(lhs_shape, fn), "lhs_packed", fn);
    compute(g, op);
}

}  // namespace

extern "C" {

JAO_API jao_status jao_kai_matmul_f32_qai8dxp_qsi4c32p(int64_t m, int64_t n, int64_t k, int64_t bl, int32_t mr,
                                                      int32_t nr, int32_t kr, int32_t sr, const void* lhs_packed,
                                                      int64_t lhs_size, const void* rhs_packed, int64_t rhs_size,
                                                      float* y, int64_t y_row_stride, float clamp_min,
                                                      float clamp_max) {
    constexpr const char* fn = "jao_kai_matmul_f32_qai8dxp_qsi4c32p";
    return jao::abi::guarded(fn, [&] {
        run(kk::RhsFormat::Qsi4c32p, jao::kai::Qsi4c32pShape{n, k, bl, nr, kr, sr}, m, bl, mr,
            Operands{lhs_packed, lhs_size, rhs_packed, rhs_size, y, y_row_stride, clamp_min, clamp_max}, fn);
    });
}

JAO_API jao_status jao_kai_matmul_f32_qai8dxp_qsi4cxp(int64_t m, int64_t n, int64_t k, int32_t mr, int32_t nr,
                                                     int32_t kr, int32_t sr, const void* lhs_packed,
                                                     int64_t lhs_size, const void* rhs_packed, int64_t rhs_size,
                                                     float* y, int64_t y_row_stride, float clamp_min,
                                                     float clamp_max) {
    constexpr const char* fn = "jao_kai_matmul_f32_qai8dxp_qsi4cxp";
    return jao::abi::guarded(fn, [&] {
        run(kk::RhsFormat::Qsi4cxp, jao::kai::Qsi4cxpShape{n, k, nr, kr, sr}, m, k, mr,
            Operands{lhs_packed, lhs_size, rhs_packed, rhs_size, y, y_row_stride, clamp_min, clamp_max}, fn);
    });
}

JAO_API jao_status jao_kai_matmul_f32_qai8dxp_qsi8cxp(int64_t m, int64_t n, int64_t k, int32_t mr, int32_t nr,
                                                     int32_t kr, int32_t sr, const void* lhs_packed,
                                                     int64_t lhs_size, const void* rhs_packed, int64_t rhs_size,
                                                     float* y, int64_t y_row_stride, float clamp_min,
                                                     float clamp_max) {
    constexpr const char* fn = "jao_kai_matmul_f32_qai8dxp_qsi8cxp";
    return jao::abi::guarded(fn, [&] {
        run(kk::RhsFormat::Qsi8cxp, jao::kai::Qsi8cxpShape{n, k, nr, kr, sr}, m, k, mr,
            Operands{lhs_packed, lhs_size, rhs_packed, rhs_size, y, y_row_stride, clamp_min, clamp_max}, fn);
    });
}

JAO_API jao_status jao_kai_aten_dyn_quant_matmul_4bit(int64_t m, int64_t n, int64_t k, int64_t block_size,
                                                     const float* x, const void* packed, int64_t packed_size,
                                                     float* y) {
    constexpr const char* fn = "jao_kai_aten_dyn_quant_matmul_4bit";
    return jao::abi::guarded(fn, [&] {
        // mr 4 lets the i8mm tier pair rows (the result does not depend on mr).
        constexpr int32_t kMr = 4;
        const jao::kai::AtenShape aten{n, k, block_size};
        jao::kai::validate(aten, fn);
        require(x != nullptr, fn, "x must not be null");
        Operands op{nullptr, 0, packed, packed_size, y, n, -FLT_MAX, FLT_MAX};
        const kk::Geometry g =
            jao::kai::aten_channelwise(aten)
                ? checked_geometry(kk::RhsFormat::Qsi4cxp, jao::kai::aten_channel_shape(aten), m, k, kMr, op, fn)
                : checked_geometry(kk::RhsFormat::Qsi4c32p, jao::kai::aten_group_shape(aten), m, block_size, kMr,
                                   op, fn);
        const jao::kai::Qsi4cxpShape rhs = jao::kai::aten_channel_shape(aten);  // kr, sr of both ATen formats
        const jao::kai::LhsShape lhs_shape{m, k, kMr, rhs.kr, rhs.sr};
        std::vector<uint8_t> lhs(static_cast<size_t>(jao::kai::packed_size(lhs_shape, fn)));
        jao::kai::pack(lhs_shape, x, k, lhs.data());
        op.lhs = lhs.data();
        compute(g, op);
    });
}

}  // extern "C"
