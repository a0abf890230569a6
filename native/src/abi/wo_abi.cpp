// C entry points of jao_weight_only.h: validation + calls only.
#include <limits>
#include <string>

#include "abi/guard.h"
#include "abi/run_args.h"
#include "kernels/x86/wo_linear.h"
#include "pack/wo_format.h"

namespace {

using jao::pack::WoLayout;

int64_t checked_workspace(const WoLayout& L, int64_t m, const char* fn) {
    jao::require(m >= 1, fn, [&] { return "m must be >= 1, got " + std::to_string(m); });
    jao::require(m <= std::numeric_limits<int64_t>::max() / 8 / (L.kpad + L.groups + 2 * (L.n + 16)), fn,
                 [&] { return "m = " + std::to_string(m) + " is too large"; });
    return jao::kernels::wo::workspace_bytes(L, m);
}

jao_status run_typed(const char* fn, const void* packed, int64_t packed_size, int64_t m, const void* x,
                     int32_t x_type, void* y, int32_t y_type, void* workspace, int64_t workspace_size) {
    return jao::abi::guarded(fn, [&] {
        const WoLayout L = jao::pack::read_wo_header(packed, packed_size, fn);
        jao::abi::require_run_buffers(fn, x, y, workspace);
        jao::abi::require_float_types(fn, x_type, y_type);
        jao::abi::require_workspace(fn, workspace_size, checked_workspace(L, m, fn));
        jao::kernels::wo::run(L, static_cast<const uint8_t*>(packed) + jao::pack::kHeaderBytes, m, x, x_type, y,
                              y_type, workspace);
    });
}

// jao_wo_packed_info(_typed): the plan of a run with m rows and x_type activations.
jao_status packed_info(const char* fn, const void* packed, int64_t packed_size, int64_t m, int32_t x_type,
                       jao_wo_info* info) {
    return jao::abi::guarded(fn, [&] {
        jao::require(info != nullptr, fn, "info must not be null");
        jao::require(jao::abi::is_float_type(x_type), fn,
                     [&] { return "x_type must be JAO_F32, JAO_BF16 or JAO_F16, got " + std::to_string(x_type); });
        const WoLayout L = jao::pack::read_wo_header(packed, packed_size, fn);
        const int64_t ws = checked_workspace(L, m, fn);
        const jao::kernels::wo::Plan p = jao::kernels::wo::make_plan(L, m, x_type);
        jao_wo_info out{};
        out.params = jao::pack::wo_params(L);
        out.format_version = jao::pack::kWoFormatVersion;
        out.kernel = p.kernel;
        out.isa = p.isa;
        out.workspace_size = ws;
        *info = out;
    });
}

}  // namespace

extern "C" {

JAO_API jao_status jao_wo_packed_size(const jao_wo_params* params, int64_t* size) {
    return jao::abi::guarded("jao_wo_packed_size", [&] {
        const char* fn = "jao_wo_packed_size";
        jao::require(params != nullptr && size != nullptr, fn, "arguments must not be null");
        *size = jao::pack::make_wo_layout(*params, fn).total_bytes;
    });
}

JAO_API jao_status jao_wo_pack(const jao_wo_params* params, const uint8_t* codes, const float* scales,
                               const int32_t* zero_points, const float* offsets, const float* bias, void* dst,
                               int64_t dst_size) {
    return jao::abi::guarded("jao_wo_pack", [&] {
        const char* fn = "jao_wo_pack";
        jao::require(params != nullptr && codes != nullptr && scales != nullptr && dst != nullptr, fn,
                     "params, codes, scales and dst must not be null");
        const WoLayout L = jao::pack::make_wo_layout(*params, fn);
        jao::require((zero_points != nullptr) == L.has_zp, fn,
                     "zero_points must be non-null exactly when params->has_zero_points is 1");
        jao::require((offsets != nullptr) == L.has_off, fn,
                     "offsets must be non-null exactly when params->has_offsets is 1");
        jao::require((bias != nullptr) == L.has_bias, fn, "bias must be non-null exactly when params->has_bias is 1");
        jao::require(dst_size >= L.total_bytes, fn,
                     [&] {
                         return "dst_size " + std::to_string(dst_size) + " < packed size " +
                                std::to_string(L.total_bytes);
                     });
        jao::pack::pack_wo(L, codes, scales, zero_points, offsets, bias, dst, fn);
    });
}

JAO_API jao_status jao_wo_workspace_size(const void* packed, int64_t packed_size, int64_t m, int64_t* size) {
    return jao::abi::guarded("jao_wo_workspace_size", [&] {
        const char* fn = "jao_wo_workspace_size";
        jao::require(size != nullptr, fn, "size must not be null");
        const WoLayout L = jao::pack::read_wo_header(packed, packed_size, fn);
        *size = checked_workspace(L, m, fn);
    });
}

JAO_API jao_status jao_wo_linear_run(const void* packed, int64_t packed_size, int64_t m, const float* x, float* y,
                                     void* workspace, int64_t workspace_size) {
    return run_typed("jao_wo_linear_run", packed, packed_size, m, x, JAO_F32, y, JAO_F32, workspace, workspace_size);
}

JAO_API jao_status jao_wo_linear_run_typed(const void* packed, int64_t packed_size, int64_t m, const void* x,
                                           int32_t x_type, void* y, int32_t y_type, void* workspace,
                                           int64_t workspace_size) {
    return run_typed("jao_wo_linear_run_typed", packed, packed_size, m, x, x_type, y, y_type, workspace,
                     workspace_size);
}

JAO_API jao_status jao_wo_packed_info(const void* packed, int64_t packed_size, int64_t m, jao_wo_info* info) {
    return packed_info("jao_wo_packed_info", packed, packed_size, m, JAO_F32, info);
}

JAO_API jao_status jao_wo_packed_info_typed(const void* packed, int64_t packed_size, int64_t m, int32_t x_type,
                                           jao_wo_info* info) {
    return packed_info("jao_wo_packed_info_typed", packed, packed_size, m, x_type, info);
}

JAO_API jao_status jao_wo_verify(const void* packed, int64_t packed_size) {
    return jao::abi::guarded("jao_wo_verify", [&] {
        const WoLayout L = jao::pack::read_wo_header(packed, packed_size, "jao_wo_verify");
        jao::pack::verify_payload_crc(packed, L.payload_bytes, "jao_wo_verify");
    });
}

JAO_API jao_status jao_wo_unpack(const void* packed, int64_t packed_size, uint8_t* codes, float* scales,
                                 int32_t* zero_points, float* offsets, float* bias) {
    return jao::abi::guarded("jao_wo_unpack", [&] {
        const char* fn = "jao_wo_unpack";
        const WoLayout L = jao::pack::read_wo_header(packed, packed_size, fn);
        jao::pack::verify_payload_crc(packed, L.payload_bytes, fn);
        jao::pack::unpack_wo(L, packed, codes, scales, zero_points, offsets, bias);
    });
}

}
