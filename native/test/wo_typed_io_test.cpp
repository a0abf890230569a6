// Weight-only linear with bf16 / fp16 activations and outputs
// (jao_wo_linear_run_typed): the bf16 dot-product GEMV of the avx512_bf16 tier
// against the double-precision reference over the whole test grid, every other
// path bitwise equal to the fp32 run on the widened activations, outputs equal
// to the rounded fp32 results, thread-count independence, NaN, validation.
#include <cstring>
#include <string>
#include <vector>

#include "linear_test_util.h"
#include "wo_test_util.h"

namespace {

using jao::test::IsaCap;
using namespace jao::test::wo;
namespace affine = jao::affine;

// x rounded to a 16-bit type in place (so the reference sees the values the kernel gets); returns the bits.
std::vector<uint16_t> round_x(Problem& pr, int32_t type) {
    std::vector<uint16_t> bits(pr.x.size());
    for (size_t i = 0; i < bits.size(); ++i) {
        bits[i] = type == JAO_BF16 ? affine::bf16_bits_rne(pr.x[i]) : affine::f16_bits_rne(pr.x[i]);
        pr.x[i] = affine::load_as_float(type, bits.data(), static_cast<int64_t>(i));
    }
    return bits;
}

bool bf16_dot_runs(const Case& c, int32_t tier) {
    return tier == JAO_ISA_AVX512_BF16 && (c.nbit == 1 || c.nbit == 2 || c.nbit == 4);
}

TEST(WoTypedIo, Bf16ActivationsMatchReferenceAtEveryTier) {
    uint32_t seed = 500;
    int dot_cases = 0;
    for (const Case& c : grid()) {
        SCOPED_TRACE(c.name());
        Problem pr = make_problem(c, seed++);
        const std::vector<uint16_t> xb = round_x(pr, JAO_BF16);
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        const Reference ref = plain_reference(pr);
        for (int32_t tier : jao::test::supported_tiers()) {
            IsaCap cap(tier);
            std::vector<float> y(static_cast<size_t>(c.m * c.n), -1.0f), y32;
            ASSERT_EQ(run_typed(pk, c.m, xb.data(), JAO_BF16, y.data(), JAO_F32), JAO_OK) << jao_last_error();
            const std::string what = std::string("tier ") + jao_isa_name(tier);
            expect_close(y, ref, what);
            ASSERT_EQ(run(pk, c.m, pr.x, y32, c.n), JAO_OK);
            if (bf16_dot_runs(c, tier)) {
                expect_near_each_other(y, y32, ref, what + " bf16 dot vs fp32");
                ++dot_cases;
            } else {
                EXPECT_EQ(0, std::memcmp(y.data(), y32.data(), y.size() * 4)) << what << ": fp32 path on widened x";
            }
        }
    }
    if (jao_isa_supported_mask() >> JAO_ISA_AVX512_BF16 & 1) {
        EXPECT_GE(dot_cases, 15);  // the grid reaches the bf16 dot GEMV (19 cases today)
    }
}

// jao_wo_packed_info_typed reports the kernel a typed run takes: the bf16 dot GEMV exactly where
// Bf16ActivationsMatchReferenceAtEveryTier sees it run, else jao_wo_packed_info's fp32 plan.
TEST(WoTypedIo, TypedInfoReportsTheKernelThatRuns) {
    uint32_t seed = 900;
    for (const Case& c : grid()) {
        SCOPED_TRACE(c.name());
        Problem pr = make_problem(c, seed++);
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        for (int32_t tier : jao::test::supported_tiers()) {
            IsaCap cap(tier);
            jao_wo_info f32{}, typed{};
            ASSERT_EQ(jao_wo_packed_info(pk.data(), pk.size(), c.m, &f32), JAO_OK) << jao_last_error();
            for (int32_t type : {JAO_F32, JAO_BF16, JAO_F16}) {
                ASSERT_EQ(jao_wo_packed_info_typed(pk.data(), pk.size(), c.m, type, &typed), JAO_OK) << jao_last_error();
                const bool dot = type == JAO_BF16 && bf16_dot_runs(c, tier);
                EXPECT_EQ(typed.isa, dot ? JAO_ISA_AVX512_BF16 : f32.isa) << jao_isa_name(tier) << " type " << type;
                EXPECT_EQ(typed.kernel, dot ? JAO_WO_KERNEL_GEMV : f32.kernel);
                EXPECT_EQ(typed.workspace_size, f32.workspace_size);
            }
        }
    }
    Problem pr = make_problem(grid().front(), 1);
    Packed pk;
    ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
    jao_wo_info info{};
    EXPECT_EQ(jao_wo_packed_info_typed(pk.data(), pk.size(), 1, 9, &info), JAO_INVALID_ARGUMENT);
    EXPECT_NE(std::string(jao_last_error()).find("x_type"), std::string::npos) << jao_last_error();
    EXPECT_EQ(jao_wo_packed_info_typed(pk.data(), pk.size(), 1, JAO_BF16, nullptr), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_packed_info_typed(pk.data(), pk.size(), 0, JAO_BF16, &info), JAO_INVALID_ARGUMENT);
}

TEST(WoTypedIo, OutputsAreTheRoundedFp32ResultsAndFp16InputsWiden) {
    const Case cases[] = {{1, 300, 4096, 32, 4, 8, false, true, true, true},
                          {3, 77, 128, 64, 2, 2, false, true, false, false},
                          {17, 50, 256, 128, 8, 128, true, false, true, false},
                          {4, 33, 150, 50, 1, 0, false, false, true, true}};
    uint32_t seed = 900;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name());
        for (int32_t x_type : {JAO_F32, JAO_BF16, JAO_F16}) {
            Problem pr = make_problem(c, seed++);
            const std::vector<uint16_t> x16 = x_type == JAO_F32 ? std::vector<uint16_t>() : round_x(pr, x_type);
            const void* x = x_type == JAO_F32 ? static_cast<const void*>(pr.x.data()) : x16.data();
            Packed pk;
            ASSERT_EQ(pack(pr, pk), JAO_OK);
            for (int32_t tier : jao::test::supported_tiers()) {
                IsaCap cap(tier);
                const size_t count = static_cast<size_t>(c.m * c.n);
                std::vector<float> y32(count), widened;
                std::vector<uint16_t> ybf(count), yh(count);
                ASSERT_EQ(run_typed(pk, c.m, x, x_type, y32.data(), JAO_F32), JAO_OK) << jao_last_error();
                ASSERT_EQ(run_typed(pk, c.m, x, x_type, ybf.data(), JAO_BF16), JAO_OK);
                ASSERT_EQ(run_typed(pk, c.m, x, x_type, yh.data(), JAO_F16), JAO_OK);
                for (size_t i = 0; i < count; ++i) {
                    ASSERT_EQ(ybf[i], affine::bf16_bits_rne(y32[i])) << "y[" << i << "] " << jao_isa_name(tier);
                    ASSERT_EQ(yh[i], affine::f16_bits_rne(y32[i])) << "y[" << i << "] " << jao_isa_name(tier);
                }
                if (x_type == JAO_F16) {
                    ASSERT_EQ(run(pk, c.m, pr.x, widened, c.n), JAO_OK);
                    EXPECT_EQ(0, std::memcmp(y32.data(), widened.data(), count * 4)) << jao_isa_name(tier);
                }
            }
        }
    }
}

