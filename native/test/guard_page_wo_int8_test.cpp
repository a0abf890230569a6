// Guard-page tests (DESIGN §8) of the weight-only and int8 x int8 linears: the packed
// buffer, activations, outputs, workspace and unpack outputs each end flush against a
// PROT_NONE page, over shapes whose m, n and k all have tails, at every ISA tier (and
// both int8 backends). An over-read or over-write crashes the test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "jao/jao.h"
#include "guarded_buffer.h"
#include "linear_test_util.h"

namespace {

using jao::test::Guarded;

// Guarded copy of a vector (inputs are read from the guarded copy).
template <class T>
struct GuardedCopy {
    explicit GuardedCopy(const std::vector<T>& v) : g(v.size() * sizeof(T)) {
        std::memcpy(g.as<T>(), v.data(), v.size() * sizeof(T));
    }
    const T* get() { return g.as<T>(); }
    Guarded g;
};

std::vector<float> normal(std::mt19937& rng, int64_t count, float sigma) {
    std::normal_distribution<float> d(0, sigma);
    std::vector<float> v(static_cast<size_t>(count));
    for (auto& x : v) x = d(rng);
    return v;
}

// Runs `run(y)` at every supported tier into a guarded y of m*n floats; every tier must give
// finite outputs within `rel` of the first tier's (relative to max |y|; 0 = bit-identical).
void at_every_tier(int64_t m, int64_t n, double rel, const std::function<jao_status(float*)>& run) {
    Guarded y(static_cast<size_t>(m * n) * sizeof(float));
    std::vector<float> first;
    for (int32_t tier : jao::test::supported_tiers()) {
        jao::test::IsaCap cap(tier);
        ASSERT_TRUE(cap.ok());
        ASSERT_EQ(run(y.as<float>()), JAO_OK) << jao_last_error() << " (tier " << jao_isa_name(tier) << ")";
        std::vector<float> out(y.as<float>(), y.as<float>() + m * n);
        if (first.empty()) first = out;
        float peak = 0;
        for (float v : first) peak = std::max(peak, std::abs(v));
        for (size_t i = 0; i < out.size(); ++i) {
            ASSERT_TRUE(std::isfinite(out[i])) << "tier " << jao_isa_name(tier) << " index " << i;
            if (rel == 0) ASSERT_EQ(out[i], first[i]) << "tier " << jao_isa_name(tier) << " index " << i;
            else ASSERT_NEAR(out[i], first[i], rel * peak) << "tier " << jao_isa_name(tier) << " index " << i;
        }
    }
}

struct WoShape {
    int64_t m, n, k, group;
    int32_t nbit;
    bool zeros, offsets, bias;
};

void wo_guarded(const WoShape& s) {
    SCOPED_TRACE(::testing::Message() << "m " << s.m << " n " << s.n << " k " << s.k << " g " << s.group << " nbit "
                                      << s.nbit);
    std::mt19937 rng(static_cast<uint32_t>(s.m * 7 + s.n * 131 + s.k * 3 + s.nbit));
    const int64_t groups = s.n * (s.k / s.group);
    std::uniform_int_distribution<int> code(0, (1 << s.nbit) - 1), zd(-3, 3);
    std::vector<uint8_t> codes(static_cast<size_t>(s.n * s.k));
    for (auto& c : codes) c = static_cast<uint8_t>(code(rng));
    std::vector<float> scales = normal(rng, groups, 0.01f), offsets = normal(rng, groups, 0.1f),
                       bias = normal(rng, s.n, 1), x = normal(rng, s.m * s.k, 1);
    for (auto& v : scales) v = std::abs(v) + 1e-3f;
    std::vector<int32_t> zeros(static_cast<size_t>(groups));
    for (auto& z : zeros) z = zd(rng);
    jao_wo_params p{s.n, s.k, s.nbit, 1 << (s.nbit - 1), s.group, JAO_SCALE_BF16, s.zeros ? 1 : 0,
                    s.offsets ? 1 : 0, s.bias ? 1 : 0, JAO_WO_LAYOUT_AUTO};
    int64_t size = 0;
    ASSERT_EQ(jao_wo_packed_size(&p, &size), JAO_OK) << jao_last_error();
    Guarded packed(static_cast<size_t>(size));
    GuardedCopy<uint8_t> gc(codes);
    GuardedCopy<float> gs(scales), go(offsets), gb(bias), gx(x);
    GuardedCopy<int32_t> gz(zeros);
    ASSERT_EQ(jao_wo_pack(&p, gc.get(), gs.get(), s.zeros ? gz.get() : nullptr, s.offsets ? go.get() : nullptr,
                          s.bias ? gb.get() : nullptr, packed.as<void>(), size), JAO_OK) << jao_last_error();
    int64_t ws_size = 0;
    ASSERT_EQ(jao_wo_workspace_size(packed.as<void>(), size, s.m, &ws_size), JAO_OK);
    Guarded ws(static_cast<size_t>(ws_size));
    at_every_tier(s.m, s.n, 1e-4, [&](float* y) {
        return jao_wo_linear_run(packed.as<void>(), size, s.m, gx.get(), y, ws.as<void>(), ws_size);
    });
    Guarded uc(codes.size()), us(scales.size() * sizeof(float)), uz(zeros.size() * sizeof(int32_t)),
        uo(offsets.size() * sizeof(float)), ub(bias.size() * sizeof(float));
    ASSERT_EQ(jao_wo_unpack(packed.as<void>(), size, uc.as<uint8_t>(), us.as<float>(), uz.as<int32_t>(),
                            uo.as<float>(), ub.as<float>()), JAO_OK) << jao_last_error();
    EXPECT_EQ(0, std::memcmp(uc.as<uint8_t>(), codes.data(), codes.size()));
    EXPECT_EQ(jao_wo_verify(packed.as<void>(), size), JAO_OK);
}

struct Int8Shape {
    int64_t m, n, k;
    int32_t act_mapping, act_flags;
    bool bias;
};

void int8_guarded(const Int8Shape& s, int32_t backend) {
    SCOPED_TRACE(::testing::Message() << "m " << s.m << " n " << s.n << " k " << s.k << " backend " << backend
                                      << " flags " << s.act_flags);
    std::mt19937 rng(static_cast<uint32_t>(s.m * 5 + s.n * 77 + s.k + s.act_flags));
    std::uniform_int_distribution<int> qd(-128, 127);
    std::vector<int8_t> q(static_cast<size_t>(s.n * s.k));
    for (auto& v : q) v = static_cast<int8_t>(qd(rng));
    std::vector<float> scales = normal(rng, s.n, 0.01f), bias = normal(rng, s.n, 1), x = normal(rng, s.m * s.k, 2);
    for (auto& v : scales) v = std::abs(v) + 1e-3f;
    jao_int8_params p{s.n, s.k, s.act_mapping, s.bias ? 1 : 0, backend, s.act_flags};
    int64_t size = 0;
    ASSERT_EQ(jao_int8_packed_size(&p, &size), JAO_OK) << jao_last_error();
    Guarded packed(static_cast<size_t>(size));
    GuardedCopy<int8_t> gq(q);
    GuardedCopy<float> gs(scales), gb(bias), gx(x);
    ASSERT_EQ(jao_int8_pack(&p, gq.get(), gs.get(), s.bias ? gb.get() : nullptr, packed.as<void>(), size), JAO_OK)
        << jao_last_error();
    int64_t ws_size = 0;
    ASSERT_EQ(jao_int8_workspace_size(packed.as<void>(), size, s.m, &ws_size), JAO_OK);
    Guarded ws(static_cast<size_t>(ws_size));
    at_every_tier(s.m, s.n, 0, [&](float* y) {
        return jao_int8_linear_run(packed.as<void>(), size, s.m, gx.get(), y, ws.as<void>(), ws_size);
    });
    Guarded uq(q.size()), us(scales.size() * sizeof(float)), ub(bias.size() * sizeof(float));
    ASSERT_EQ(jao_int8_unpack(packed.as<void>(), size, uq.as<int8_t>(), us.as<float>(), ub.as<float>()), JAO_OK);
    EXPECT_EQ(0, std::memcmp(uq.as<int8_t>(), q.data(), q.size()));
    EXPECT_EQ(jao_int8_verify(packed.as<void>(), size), JAO_OK);
}

}  // namespace

