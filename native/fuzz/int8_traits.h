// jao_int8.h (jao_int8_*) plugged into the packed-linear drivers. Built only when
// the library implements the ABI (see CMakeLists.txt).
#pragma once

#include "jao/jao_int8.h"
#include "packed_linear_fuzz.h"

namespace jao_fuzz {

// act_flags arrived with the implementation (jao_int8.h on its branch); fuzz it when
// the header has it, so this file builds against either version of the header.
template <class P>
void set_act_flags(P& p, int32_t v) {
    if constexpr (requires { p.act_flags; }) p.act_flags = v;
}

struct Int8Abi {
    using Params = jao_int8_params;
    using Info = jao_int8_info;
    struct Tensors {
        std::vector<int8_t> qdata;
        std::vector<float> w_scale, bias;
    };
    static constexpr auto packed_size = jao_int8_packed_size;
    static constexpr auto verify = jao_int8_verify;
    static constexpr auto info = jao_int8_packed_info;
    static constexpr auto workspace_size = jao_int8_workspace_size;
    static constexpr auto run = jao_int8_linear_run;
    static constexpr auto run_typed = jao_int8_linear_run_typed;

    static int64_t n(const Params& p) { return p.n; }
    static int64_t k(const Params& p) { return p.k; }

    static Params small_params(FuzzedDataProvider& f) {
        Params p{};
        p.n = f.ConsumeIntegralInRange<int64_t>(1, 48);
        p.k = f.ConsumeIntegralInRange<int64_t>(1, 300);
        p.act_mapping = f.ConsumeIntegralInRange<int32_t>(0, 1);
        p.has_bias = f.ConsumeBool();
        p.backend = f.ConsumeIntegralInRange<int32_t>(0, 2);
        set_act_flags(p, f.ConsumeIntegralInRange<int32_t>(0, 3));
        return p;
    }

    static Params any_params(FuzzedDataProvider& f) {
        Params p{};
        p.n = dim(f, 1, 300);
        p.k = dim(f, 1, 300);
        p.act_mapping = choice(f, 0, 1);
        p.has_bias = choice(f, 0, 1);
        p.backend = choice(f, 0, 2);
        set_act_flags(p, choice(f, 0, 3));
        return p;
    }

    // valid: finite positive scales; else any float (pack must refuse or cope).
    static Tensors make(const Params& p, FuzzedDataProvider& f, bool valid) {
        Tensors t;
        t.qdata = values<int8_t>(f, p.n * p.k, [](FuzzedDataProvider& g) { return g.ConsumeIntegral<int8_t>(); });
        t.w_scale = values<float>(f, p.n, valid ? positive_float : any_float);
        if (p.has_bias) t.bias = values<float>(f, p.n, any_float);
        if (!valid && f.ConsumeBool()) t.bias.assign(t.bias.empty() ? 1 : 0, 0.0f);
        return t;
    }

    static Tensors make_tiny(const Params& p) {
        Tensors t{{0}, {1.0f}, {}};
        if (p.has_bias) t.bias = {0.0f};
        return t;
    }

    static Tensors outputs(const Params& p) {
        return {std::vector<int8_t>(static_cast<size_t>(p.n * p.k)), std::vector<float>(static_cast<size_t>(p.n)),
                std::vector<float>(static_cast<size_t>(p.n))};
    }

    static jao_status pack(const Params& p, const Tensors& t, void* dst, int64_t size) {
        return jao_int8_pack(&p, ptr(t.qdata), ptr(t.w_scale), ptr(t.bias), dst, size);
    }

    static jao_status unpack(const void* buf, int64_t size, Tensors& t) {
        return jao_int8_unpack(buf, size, ptr(t.qdata), ptr(t.w_scale), ptr(t.bias));
    }

    static void check_roundtrip(const Params& p, const Tensors& in, const Tensors& out) {
        check(in.qdata == out.qdata, "int8 unpack(pack(qdata)) != qdata");
        check(std::memcmp(in.w_scale.data(), out.w_scale.data(), 4 * in.w_scale.size()) == 0, "int8 w_scale differs");
        for (size_t i = 0; i < out.bias.size(); ++i)
            check(p.has_bias ? std::memcmp(&in.bias[i], &out.bias[i], 4) == 0 : out.bias[i] == 0.0f, "int8 bias differs");
    }
};

}  // namespace jao_fuzz