TEST(WoTypedIo, Bf16DotResultsDoNotDependOnThreadCount) {
    const int32_t saved = jao_threads_get();
    // The last two: one and three column blocks at m past a GEMV tile, whose rows the
    // grid splits across threads in units of 4 (the bf16 dot GEMV runs at every m).
    const Case cases[] = {{1, 200, 256, 32, 4, 8, true, true, true, true},
                          {4, 77, 128, 64, 2, 2, false, true, false, false},
                          {37, 16, 128, 32, 4, 8, true, false, true, true},
                          {70, 40, 96, 32, 1, 1, false, true, false, false}};
    for (const Case& c : cases) {
        Problem pr = make_problem(c, 7);
        const std::vector<uint16_t> xb = round_x(pr, JAO_BF16);
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK);
        for (int32_t tier : jao::test::supported_tiers()) {
            IsaCap cap(tier);
            std::vector<std::vector<float>> ys;
            for (int32_t threads : {1, 2, 3}) {
                ASSERT_EQ(jao_threads_set(threads), JAO_OK);
                ys.emplace_back(static_cast<size_t>(c.m * c.n));
                ASSERT_EQ(run_typed(pk, c.m, xb.data(), JAO_BF16, ys.back().data(), JAO_F32), JAO_OK);
            }
            EXPECT_EQ(0, std::memcmp(ys[0].data(), ys[1].data(), ys[0].size() * 4)) << c.name() << jao_isa_name(tier);
            EXPECT_EQ(0, std::memcmp(ys[0].data(), ys[2].data(), ys[0].size() * 4)) << c.name() << jao_isa_name(tier);
        }
    }
    jao_threads_set(saved);
}

