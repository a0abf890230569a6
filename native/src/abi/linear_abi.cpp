// C entry points of jao_linear.h (intx packed linear): validation + calls only.
#include <limits>
#include <string>

#include "abi/guard.h"
#include "abi/run_args.h"
#include "kernels/ref/intx_kernels.h"
#include "kernels/x86/intx_linear.h"
#include "pack/intx_format.h"

namespace {

using jao::pack::IntxLayout;

int64_t checked_workspace(const IntxLayout& L, int64_t m, const char* fn) {
    jao::require(m >= 1, fn, [&] { return "m must be >= 1, got " + std::to_string(m); });
    // Per row: kpad code bytes, an info record of <= groups + 18 floats, fp32 x and y staging.
    jao::require(m <= std::numeric_limits<int64_t>::max() / 2 / (L.kpad + 64 + 4 * (L.k + L.n + L.groups + 16)), fn,
                 [&] { return "m = " + std::to_string(m) + " is too large"; });
    return jao::kernels::intx::run_workspace_bytes(L, m);
}

jao_status run_typed(const char* fn, const void* packed, int64_t packed_size, int64_t m, const void* x,
                     int32_t x_type, void* y, int32_t y_type, void* workspace, int64_t workspace_size) {
    return jao::abi::guarded(fn, [&] {
        const IntxLayout L = jao::pack::read_header(packed, packed_size, fn);
        jao::abi::require_run_buffers(fn, x, y, workspace);
        jao::abi::require_float_types(fn, x_type, y_type);
        jao::abi::require_workspace(fn, workspace_size, checked_workspace(L, m, fn));
        jao::kernels::intx::run(L, static_cast<const uint8_t*>(packed) + jao::pack::kHeaderBytes, m, x, x_type, y,
                                y_type, workspace);
    });
}

}  // namespace

extern "C" {

JAO_API jao_status jao_intx_packed_size(const jao_intx_params* params, int64_t* size) {
    return jao::abi::guarded("jao_intx_packed_size", [&] {
        const char* fn = "jao_intx_packed_size";
        jao::require(params != nullptr && size != nullptr, fn, "arguments must not be null");
        *size = jao::pack::make_layout(*params, fn).total_bytes;
    });
}

JAO_API jao_status jao_intx_pack(const jao_intx_params* params, const int8_t* qdata, const float* scales,
                                 const int8_t* zero_points, const float* bias, void* dst, int64_t dst_size) {
    return jao::abi::guarded("jao_intx_pack", [&] {
        const char* fn = "jao_intx_pack";
        jao::require(params != nullptr && qdata != nullptr && scales != nullptr && dst != nullptr, fn,
                     "params, qdata, scales and dst must not be null");
        IntxLayout L = jao::pack::make_layout(*params, fn);
        jao::require((zero_points != nullptr) == L.has_zp, fn,
                     "zero_points must be non-null exactly when params->has_zero_points is 1");
        jao::require((bias != nullptr) == L.has_bias, fn, "bias must be non-null exactly when params->has_bias is 1");
        jao::require(dst_size >= L.total_bytes, fn,
                     [&] {
                         return "dst_size " + std::to_string(dst_size) + " < packed size " +
                                std::to_string(L.total_bytes);
                     });
        jao::pack::pack_intx(L, qdata, scales, zero_points, bias, dst, fn);
    });
}

JAO_API jao_status jao_intx_workspace_size(const void* packed, int64_t packed_size, int64_t m, int64_t* size) {
    return jao::abi::guarded("jao_intx_workspace_size", [&] {
        const char* fn = "jao_intx_workspace_size";
        jao::require(size != nullptr, fn, "size must not be null");
        IntxLayout L = jao::pack::read_header(packed, packed_size, fn);
        *size = checked_workspace(L, m, fn);
    });
}

JAO_API jao_status jao_intx_linear_run(const void* packed, int64_t packed_size, int64_t m, const float* x, float* y,
                                       void* workspace, int64_t workspace_size) {
    return run_typed("jao_intx_linear_run", packed, packed_size, m, x, JAO_F32, y, JAO_F32, workspace,
                     workspace_size);
}

JAO_API jao_status jao_intx_linear_run_typed(const void* packed, int64_t packed_size, int64_t m, const void* x,
                                             int32_t x_type, void* y, int32_t y_type, void* workspace,
                                             int64_t workspace_size) {
    return run_typed("jao_intx_linear_run_typed", packed, packed_size, m, x, x_type, y, y_type, workspace,
                     workspace_size);
}

JAO_API jao_status jao_intx_packed_info(const void* packed, int64_t packed_size, int64_t m, jao_intx_info* info) {
    return jao::abi::guarded("jao_intx_packed_info", [&] {
        const char* fn = "jao_intx_packed_info";
        jao::require(info != nullptr, fn, "info must not be null");
        IntxLayout L = jao::pack::read_header(packed, packed_size, fn);
        int64_t ws = checked_workspace(L, m, fn);
        jao::kernels::intx::Plan p = jao::kernels::intx::make_plan(L, m);
        jao_intx_info out{};
        out.params.n = L.n;
        out.params.k = L.k;
        out.params.weight_nbit = L.nbit;
        out.params.group_size = L.group_size;
        out.params.scale_dtype = L.bf16 ? JAO_SCALE_BF16 : JAO_SCALE_F32;
        out.params.has_zero_points = L.has_zp;
        out.params.has_bias = L.has_bias;
        out.params.layout = L.layout;
        out.format_version = jao::pack::kIntxFormatVersion;
        out.kernel = p.kernel;
        out.isa = p.isa;
        out.tile_m = p.tile_m;
        out.tile_n = p.tile_blocks * jao::pack::kNr;
        out.workspace_size = ws;
        *info = out;
    });
}

JAO_API jao_status jao_intx_verify(const void* packed, int64_t packed_size) {
    return jao::abi::guarded("jao_intx_verify", [&] {
        IntxLayout L = jao::pack::read_header(packed, packed_size, "jao_intx_verify");
        jao::pack::verify_payload(packed, L, "jao_intx_verify");
    });
}

JAO_API jao_status jao_intx_unpack(const void* packed, int64_t packed_size, int8_t* qdata, float* scales,
                                   int8_t* zero_points, float* bias) {
    return jao::abi::guarded("jao_intx_unpack", [&] {
        const char* fn = "jao_intx_unpack";
        jao::require(qdata != nullptr && scales != nullptr, fn, "qdata and scales must not be null");
        IntxLayout L = jao::pack::read_header(packed, packed_size, fn);
        jao::pack::verify_payload(packed, L, fn);
        jao::pack::unpack_intx(L, packed, qdata, scales, zero_points, bias);
    });
}

}
