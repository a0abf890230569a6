// Linear runs called from inside the caller's own OpenMP parallel region. The
// thread budget is split among concurrent callers (core::CallScope), so each
// call gets one thread and runs its body on the calling thread without a region
// of its own (core::run_on_threads): it must then never wait at a barrier, which
// would be the caller's. Every activation count here is above
// core::kSerialPassElems, so the drivers take their barrier path when they run
// on more than one thread.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <vector>

#include "int8_test_util.h"
#include "jao/jao.h"

namespace {

constexpr int64_t kN = 48, kK = 512, kM = 40;  // m * k = 20480 > core::kSerialPassElems

using Run = std::function<jao_status(int64_t m, const float* x, float* y)>;

// The intx, int8 and weight-only ABIs share these two signatures.
using WorkspaceSize = jao_status (*)(const void*, int64_t, int64_t, int64_t*);
using LinearRun = jao_status (*)(const void*, int64_t, int64_t, const float*, float*, void*, int64_t);

// A run of `packed` through one ABI, with a fresh workspace per call.
Run packed_run(const std::vector<uint8_t>& packed, WorkspaceSize workspace_size, LinearRun linear_run) {
    return [&packed, workspace_size, linear_run](int64_t m, const float* x, float* y) {
        const auto size = static_cast<int64_t>(packed.size());
        int64_t ws = 0;
        if (workspace_size(packed.data(), size, m, &ws) != JAO_OK) return JAO_INTERNAL;
        std::vector<uint8_t> work(static_cast<size_t>(ws));
        return linear_run(packed.data(), size, m, x, y, work.data(), ws);
    };
}

// y = run(x) once alone, then from every thread of a 2-thread region, 10 times
// each: the same bits, and every thread of the region really ran.
void expect_same_inside_region(const Run& run) {
    std::mt19937 rng(7);
    std::normal_distribution<float> xd(0.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(kM * kK));
    for (auto& v : x) v = xd(rng);
    std::vector<float> want(static_cast<size_t>(kM * kN));
    ASSERT_EQ(run(kM, x.data(), want.data()), JAO_OK) << jao_last_error();
    int failures = 0, team = 0;
#pragma omp parallel num_threads(2) reduction(+ : failures)
    {
#pragma omp single
        team = omp_get_num_threads();
        std::vector<float> y(want.size());
        for (int it = 0; it < 10; ++it) {
            std::fill(y.begin(), y.end(), -1.0f);
            if (run(kM, x.data(), y.data()) != JAO_OK || std::memcmp(y.data(), want.data(), 4 * want.size()) != 0)
                ++failures;
        }
    }
    EXPECT_EQ(team, 2);
    EXPECT_EQ(failures, 0);
}

TEST(CallerParallelRegion, IntxRunsGiveTheSameBits) {
    std::vector<int8_t> q(static_cast<size_t>(kN * kK));
    for (size_t i = 0; i < q.size(); ++i) q[i] = static_cast<int8_t>(static_cast<int>(i * 7 % 16) - 8);
    std::vector<float> s(static_cast<size_t>(kN * kK / 32), 0.02f);
    const jao_intx_params p{kN, kK, 4, 32, JAO_SCALE_BF16, 0, 0, JAO_INTX_LAYOUT_AUTO};
    int64_t size = 0;
    ASSERT_EQ(jao_intx_packed_size(&p, &size), JAO_OK);
    std::vector<uint8_t> packed(static_cast<size_t>(size));
    ASSERT_EQ(jao_intx_pack(&p, q.data(), s.data(), nullptr, nullptr, packed.data(), size), JAO_OK) << jao_last_error();
    expect_same_inside_region(packed_run(packed, jao_intx_workspace_size, jao_intx_linear_run));
}

TEST(CallerParallelRegion, Int8RunsGiveTheSameBitsOnBothBackends) {
    std::vector<int8_t> q(static_cast<size_t>(kN * kK));
    for (size_t i = 0; i < q.size(); ++i) q[i] = static_cast<int8_t>(static_cast<int>(i * 37 % 255) - 127);
    std::vector<float> s(static_cast<size_t>(kN), 0.01f);
    for (const int32_t backend : jao::test::int8_backends()) {
        SCOPED_TRACE(backend);
        jao_int8_params p{};
        p.n = kN;
        p.k = kK;
        p.act_mapping = JAO_ACT_ASYMMETRIC;
        p.backend = backend;
        int64_t size = 0;
        ASSERT_EQ(jao_int8_packed_size(&p, &size), JAO_OK);
        std::vector<uint8_t> packed(static_cast<size_t>(size));
        ASSERT_EQ(jao_int8_pack(&p, q.data(), s.data(), nullptr, packed.data(), size), JAO_OK) << jao_last_error();
        expect_same_inside_region(packed_run(packed, jao_int8_workspace_size, jao_int8_linear_run));
    }
}

TEST(CallerParallelRegion, WeightOnlyRunsGiveTheSameBits) {
    std::vector<uint8_t> codes(static_cast<size_t>(kN * kK));
    for (size_t i = 0; i < codes.size(); ++i) codes[i] = static_cast<uint8_t>(i * 5 % 16);
    std::vector<float> s(static_cast<size_t>(kN * kK / 32), 0.03f);
    const jao_wo_params p{kN, kK, 4, 8, 32, JAO_SCALE_F32, 0, 0, 0, JAO_WO_LAYOUT_AUTO};
    int64_t size = 0;
    ASSERT_EQ(jao_wo_packed_size(&p, &size), JAO_OK);
    std::vector<uint8_t> packed(static_cast<size_t>(size));
    ASSERT_EQ(jao_wo_pack(&p, codes.data(), s.data(), nullptr, nullptr, nullptr, packed.data(), size), JAO_OK)
        << jao_last_error();
    expect_same_inside_region(packed_run(packed, jao_wo_workspace_size, jao_wo_linear_run));
}

}  // namespace