TEST(WoTypedIo, NanInBf16InputPropagatesToItsRow) {
    Case c{3, 40, 64, 32, 4, 8, false, false, true, false};
    Problem pr = make_problem(c, 5);
    std::vector<uint16_t> xb = round_x(pr, JAO_BF16);
    xb[c.k + 10] = 0x7FC0;  // NaN
    Packed pk;
    ASSERT_EQ(pack(pr, pk), JAO_OK);
    for (int32_t tier : jao::test::supported_tiers()) {
        IsaCap cap(tier);
        std::vector<float> y(static_cast<size_t>(c.m * c.n));
        ASSERT_EQ(run_typed(pk, c.m, xb.data(), JAO_BF16, y.data(), JAO_F32), JAO_OK);
        for (int64_t i = 0; i < c.n; ++i) {
            EXPECT_FALSE(std::isnan(y[i])) << jao_isa_name(tier);
            EXPECT_TRUE(std::isnan(y[c.n + i])) << jao_isa_name(tier);
        }
    }
}

TEST(WoTypedIo, RejectsBadTypesAndArguments) {
    Case c{2, 20, 64, 32, 4, 8, false, false, false, false};
    const Problem pr = make_problem(c, 9);
    Packed pk;
    ASSERT_EQ(pack(pr, pk), JAO_OK);
    int64_t ws = 0;
    ASSERT_EQ(jao_wo_workspace_size(pk.data(), pk.size(), c.m, &ws), JAO_OK);
    std::vector<uint8_t> work(static_cast<size_t>(ws));
    std::vector<float> y(static_cast<size_t>(c.m * c.n));
    const auto call = [&](const void* x, int32_t xt, void* yp, int32_t yt, int64_t wsize) {
        return jao_wo_linear_run_typed(pk.data(), pk.size(), c.m, x, xt, yp, yt, work.data(), wsize);
    };
    for (int32_t bad : {-1, 3, 1000}) {
        EXPECT_EQ(call(pr.x.data(), bad, y.data(), JAO_F32, ws), JAO_INVALID_ARGUMENT);
        EXPECT_NE(std::string(jao_last_error()).find("jao_wo_linear_run_typed"), std::string::npos);
        EXPECT_EQ(call(pr.x.data(), JAO_F32, y.data(), bad, ws), JAO_INVALID_ARGUMENT);
    }
    EXPECT_EQ(call(nullptr, JAO_BF16, y.data(), JAO_F32, ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(pr.x.data(), JAO_BF16, nullptr, JAO_F32, ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(pr.x.data(), JAO_BF16, y.data(), JAO_BF16, ws - 1), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_linear_run_typed(pk.data(), pk.size() - 1, c.m, pr.x.data(), JAO_BF16, y.data(), JAO_F32,
                                      work.data(), ws),
              JAO_INVALID_ARGUMENT);
}

}  // namespace
