// int8 x int8 linear against the scalar plain-tensor reference, bitwise:
// random shapes (n, k not multiples of 16 / 64), every m of the brief, both
// activation mappings, per token / per tensor / reduced range / bf16 model, with
// and without bias, both backends, every ISA tier, 1 and 2 threads; edge rows.
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <thread>
#include <string>
#include <vector>

#include "int8_test_util.h"
#include "kernels/ref/int8_kernels.h"
#include "linear_test_util.h"

namespace {

using jao::test::Int8Packed;

// Bitwise equal, or both NaN (NaN rows: the payload is not part of the contract).
::testing::AssertionResult same_outputs(const std::vector<float>& got, const std::vector<float>& want) {
    if (got.size() != want.size()) return ::testing::AssertionFailure() << "size " << got.size() << " vs " << want.size();
    for (size_t i = 0; i < got.size(); ++i) {
        if (std::isnan(got[i]) && std::isnan(want[i])) continue;
        if (std::memcmp(&got[i], &want[i], 4) != 0)
            return ::testing::AssertionFailure() << "element " << i << ": " << got[i] << " vs reference " << want[i];
    }
    return ::testing::AssertionSuccess();
}

struct Weights {
    std::vector<int8_t> q;
    std::vector<float> scale, bias;
};

Weights random_weights(int64_t n, int64_t k, std::mt19937& rng) {
    Weights w;
    std::uniform_int_distribution<int> qd(-128, 127);
    std::uniform_real_distribution<float> sd(1e-4f, 2e-2f), bd(-2.0f, 2.0f);
    w.q.resize(static_cast<size_t>(n * k));
    for (auto& v : w.q) v = static_cast<int8_t>(qd(rng));
    for (int64_t i = 0; i < n; ++i) {
        w.scale.push_back(sd(rng));
        w.bias.push_back(bd(rng));
    }
    return w;
}

std::vector<float> reference(const jao_int8_params& p, const Weights& w, int64_t m, const std::vector<float>& x) {
    std::vector<float> y(static_cast<size_t>(m * p.n));
    const bool rr = p.act_flags & JAO_INT8_ACT_REDUCE_RANGE;
    const jao::kernels::int8::ActQuant aq{p.act_mapping == JAO_ACT_ASYMMETRIC,
                                          (p.act_flags & JAO_INT8_ACT_PER_TENSOR) != 0,
                                          (p.act_flags & JAO_INT8_ACT_BF16) != 0, rr ? -64 : -128, rr ? 63 : 127};
    jao::kernels::int8::linear_plain_ref(p.n, p.k, aq, w.q.data(), w.scale.data(), p.has_bias ? w.bias.data() : nullptr,
                                         m, x.data(), y.data(), nullptr, nullptr, nullptr);
    return y;
}

class ThreadsGuard {
public:
    ThreadsGuard() : saved_(jao_threads_get()) {}
    ~ThreadsGuard() { jao_threads_set(saved_); }

private:
    int32_t saved_;
};

TEST(Int8Linear, RandomShapesBothBackendsEveryTierAndThreadCountMatchReference) {
    ThreadsGuard threads_guard;
    std::mt19937 rng(1234);
    // k = 1537: several K chunks of the AVX2 row tiles, and a short last one.
    const int64_t shapes[][2] = {{1, 1}, {7, 5}, {33, 70}, {100, 131}, {47, 1000}, {130, 259}, {19, 1537}};
    const int64_t ms[] = {1, 2, 3, 4, 7, 8, 16, 17, 33, 128};
    const int32_t flag_sets[] = {0, JAO_INT8_ACT_PER_TENSOR, JAO_INT8_ACT_REDUCE_RANGE, JAO_INT8_ACT_BF16,
                                 JAO_INT8_ACT_BF16 | JAO_INT8_ACT_PER_TENSOR | JAO_INT8_ACT_REDUCE_RANGE};
    int runs = 0;
    for (const auto& shape : shapes) {
        const int64_t n = shape[0], k = shape[1];
        const Weights w = random_weights(n, k, rng);
        for (int32_t mapping : {JAO_ACT_SYMMETRIC, JAO_ACT_ASYMMETRIC})
            for (bool bias : {false, true})
                for (int32_t flags : flag_sets) {
                    // options x bias adds nothing the epilogue tests miss, except bf16's rounding of the sum
                    if (flags != 0 && flags != JAO_INT8_ACT_BF16 && bias) continue;
                    const std::vector<int32_t> backends = jao::test::int8_backends();
                    std::vector<Int8Packed> packed(backends.size());
                    for (size_t b = 0; b < backends.size(); ++b) {
                        const auto p = jao::test::int8_params(n, k, mapping, bias, backends[b], flags);
                        ASSERT_EQ(JAO_OK, jao::test::int8_pack(p, w.q, w.scale, bias ? &w.bias : nullptr, packed[b]))
                            << jao_last_error();
                    }
                    const auto p = jao::test::int8_params(n, k, mapping, bias, 0, flags);
                    for (int64_t m : ms) {
                        std::normal_distribution<float> xd(0.0f, 1.0f);
                        std::vector<float> x(static_cast<size_t>(m * k));
                        const float shift = mapping == JAO_ACT_ASYMMETRIC ? 0.7f : 0.0f;  // uneven ranges
                        for (auto& v : x) v = xd(rng) + shift;
                        const std::vector<float> want = reference(p, w, m, x);
                        for (int32_t tier : jao::test::supported_tiers()) {
                            jao::test::IsaCap cap(tier);
                            ASSERT_TRUE(cap.ok());
                            for (int32_t threads : {1, 2}) {
                                ASSERT_EQ(JAO_OK, jao_threads_set(threads));
                                for (size_t b = 0; b < backends.size(); ++b) {
                                    SCOPED_TRACE("n " + std::to_string(n) + " k " + std::to_string(k) + " m " +
                                                 std::to_string(m) + " mapping " + std::to_string(mapping) + " bias " +
                                                 std::to_string(bias) + " flags " + std::to_string(flags) +
                                                 " backend " + std::to_string(backends[b]) + " tier " +
                                                 jao_isa_name(tier) + " threads " + std::to_string(threads));
                                    std::vector<float> y;
                                    ASSERT_EQ(JAO_OK, jao::test::int8_run(packed[b], m, x, y, n)) << jao_last_error();
                                    ASSERT_TRUE(jao::test::same_bits(y, want));
                                    ++runs;
                                }
                            }
                        }
                    }
                }
    }
    std::printf("[ int8 ] %d random-shape runs bitwise equal to the scalar reference\n", runs);
}

// The jao backend at every tier against the scalar tier, bitwise, for every m
// from 1 to 33 (every row tile and tail of the 8-row driver loop) with n not a
// multiple of 16 and odd K (K tails inside the 4-K steps and the 32-K chunks),
// every mapping and act flag.
TEST(Int8Linear, JaoBackendEveryMEveryFlagEveryTierEqualsScalarTier) {
    std::mt19937 rng(77);
    const int64_t shapes[][2] = {{37, 75}, {21, 131}};
    int runs = 0;
    for (const auto& shape : shapes) {
        const int64_t n = shape[0], k = shape[1];
        const Weights w = random_weights(n, k, rng);
        for (int32_t mapping : {JAO_ACT_SYMMETRIC, JAO_ACT_ASYMMETRIC})
            for (int32_t flags = 0; flags < 4; ++flags) {
                const bool bias = flags % 2 == 0;
                const auto p = jao::test::int8_params(n, k, mapping, bias, JAO_INT8_BACKEND_JAO, flags);
                Int8Packed pk;
                ASSERT_EQ(JAO_OK, jao::test::int8_pack(p, w.q, w.scale, bias ? &w.bias : nullptr, pk))
                    << jao_last_error();
                std::normal_distribution<float> xd(0.0f, 1.0f);
                std::vector<float> x(static_cast<size_t>(33 * k));
                for (auto& v : x) v = xd(rng) + (mapping == JAO_ACT_ASYMMETRIC ? 0.5f : 0.0f);
                for (int64_t m = 1; m <= 33; ++m) {
                    std::vector<float> want;
                    for (int32_t tier : jao::test::supported_tiers()) {
                        jao::test::IsaCap cap(tier);
                        std::vector<float> y;
                        ASSERT_EQ(JAO_OK, jao::test::int8_run(pk, m, x, y, n)) << jao_last_error();
                        if (want.empty()) {
                            ASSERT_EQ(tier, JAO_ISA_SCALAR);
                            want = y;
                            continue;
                        }
                        ASSERT_TRUE(jao::test::same_bits(y, want))
                            << "n " << n << " k " << k << " m " << m << " mapping " << mapping << " flags " << flags
                            << " tier " << jao_isa_name(tier);
                        ++runs;
                    }
                }
            }
    }
    EXPECT_GT(runs, 0) << "no vectorized tier on this CPU";
    std::printf("[ int8 ] %d jao-backend runs (m 1..33) bitwise equal to the scalar tier\n", runs);
}

TEST(Int8Linear, EdgeRowsMatchReferenceAndNonFiniteRowsAreNaN) {
    std::mt19937 rng(99);
    const int64_t n = 37, k = 75;
    const Weights w = random_weights(n, k, rng);
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    // Rows: zeros, +const, -const, huge, tiny/subnormal, mixed huge, NaN, +inf, -inf, normal.
    std::vector<std::vector<float>> rows;
    rows.push_back(std::vector<float>(k, 0.0f));
    rows.push_back(std::vector<float>(k, 0.75f));
    rows.push_back(std::vector<float>(k, -3.0f));
    rows.push_back(std::vector<float>(k, 1e30f));
    rows.push_back(std::vector<float>(k, 1e-40f));
    std::vector<float> mixed(k);
    for (int64_t i = 0; i < k; ++i) mixed[i] = (i % 2 ? 3e38f : -3e38f) * static_cast<float>(i % 5) / 4.0f;
    rows.push_back(mixed);
    std::normal_distribution<float> xd(0.0f, 1.0f);
    for (float bad : {nan, inf, -inf}) {
        std::vector<float> r(k);
        for (auto& v : r) v = xd(rng);
        r[k / 2] = bad;
        rows.push_back(r);
    }
    std::vector<float> normal(k);
    for (auto& v : normal) v = xd(rng);
    rows.push_back(normal);
    const int64_t m = static_cast<int64_t>(rows.size());
    std::vector<float> x;
    for (const auto& r : rows) x.insert(x.end(), r.begin(), r.end());

    for (int32_t mapping : {JAO_ACT_SYMMETRIC, JAO_ACT_ASYMMETRIC})
        for (int32_t flags : {0, static_cast<int>(JAO_INT8_ACT_PER_TENSOR), static_cast<int>(JAO_INT8_ACT_BF16),
                              JAO_INT8_ACT_BF16 | JAO_INT8_ACT_PER_TENSOR})
            for (int32_t backend : jao::test::int8_backends()) {
                const auto p = jao::test::int8_params(n, k, mapping, true, backend, flags);
                Int8Packed pk;
                ASSERT_EQ(JAO_OK, jao::test::int8_pack(p, w.q, w.scale, &w.bias, pk)) << jao_last_error();
                const std::vector<float> want = reference(p, w, m, x);
                for (int32_t tier : jao::test::supported_tiers()) {
                    jao::test::IsaCap cap(tier);
                    SCOPED_TRACE("mapping " + std::to_string(mapping) + " flags " + std::to_string(flags) +
                                 " backend " + std::to_string(backend) + " tier " + jao_isa_name(tier));
                    std::vector<float> y;
                    ASSERT_EQ(JAO_OK, jao::test::int8_run(pk, m, x, y, n)) << jao_last_error();
                    EXPECT_TRUE(same_outputs(y, want));
                    for (int64_t r = 0; r < m; ++r) {
                        const bool bad = r >= 6 && r <= 8;
                        // PerTensor: one NaN scale for every row
                        const bool row_nan = (flags & JAO_INT8_ACT_PER_TENSOR) || bad;
                        for (int64_t c = 0; c < n; ++c) {
                            const float v = y[r * n + c];
                            if (row_nan) {
                                ASSERT_TRUE(std::isnan(v)) << "row " << r;
                            } else if (r != 5 && r != 3) {
                                ASSERT_TRUE(std::isfinite(v)) << "row " << r;
                            }
                        }
                    }
                    // Zero row: torchao gives exactly bias (c = 0, corr term 0 or exact).
                    if (!(flags & JAO_INT8_ACT_PER_TENSOR) && mapping == JAO_ACT_SYMMETRIC) {
                        const bool bf16 = flags & JAO_INT8_ACT_BF16;
                        for (int64_t c = 0; c < n; ++c)
                            ASSERT_EQ(y[c], bf16 ? jao::affine::round_bf16(w.bias[c]) : w.bias[c]);
                    }
                }
            }
}

}  // namespace

