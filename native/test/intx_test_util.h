// Shared helpers of the intx linear tests (linear_intx_test.cpp, intx_typed_io_test.cpp): random
// problems (weights, scales, zero points, bias and activation rows with zero, constant, one-signed
// and tie-heavy rows), the plain scalar reference, packing and bitwise comparison.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/ref/intx_kernels.h"
#include "linear_test_util.h"
#include "pack/intx_format.h"

namespace jao::test::intx {

struct Case {
    int64_t m, n, k, group;
    int nbit;
    bool zp, bias, bf16;
    std::string name() const {
        std::string s = "m";
        s += std::to_string(m) + " n" + std::to_string(n) + " k" + std::to_string(k) + " g" + std::to_string(group);
        s += " int" + std::to_string(nbit);
        s += zp ? " zp" : "";
        s += bias ? " bias" : "";
        s += bf16 ? " bf16" : " f32";
        return s;
    }
};

struct Problem {
    Case c;
    jao_intx_params p{};
    std::vector<int8_t> q, zp;
    std::vector<float> s, s_eff, bias, x;
};

inline Problem make_problem(const Case& c, uint32_t seed) {
    std::mt19937 rng(seed);
    Problem pr;
    pr.c = c;
    const int64_t groups = c.k / c.group;
    pr.p = {c.n, c.k, c.nbit, c.group, c.bf16 ? JAO_SCALE_BF16 : JAO_SCALE_F32, c.zp, c.bias, JAO_INTX_LAYOUT_AUTO};
    const int qmin = -(1 << (c.nbit - 1)), qmax = (1 << (c.nbit - 1)) - 1;
    std::uniform_int_distribution<int> qd(qmin, qmax), zd(-128, 127);
    std::uniform_real_distribution<float> sd(1e-3f, 5e-2f), bd(-2.0f, 2.0f);
    std::normal_distribution<float> xd(0.0f, 1.0f);
    pr.q.resize(static_cast<size_t>(c.n * c.k));
    for (auto& v : pr.q) v = static_cast<int8_t>(qd(rng));
    pr.s.resize(static_cast<size_t>(c.n * groups));
    for (auto& v : pr.s) v = sd(rng);
    pr.s_eff = pr.s;
    if (c.bf16)
        for (auto& v : pr.s_eff) v = jao::pack::bf16_to_f32(jao::pack::f32_to_bf16_rne(v));
    if (c.zp) {
        pr.zp.resize(pr.s.size());
        for (auto& v : pr.zp) v = static_cast<int8_t>(c.nbit == 8 ? zd(rng) : qd(rng));
    }
    if (c.bias) {
        pr.bias.resize(static_cast<size_t>(c.n));
        for (auto& v : pr.bias) v = bd(rng);
    }
    pr.x.resize(static_cast<size_t>(c.m * c.k));
    for (int64_t r = 0; r < c.m; ++r) {
        float* row = pr.x.data() + r * c.k;
        switch (r % 7) {
            case 3: for (int64_t i = 0; i < c.k; ++i) row[i] = 0.0f; break;          // zero row
            case 4: for (int64_t i = 0; i < c.k; ++i) row[i] = 0.75f; break;         // constant > 0
            case 5: for (int64_t i = 0; i < c.k; ++i) row[i] = std::fabs(xd(rng)) * 30.0f; break;  // no negatives
            case 6: for (int64_t i = 0; i < c.k; ++i) row[i] = std::round(xd(rng) * 4.0f) * 0.5f; break;  // ties
            default: for (int64_t i = 0; i < c.k; ++i) row[i] = xd(rng) * (r + 1); break;
        }
    }
    return pr;
}

inline std::vector<float> plain_ref(const Problem& pr) {
    std::vector<float> y(static_cast<size_t>(pr.c.m * pr.c.n));
    jao::kernels::intx::linear_plain_ref(pr.c.n, pr.c.k, pr.c.group, pr.c.nbit, pr.q.data(), pr.s_eff.data(),
                                         pr.c.zp ? pr.zp.data() : nullptr, pr.c.bias ? pr.bias.data() : nullptr,
                                         pr.c.m, pr.x.data(), y.data());
    return y;
}

inline Packed pack_problem(const Problem& pr) {
    Packed pk;
    EXPECT_EQ(jao::test::pack(pr.p, pr.q, pr.s, pr.c.zp ? &pr.zp : nullptr, pr.c.bias ? &pr.bias : nullptr, pk),
              JAO_OK)
        << jao_last_error();
    return pk;
}

// Bitwise equality of outputs (the contract makes every tier exact).
inline void expect_same(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
    ASSERT_EQ(got.size(), want.size());
    int bad = 0;
    for (size_t i = 0; i < got.size() && bad < 5; ++i)
        if (std::memcmp(&got[i], &want[i], 4) != 0) {
            ++bad;
            ADD_FAILURE() << what << ": y[" << i << "] = " << got[i] << ", reference " << want[i];
        }
}

}  // namespace jao::test::intx