TEST(GuardPage, WeightOnlyTailsNeverTouchMemoryPastTheirBuffers) {
    const WoShape shapes[] = {
        {1, 1, 8, 8, 4, false, false, false},   {1, 17, 96, 32, 4, true, true, true},
        {3, 33, 40, 8, 3, true, false, true},    {5, 7, 37, 37, 8, false, true, false},
        {13, 19, 64, 16, 2, true, true, false},  {4, 50, 128, 64, 1, false, false, true},
        {6, 31, 48, 48, 5, true, false, false},  {33, 9, 24, 8, 7, false, true, true},
    };
    for (const auto& s : shapes) wo_guarded(s);
}

TEST(GuardPage, Int8TailsNeverTouchMemoryPastTheirBuffers) {
    const Int8Shape shapes[] = {
        {1, 1, 1, JAO_ACT_SYMMETRIC, 0, false},
        {1, 17, 37, JAO_ACT_ASYMMETRIC, 0, true},
        {3, 33, 100, JAO_ACT_SYMMETRIC, JAO_INT8_ACT_PER_TENSOR, true},
        {5, 7, 5, JAO_ACT_ASYMMETRIC, JAO_INT8_ACT_REDUCE_RANGE, false},
        {13, 19, 64, JAO_ACT_SYMMETRIC, JAO_INT8_ACT_REDUCE_RANGE | JAO_INT8_ACT_PER_TENSOR, true},
        {33, 50, 129, JAO_ACT_ASYMMETRIC, 0, true},
    };
    for (const auto& s : shapes)
        for (int32_t backend : {JAO_INT8_BACKEND_JAO, JAO_INT8_BACKEND_ONEDNN}) int8_guarded(s, backend);
}