namespace {

// Many caller threads on one packed buffer (both backends): identical results, no interference.
TEST(Int8Linear, ConcurrentCallersGetIdenticalResults) {
    std::mt19937 rng(3);
    const int64_t n = 200, k = 300;
    const Weights w = random_weights(n, k, rng);
    for (int32_t backend : jao::test::int8_backends()) {
        const auto p = jao::test::int8_params(n, k, JAO_ACT_ASYMMETRIC, true, backend);
        Int8Packed pk;
        ASSERT_EQ(JAO_OK, jao::test::int8_pack(p, w.q, w.scale, &w.bias, pk)) << jao_last_error();
        std::vector<std::vector<float>> xs, want;
        for (int64_t m : {1, 5, 9, 40}) {
            std::normal_distribution<float> xd(0.0f, 1.0f);
            std::vector<float> x(static_cast<size_t>(m * k));
            for (auto& v : x) v = xd(rng);
            want.push_back(reference(p, w, m, x));
            xs.push_back(std::move(x));
        }
        std::vector<int> failures(8, 0);
        std::vector<std::thread> pool;
        for (int t = 0; t < 8; ++t)
            pool.emplace_back([&, t] {
                for (int it = 0; it < 20; ++it) {
                    const size_t c = static_cast<size_t>((t + it) % 4);
                    const int64_t m = static_cast<int64_t>(xs[c].size()) / k;
                    std::vector<float> y;
                    if (jao::test::int8_run(pk, m, xs[c], y, n) != JAO_OK || !jao::test::same_bits(y, want[c]))
                        ++failures[static_cast<size_t>(t)];
                }
            });
        for (auto& th : pool) th.join();
        for (int t = 0; t < 8; ++t) EXPECT_EQ(failures[static_cast<size_t>(t)], 0) << "thread " << t;
    }
}

}  // namespace
