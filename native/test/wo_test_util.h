// Shared helpers of the weight-only linear tests (wo_*_test.cpp): random
// problems, pack / run through the C ABI, and the double-precision plain
// reference with its fp32 error bound.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "affine/float_formats.h"
#include "jao/jao.h"

namespace jao::test::wo {

struct Case {
    int64_t m = 1, n = 1, k = 32, group = 32;
    int nbit = 4, center = 8;
    bool zp = false, off = false, bias = false, bf16 = false;
    std::string name() const {
        std::string s = "m";
        s += std::to_string(m) + " n" + std::to_string(n) + " k" + std::to_string(k) + " g" + std::to_string(group);
        s += " nbit" + std::to_string(nbit) + " c" + std::to_string(center);
        s += zp ? " zp" : "";
        s += off ? " off" : "";
        s += bias ? " bias" : "";
        s += bf16 ? " bf16" : " f32";
        return s;
    }
};

// The test grid: nbit 1..8, both centers, zero points / offsets / bias / bf16
// scales, groups 32 / 64 / 128 / k and padded ones, m from 1 to 128.
inline std::vector<Case> grid() {
    std::vector<Case> cases;
    const int64_t ms[] = {1, 2, 3, 4, 5, 7, 8, 13, 17, 31, 64, 128};
    // (k, group): 32 / 64 / 128 / per channel, and groups that need K padding.
    const int64_t kg[][2] = {{64, 32}, {256, 64}, {256, 128}, {192, 192}, {150, 50}, {40, 40}, {512, 32}};
    const int64_t ns[] = {1, 15, 17, 33, 50, 67};
    std::mt19937 rng(20261201);
    int i = 0;
    for (int nbit = 1; nbit <= 8; ++nbit)
        for (int centered = 0; centered < 2; ++centered)
            for (const auto& g : kg) {
                Case c;
                c.nbit = nbit;
                c.center = centered ? 1 << (nbit - 1) : 0;
                c.k = g[0];
                c.group = g[1];
                c.m = ms[(i * 5 + nbit) % 12];
                c.n = ns[i % 6];
                c.zp = rng() % 3 == 0;
                c.off = rng() % 3 == 0;
                c.bias = rng() % 2 == 0;
                c.bf16 = rng() % 2 == 0;
                cases.push_back(c);
                ++i;
            }
    // Every m with the headline format (int4 g32, bf16, center 8) and with everything on.
    for (int64_t m : ms) {
        Case c;
        c.m = m;
        c.n = 83;
        c.k = 256;
        c.group = 32;
        c.bf16 = true;
        cases.push_back(c);
        c.nbit = 8;
        c.center = 128;
        c.group = 256;
        c.zp = c.off = c.bias = true;
        cases.push_back(c);
    }
    return cases;
}

struct Problem {
    Case c;
    jao_wo_params p{};
    std::vector<uint8_t> codes;
    std::vector<int32_t> zp;
    std::vector<float> s, s_eff, off, bias, x;
};

inline Problem make_problem(const Case& c, uint32_t seed) {
    std::mt19937 rng(seed);
    Problem pr;
    pr.c = c;
    const int64_t groups = c.k / c.group;
    pr.p = {c.n, c.k, c.nbit, c.center, c.group, c.bf16 ? JAO_SCALE_BF16 : JAO_SCALE_F32, c.zp, c.off, c.bias,
            JAO_WO_LAYOUT_AUTO};
    std::uniform_int_distribution<int> ud(0, (1 << c.nbit) - 1), zd(-(1 << c.nbit), 1 << c.nbit);
    std::uniform_real_distribution<float> sd(-5e-2f, 5e-2f), od(-1.0f, 1.0f);
    std::normal_distribution<float> xd(0.0f, 1.0f);
    pr.codes.resize(static_cast<size_t>(c.n * c.k));
    for (auto& v : pr.codes) v = static_cast<uint8_t>(ud(rng));
    // Edge codes in the first column: all minimum / all maximum.
    for (int64_t i = 0; i < c.k; ++i) pr.codes[i] = static_cast<uint8_t>(i % 2 ? (1 << c.nbit) - 1 : 0);
    pr.s.resize(static_cast<size_t>(c.n * groups));
    for (auto& v : pr.s) v = sd(rng);
    pr.s[0] = 0.0f;  // a zero scale
    pr.s_eff = pr.s;
    if (c.bf16)
        for (auto& v : pr.s_eff) v = affine::bf16_to_float(affine::bf16_bits_rne(v));
    if (c.zp) {
        pr.zp.resize(pr.s.size());
        for (auto& v : pr.zp) v = zd(rng);
        pr.zp.back() = 65535;  // extreme zero point
    }
    if (c.off) {
        pr.off.resize(pr.s.size());
        for (auto& v : pr.off) v = od(rng);
    }
    if (c.bias) {
        pr.bias.resize(static_cast<size_t>(c.n));
        for (auto& v : pr.bias) v = od(rng) * 2.0f;
    }
    pr.x.resize(static_cast<size_t>(c.m * c.k));
    for (int64_t r = 0; r < c.m; ++r) {
        float* row = pr.x.data() + r * c.k;
        switch (r % 5) {
            case 3: for (int64_t i = 0; i < c.k; ++i) row[i] = 0.0f; break;                      // zero row
            case 4: for (int64_t i = 0; i < c.k; ++i) row[i] = i % 3 ? 1e-30f : -3e4f; break;   // tiny / large
            default: for (int64_t i = 0; i < c.k; ++i) row[i] = xd(rng) * static_cast<float>(r + 1); break;
        }
    }
    return pr;
}

struct Packed {
    std::vector<uint8_t> bytes;
    int64_t size() const { return static_cast<int64_t>(bytes.size()); }
    const void* data() const { return bytes.data(); }
};

inline jao_status pack(const Problem& pr, Packed& out) {
    int64_t size = 0;
    jao_status st = jao_wo_packed_size(&pr.p, &size);
    if (st != JAO_OK) return st;
    out.bytes.assign(static_cast<size_t>(size), 0xCD);
    return jao_wo_pack(&pr.p, pr.codes.data(), pr.s.data(), pr.c.zp ? pr.zp.data() : nullptr,
                       pr.c.off ? pr.off.data() : nullptr, pr.c.bias ? pr.bias.data() : nullptr, out.bytes.data(),
                       size);
}

// call(workspace, size) with a fresh workspace of the size asked for, deliberately
// misaligned (the kernel aligns it itself).
template <class Call>
jao_status with_workspace(const Packed& pk, int64_t m, Call&& call) {
    int64_t ws = 0;
    const jao_status st = jao_wo_workspace_size(pk.data(), pk.size(), m, &ws);
    if (st != JAO_OK) return st;
    std::vector<uint8_t> work(static_cast<size_t>(ws) + 1, 0xEE);
    return call(work.data() + 1, ws);
}

inline jao_status run_typed(const Packed& pk, int64_t m, const void* x, int32_t x_type, void* y, int32_t y_type) {
    return with_workspace(pk, m, [&](void* work, int64_t ws) {
        return jao_wo_linear_run_typed(pk.data(), pk.size(), m, x, x_type, y, y_type, work, ws);
    });
}

// The fp32 entry point jao_wo_linear_run, y resized to m * n.
inline jao_status run(const Packed& pk, int64_t m, const std::vector<float>& x, std::vector<float>& y, int64_t n) {
    y.assign(static_cast<size_t>(m * n), -12345.0f);
    return with_workspace(pk, m, [&](void* work, int64_t ws) {
        return jao_wo_linear_run(pk.data(), pk.size(), m, x.data(), y.data(), work, ws);
    });
}

// Double-precision plain reference and, per output, a bound on the fp32 error of
// any summation order: eps * (K/16 + 32) * sum_k |x w| (+ the t * X terms). One-row
// calls with 1-, 2- or 4-bit codes may run the x86 subnormal decode
// (x86/wo_subnormal_steps.h), which sums x u and takes c X off once a group: for
// them the bound takes |x| s (u + c) where the plain sum has |x| s |u - c|.
struct Reference {
    std::vector<double> y, bound;
};

inline Reference plain_reference(const Problem& pr) {
    const Case& c = pr.c;
    const int64_t groups = c.k / c.group;
    Reference ref;
    ref.y.assign(static_cast<size_t>(c.m * c.n), 0.0);
    ref.bound.assign(ref.y.size(), 0.0);
    const double eps = std::ldexp(1.0, -23) * (static_cast<double>(c.k) / 16 + 32);
    const bool split = c.m == 1 && (c.nbit == 1 || c.nbit == 2 || c.nbit == 4);
    for (int64_t n = 0; n < c.n; ++n)
        for (int64_t r = 0; r < c.m; ++r) {
            double acc = c.bias ? pr.bias[n] : 0.0, mag = std::fabs(acc);
            for (int64_t kk = 0; kk < c.k; ++kk) {
                const int64_t gi = n * groups + kk / c.group;
                const double s = pr.s_eff[gi], z = c.zp ? pr.zp[gi] : 0, o = c.off ? pr.off[gi] : 0.0;
                const double u = pr.codes[n * c.k + kk], q = u - c.center;
                const double xv = pr.x[r * c.k + kk];
                acc += xv * (s * (q - z) + o);
                const double q_mag = split ? u + std::fabs(static_cast<double>(c.center)) : std::fabs(q);
                mag += std::fabs(xv) * (std::fabs(s) * (q_mag + std::fabs(z)) + std::fabs(o));
            }
            ref.y[r * c.n + n] = acc;
            ref.bound[r * c.n + n] = eps * mag + 1e-30;
        }
    return ref;
}

// Every output within the bound of the plain reference.
inline void expect_close(const std::vector<float>& got, const Reference& ref, const std::string& what) {
    ASSERT_EQ(got.size(), ref.y.size());
    int bad = 0;
    for (size_t i = 0; i < got.size() && bad < 5; ++i)
        if (!(std::fabs(got[i] - ref.y[i]) <= ref.bound[i])) {
            ++bad;
            ADD_FAILURE() << what << ": y[" << i << "] = " << got[i] << ", reference " << ref.y[i] << " (bound "
                          << ref.bound[i] << ")";
        }
}

// Two fp32 results within twice the bound of each other (tier vs scalar tier).
inline void expect_near_each_other(const std::vector<float>& got, const std::vector<float>& want,
                                   const Reference& ref, const std::string& what) {
    ASSERT_EQ(got.size(), want.size());
    int bad = 0;
    for (size_t i = 0; i < got.size() && bad < 5; ++i)
        if (!(std::fabs(static_cast<double>(got[i]) - want[i]) <= 2 * ref.bound[i])) {
            ++bad;
            ADD_FAILURE() << what << ": y[" << i << "] = " << got[i] << ", scalar tier " << want[i];
        }
}

}  // namespace jao::test::wo
