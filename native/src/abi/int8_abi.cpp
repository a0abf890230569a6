// C entry points of jao_int8.h (int8 x int8 linear): validation + calls only.
#include <limits>
#include <string>

#include "abi/guard.h"
#include "abi/run_args.h"
#include "kernels/x86/int8_linear.h"
#include "pack/int8_format.h"

namespace {

using jao::pack::Int8Layout;

int64_t checked_workspace(const Int8Layout& L, int64_t m, const char* fn) {
    jao::require(m >= 1, fn, [&] { return "m must be >= 1, got " + std::to_string(m); });
    jao::require(m <= std::numeric_limits<int32_t>::max() && m <= std::numeric_limits<int64_t>::max() / 4 / (L.kpad + L.n + 64),
                 fn, [&] { return "m = " + std::to_string(m) + " is too large"; });
    return jao::kernels::int8::run_workspace_bytes(L, m);
}

jao_status run_typed(const char* fn, const void* packed, int64_t packed_size, int64_t m, const void* x,
                     int32_t x_type, void* y, int32_t y_type, void* workspace, int64_t workspace_size) {
    return jao::abi::guarded(fn, [&] {
        Int8Layout L = jao::pack::read_int8_header(packed, packed_size, fn);
        jao::abi::require_run_buffers(fn, x, y, workspace);
        jao::abi::require_float_types(fn, x_type, y_type);
        // The oneDNN path lands its int32 matmul result in an fp32 y before the epilogue.
        jao::require(y_type != JAO_F32 || reinterpret_cast<uintptr_t>(y) % 4 == 0, fn, "y must be 4-byte aligned");
        jao::kernels::int8::check_runnable(L, packed, fn);
        jao::abi::require_workspace(fn, workspace_size, checked_workspace(L, m, fn));
        jao::kernels::int8::run(L, packed, m, x, x_type, y, y_type, workspace);
    });
}

}  // namespace

extern "C" {

JAO_API jao_status jao_int8_packed_size(const jao_int8_params* params, int64_t* size) {
    return jao::abi::guarded("jao_int8_packed_size", [&] {
        const char* fn = "jao_int8_packed_size";
        jao::require(params != nullptr && size != nullptr, fn, "arguments must not be null");
        *size = jao::pack::make_int8_layout(*params, fn).total_bytes;
    });
}

JAO_API jao_status jao_int8_pack(const jao_int8_params* params, const int8_t* qdata, const float* w_scale,
                                 const float* bias, void* dst, int64_t dst_size) {
    return jao::abi::guarded("jao_int8_pack", [&] {
        const char* fn = "jao_int8_pack";
        jao::require(params != nullptr && qdata != nullptr && w_scale != nullptr && dst != nullptr, fn,
                     "params, qdata, w_scale and dst must not be null");
        Int8Layout L = jao::pack::make_int8_layout(*params, fn);
        jao::require((bias != nullptr) == L.has_bias, fn, "bias must be non-null exactly when params->has_bias is 1");
        jao::require(dst_size >= L.total_bytes, fn,
                     [&] {
                         return "dst_size " + std::to_string(dst_size) + " < packed size " +
                                std::to_string(L.total_bytes);
                     });
        jao::require(reinterpret_cast<uintptr_t>(dst) % 4 == 0, fn, "dst must be 4-byte aligned");
        jao::pack::pack_int8(L, qdata, w_scale, bias, dst, fn);
    });
}

JAO_API jao_status jao_int8_workspace_size(const void* packed, int64_t packed_size, int64_t m, int64_t* size) {
    return jao::abi::guarded("jao_int8_workspace_size", [&] {
        const char* fn = "jao_int8_workspace_size";
        jao::require(size != nullptr, fn, "size must not be null");
        Int8Layout L = jao::pack::read_int8_header(packed, packed_size, fn);
        jao::kernels::int8::check_runnable(L, packed, fn);
        *size = checked_workspace(L, m, fn);
    });
}

JAO_API jao_status jao_int8_linear_run(const void* packed, int64_t packed_size, int64_t m, const float* x, float* y,
                                       void* workspace, int64_t workspace_size) {
    return run_typed("jao_int8_linear_run", packed, packed_size, m, x, JAO_F32, y, JAO_F32, workspace, workspace_size);
}

JAO_API jao_status jao_int8_linear_run_typed(const void* packed, int64_t packed_size, int64_t m, const void* x,
                                             int32_t x_type, void* y, int32_t y_type, void* workspace,
                                             int64_t workspace_size) {
    return run_typed("jao_int8_linear_run_typed", packed, packed_size, m, x, x_type, y, y_type, workspace,
                     workspace_size);
}

JAO_API jao_status jao_int8_packed_info(const void* packed, int64_t packed_size, int64_t m, jao_int8_info* info) {
    return jao::abi::guarded("jao_int8_packed_info", [&] {
        const char* fn = "jao_int8_packed_info";
        jao::require(info != nullptr, fn, "info must not be null");
        Int8Layout L = jao::pack::read_int8_header(packed, packed_size, fn);
        jao::kernels::int8::check_runnable(L, packed, fn);
        jao_int8_info out{};
        out.params.n = L.n;
        out.params.k = L.k;
        out.params.act_mapping = L.act_mapping;
        out.params.has_bias = L.has_bias;
        out.params.backend = L.backend;
        out.params.act_flags = L.act_flags;
        out.format_version = jao::pack::kInt8FormatVersion;
        out.isa = jao::kernels::int8::active_tier().isa;
        out.workspace_size = checked_workspace(L, m, fn);
        *info = out;
    });
}

JAO_API jao_status jao_int8_verify(const void* packed, int64_t packed_size) {
    return jao::abi::guarded("jao_int8_verify", [&] {
        Int8Layout L = jao::pack::read_int8_header(packed, packed_size, "jao_int8_verify");
        jao::pack::verify_int8_payload(packed, L, "jao_int8_verify");
    });
}

JAO_API jao_status jao_int8_unpack(const void* packed, int64_t packed_size, int8_t* qdata, float* w_scale,
                                   float* bias) {
    return jao::abi::guarded("jao_int8_unpack", [&] {
        const char* fn = "jao_int8_unpack";
        Int8Layout L = jao::pack::read_int8_header(packed, packed_size, fn);
        jao::pack::verify_int8_payload(packed, L, fn);
        jao::pack::unpack_int8(L, packed, qdata, w_scale, bias);
    });
}

}
