// jao_linear.h (jao_intx_*) plugged into the packed-linear drivers.
#pragma once

#include "jao/jao_kleidiai.h"
#include "jao/jao_linear.h"
#include "packed_linear_fuzz.h"

namespace jao_fuzz {

struct IntxAbi {
    using Params = jao_intx_params;
    using Info = jao_intx_info;
    struct Tensors {
        std::vector<int8_t> qdata, zero_points;
        std::vector<float> scales, bias;
    };
    static constexpr auto packed_size = jao_intx_packed_size;
    static constexpr auto verify = jao_intx_verify;
    static constexpr auto info = jao_intx_packed_info;
    static constexpr auto workspace_size = jao_intx_workspace_size;
    static constexpr auto run = jao_intx_linear_run;
    static constexpr auto run_typed = jao_intx_linear_run_typed;

    static int64_t n(const Params& p) { return p.n; }
    static int64_t k(const Params& p) { return p.k; }
    static int64_t groups(const Params& p) { return p.group_size > 0 ? p.k / p.group_size : 0; }

    static Params small_params(FuzzedDataProvider& f) {
        Params p{};
        p.n = f.ConsumeIntegralInRange<int64_t>(1, 40);
        p.group_size = f.PickValueInArray({1, 2, 7, 16, 31, 32, 33, 64, 96, 128, 256});
        p.k = p.group_size * f.ConsumeIntegralInRange<int64_t>(1, std::max<int64_t>(1, 512 / p.group_size));
        p.weight_nbit = f.ConsumeIntegralInRange<int32_t>(1, 8);
        p.scale_dtype = f.ConsumeIntegralInRange<int32_t>(0, 1);
        p.has_zero_points = f.ConsumeBool();
        p.has_bias = f.ConsumeBool();
        p.layout = f.ConsumeIntegralInRange<int32_t>(0, 1);
        return p;
    }

    static Params any_params(FuzzedDataProvider& f) {
        Params p{};
        p.n = dim(f, 1, 300);
        p.k = dim(f, 1, 300);
        p.weight_nbit = choice(f, 0, 9);
        p.group_size = f.ConsumeBool() ? p.k : dim(f, 1, 300);
        p.scale_dtype = choice(f, 0, 1);
        p.has_zero_points = choice(f, 0, 1);
        p.has_bias = choice(f, 0, 1);
        p.layout = choice(f, 0, 1);
        return p;
    }

    // valid: values inside int<nbit>; else anything (pack must then refuse or cope).
    static Tensors make(const Params& p, FuzzedDataProvider& f, bool valid) {
        const int lo = p.weight_nbit >= 1 && p.weight_nbit <= 8 ? -(1 << (p.weight_nbit - 1)) : -128;
        const int hi = -lo - 1;
        auto q = [&](FuzzedDataProvider& g) {
            return valid ? g.ConsumeIntegralInRange<int>(lo, hi) : g.ConsumeIntegral<int8_t>();
        };
        Tensors t;
        const int64_t ng = n(p) * groups(p);
        t.qdata = values<int8_t>(f, n(p) * k(p), q);
        t.scales = values<float>(f, ng, valid ? positive_float : any_float);
        if (p.has_zero_points) t.zero_points = values<int8_t>(f, ng, q);
        if (p.has_bias) t.bias = values<float>(f, n(p), any_float);
        // Invalid requests sometimes get the wrong null-ness of the optional tensors.
        if (!valid && f.ConsumeBool()) t.zero_points.assign(t.zero_points.empty() ? 1 : 0, 0);
        if (!valid && f.ConsumeBool()) t.bias.assign(t.bias.empty() ? 1 : 0, 0.0f);
        return t;
    }

    // One element per tensor: enough for a call that must fail before reading.
    static Tensors make_tiny(const Params& p) {
        Tensors t{{0}, {}, {1.0f}, {}};
        if (p.has_zero_points) t.zero_points = {0};
        if (p.has_bias) t.bias = {0.0f};
        return t;
    }

    static Tensors outputs(const Params& p) {
        const int64_t ng = n(p) * groups(p);
        return {std::vector<int8_t>(static_cast<size_t>(n(p) * k(p))), std::vector<int8_t>(static_cast<size_t>(ng)),
                std::vector<float>(static_cast<size_t>(ng)), std::vector<float>(static_cast<size_t>(n(p)))};
    }

    static jao_status pack(const Params& p, const Tensors& t, void* dst, int64_t size) {
        return jao_intx_pack(&p, ptr(t.qdata), ptr(t.scales), ptr(t.zero_points), ptr(t.bias), dst, size);
    }

    static jao_status unpack(const void* buf, int64_t size, Tensors& t) {
        return jao_intx_unpack(buf, size, ptr(t.qdata), ptr(t.scales), ptr(t.zero_points), ptr(t.bias));
    }

    static void check_roundtrip(const Params& p, const Tensors& in, const Tensors& out) {
        check(in.qdata == out.qdata, "intx unpack(pack(qdata)) != qdata");
        for (size_t i = 0; i < in.scales.size(); ++i) {
            float want = in.scales[i];
            if (p.scale_dtype == JAO_SCALE_BF16) {
                if (std::isnan(want)) continue;  // NaN payload bits are not part of the contract
                uint16_t b;
                jao_kai_bf16_from_f32(1, &want, JAO_KAI_BF16_NEAREST_EVEN, &b);
                const uint32_t u = static_cast<uint32_t>(b) << 16;
                std::memcpy(&want, &u, 4);
            }
            check(std::memcmp(&want, &out.scales[i], 4) == 0, "intx unpack(pack(scales)) != scales");
        }
        for (size_t i = 0; i < out.zero_points.size(); ++i)
            check(out.zero_points[i] == (p.has_zero_points ? in.zero_points[i] : 0), "intx zero points differ");
        for (size_t i = 0; i < out.bias.size(); ++i)
            check(p.has_bias ? std::memcmp(&in.bias[i], &out.bias[i], 4) == 0 : out.bias[i] == 0.0f,
                  "intx bias differs");
    }
};

}  // namespace jao_fuzz
