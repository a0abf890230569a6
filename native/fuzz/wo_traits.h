// jao_weight_only.h (jao_wo_*) plugged into the packed-linear drivers. Built only
// when the library implements the ABI (see CMakeLists.txt).
#pragma once

#include "jao/jao_kleidiai.h"
#include "jao/jao_weight_only.h"
#include "packed_linear_fuzz.h"

namespace jao_fuzz {

struct WoAbi {
    using Params = jao_wo_params;
    using Info = jao_wo_info;
    struct Tensors {
        std::vector<uint8_t> codes;
        std::vector<float> scales;
        std::vector<int32_t> zero_points;
        std::vector<float> offsets, bias;
    };
    static constexpr auto packed_size = jao_wo_packed_size;
    static constexpr auto verify = jao_wo_verify;
    static constexpr auto info = jao_wo_packed_info;
    static constexpr auto workspace_size = jao_wo_workspace_size;
    static constexpr auto run = jao_wo_linear_run;
    static constexpr auto run_typed = jao_wo_linear_run_typed;

    static int64_t n(const Params& p) { return p.n; }
    static int64_t k(const Params& p) { return p.k; }
    static int64_t groups(const Params& p) { return p.group_size > 0 ? p.k / p.group_size : 0; }

    static Params small_params(FuzzedDataProvider& f) {
        Params p{};
        p.n = f.ConsumeIntegralInRange<int64_t>(1, 40);
        p.group_size = f.PickValueInArray({1, 2, 7, 16, 31, 32, 33, 64, 128, 256});
        p.k = p.group_size * f.ConsumeIntegralInRange<int64_t>(1, std::max<int64_t>(1, 512 / p.group_size));
        p.weight_nbit = f.ConsumeIntegralInRange<int32_t>(1, 8);
        p.center = f.ConsumeIntegralInRange<int32_t>(0, (1 << p.weight_nbit) - 1);
        p.scale_dtype = f.ConsumeIntegralInRange<int32_t>(0, 1);
        p.has_zero_points = f.ConsumeBool();
        p.has_offsets = f.ConsumeBool();
        p.has_bias = f.ConsumeBool();
        p.layout = f.ConsumeIntegralInRange<int32_t>(0, 1);
        return p;
    }

    static Params any_params(FuzzedDataProvider& f) {
        Params p{};
        p.n = dim(f, 1, 300);
        p.k = dim(f, 1, 300);
        p.weight_nbit = choice(f, 0, 9);
        p.center = choice(f, -1, 256);
        p.group_size = f.ConsumeBool() ? p.k : dim(f, 1, 300);
        p.scale_dtype = choice(f, 0, 1);
        p.has_zero_points = choice(f, 0, 1);
        p.has_offsets = choice(f, 0, 1);
        p.has_bias = choice(f, 0, 1);
        p.layout = choice(f, 0, 1);
        return p;
    }

    // valid: codes < 2^nbit, |z| <= 65535, finite scales and offsets.
    static Tensors make(const Params& p, FuzzedDataProvider& f, bool valid) {
        const int top = p.weight_nbit >= 1 && p.weight_nbit <= 8 ? (1 << p.weight_nbit) - 1 : 255;
        const int64_t ng = n(p) * groups(p);
        Tensors t;
        t.codes = values<uint8_t>(f, n(p) * k(p), [&](FuzzedDataProvider& g) {
            return valid ? g.ConsumeIntegralInRange<int>(0, top) : g.ConsumeIntegral<uint8_t>();
        });
        t.scales = values<float>(f, ng, valid ? positive_float : any_float);
        if (p.has_zero_points)
            t.zero_points = values<int32_t>(f, ng, [&](FuzzedDataProvider& g) {
                return valid ? g.ConsumeIntegralInRange<int32_t>(-65535, 65535) : g.ConsumeIntegral<int32_t>();
            });
        if (p.has_offsets) t.offsets = values<float>(f, ng, valid ? positive_float : any_float);
        if (p.has_bias) t.bias = values<float>(f, n(p), any_float);
        if (!valid && f.ConsumeBool()) t.zero_points.assign(t.zero_points.empty() ? 1 : 0, 0);
        if (!valid && f.ConsumeBool()) t.offsets.assign(t.offsets.empty() ? 1 : 0, 0.0f);
        if (!valid && f.ConsumeBool()) t.bias.assign(t.bias.empty() ? 1 : 0, 0.0f);
        return t;
    }

    static Tensors make_tiny(const Params& p) {
        Tensors t{{0}, {1.0f}, {}, {}, {}};
        if (p.has_zero_points) t.zero_points = {0};
        if (p.has_offsets) t.offsets = {0.0f};
        if (p.has_bias) t.bias = {0.0f};
        return t;
    }

    static Tensors outputs(const Params& p) {
        const auto ng = static_cast<size_t>(n(p) * groups(p));
        return {std::vector<uint8_t>(static_cast<size_t>(n(p) * k(p))), std::vector<float>(ng),
                std::vector<int32_t>(ng), std::vector<float>(ng), std::vector<float>(static_cast<size_t>(n(p)))};
    }

    static jao_status pack(const Params& p, const Tensors& t, void* dst, int64_t size) {
        return jao_wo_pack(&p, ptr(t.codes), ptr(t.scales), ptr(t.zero_points), ptr(t.offsets), ptr(t.bias), dst,
                           size);
    }

    static jao_status unpack(const void* buf, int64_t size, Tensors& t) {
        return jao_wo_unpack(buf, size, ptr(t.codes), ptr(t.scales), ptr(t.zero_points), ptr(t.offsets),
                             ptr(t.bias));
    }

    // Bitwise equality, or zeros when the tensor was not packed.
    static void same_or_zero(const std::vector<float>& in, const std::vector<float>& out, bool packed, const char* what) {
        for (size_t i = 0; i < out.size(); ++i)
            check(packed ? std::memcmp(&in[i], &out[i], 4) == 0 : out[i] == 0.0f, what);
    }

    static void check_roundtrip(const Params& p, const Tensors& in, const Tensors& out) {
        check(in.codes == out.codes, "wo unpack(pack(codes)) != codes");
        if (p.scale_dtype == JAO_SCALE_F32) same_or_zero(in.scales, out.scales, true, "wo scales differ");
        for (size_t i = 0; i < out.zero_points.size(); ++i)
            check(out.zero_points[i] == (p.has_zero_points ? in.zero_points[i] : 0), "wo zero points differ");
        same_or_zero(in.offsets, out.offsets, p.has_offsets, "wo offsets differ");
        same_or_zero(in.bias, out.bias, p.has_bias, "wo bias differs");
    }
};

}  // namespace jao_fuzz
