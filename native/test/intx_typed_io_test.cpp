// intx linear with bf16 / fp16 activations and outputs (jao_intx_linear_run_typed):
// at every ISA tier, outputs bitwise equal to the fp32 run on the widened
// activations, 16-bit outputs bitwise the rounded fp32 results, NaN / inf rows,
// thread-count independence, the workspace bound (guard pages) and validation.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "affine/float_formats.h"
#include "guarded_buffer.h"
#include "intx_test_util.h"
#include "linear_test_util.h"

namespace {

using jao::test::IsaCap;
using jao::test::Packed;
using namespace jao::test::intx;
namespace affine = jao::affine;

constexpr int32_t kFloatTypes[] = {JAO_F32, JAO_BF16, JAO_F16};

// Bytes of one element of a jao_float_type.
size_t type_bytes(int32_t type) { return type == JAO_F32 ? 4 : 2; }

// pr.x rounded to a 16-bit type in place (so the fp32 run sees the values the typed run gets);
// returns x in that type as raw bytes (pr.x's own bytes for JAO_F32).
std::vector<uint8_t> typed_x(Problem& pr, int32_t type) {
    std::vector<uint8_t> out(pr.x.size() * type_bytes(type));
    if (type == JAO_F32) {
        std::memcpy(out.data(), pr.x.data(), out.size());
        return out;
    }
    auto* bits = reinterpret_cast<uint16_t*>(out.data());
    affine::narrow_from_float(type, pr.x.data(), bits, static_cast<int64_t>(pr.x.size()));
    affine::widen_to_float(type, bits, pr.x.data(), static_cast<int64_t>(pr.x.size()));
    return out;
}

// jao_intx_linear_run_typed with a workspace of exactly jao_intx_workspace_size bytes, misaligned on purpose.
jao_status run_typed(const Packed& pk, int64_t m, const void* x, int32_t x_type, void* y, int32_t y_type) {
    int64_t ws = 0;
    const jao_status st = jao_intx_workspace_size(pk.data(), pk.size(), m, &ws);
    if (st != JAO_OK) return st;
    std::vector<uint8_t> work(static_cast<size_t>(ws) + 3);
    return jao_intx_linear_run_typed(pk.data(), pk.size(), m, x, x_type, y, y_type, work.data() + 3, ws);
}

// fp32 results rounded to a 16-bit type (the bits a 16-bit y must hold).
std::vector<uint16_t> rounded_bits(const std::vector<float>& y32, int32_t type) {
    std::vector<uint16_t> bits(y32.size());
    affine::narrow_from_float(type, y32.data(), bits.data(), static_cast<int64_t>(y32.size()));
    return bits;
}

// The grid of the brief: nbit 1..8, per-group and per-channel (odd k included), m up to 17, odd n.
std::vector<Case> typed_grid() {
    std::vector<Case> cases;
    const int64_t ms[] = {1, 2, 3, 4, 5, 8, 17};
    const int64_t ns[] = {1, 17, 33};
    const int64_t kg[][2] = {{64, 32}, {150, 50}, {33, 33}, {128, 128}};
    std::mt19937 rng(20261201);
    for (int nbit = 1; nbit <= 8; ++nbit)
        for (const auto& g : kg)
            for (const int64_t m : ms) {
                Case c{m, ns[rng() % 3], g[0], g[1], nbit, (rng() & 1) != 0, (rng() & 1) != 0, (rng() & 1) != 0};
                cases.push_back(c);
            }
    return cases;
}

TEST(IntxTypedIo, EveryTypeMatchesTheFp32RunBitwiseAtEveryTier) {
    uint32_t seed = 700;
    int64_t checked = 0;
    bool some_zp = false, some_bias = false, some_bf16 = false, some_plain = false;
    for (const Case& c : typed_grid()) {
        SCOPED_TRACE(c.name());
        some_zp |= c.zp;
        some_bias |= c.bias;
        some_bf16 |= c.bf16;
        some_plain |= !c.zp && !c.bias && !c.bf16;
        for (const int32_t x_type : kFloatTypes) {
            Problem pr = make_problem(c, seed++);
            const std::vector<uint8_t> x = typed_x(pr, x_type);
            const Packed pk = pack_problem(pr);
            const size_t count = static_cast<size_t>(c.m * c.n);
            for (const int32_t tier : jao::test::supported_tiers()) {
                IsaCap cap(tier);
                ASSERT_TRUE(cap.ok());
                const std::string what = std::string(jao_isa_name(tier)) + " x_type " + std::to_string(x_type);
                std::vector<float> y32, yt(count, -1.0f);
                ASSERT_EQ(jao::test::run(pk, c.m, pr.x, y32, c.n), JAO_OK) << jao_last_error();
                ASSERT_EQ(run_typed(pk, c.m, x.data(), x_type, yt.data(), JAO_F32), JAO_OK) << jao_last_error();
                expect_same(yt, y32, what + ": fp32 run on the widened x");
                for (const int32_t y_type : {JAO_BF16, JAO_F16}) {
                    std::vector<uint16_t> y16(count, 0xDEAD);
                    ASSERT_EQ(run_typed(pk, c.m, x.data(), x_type, y16.data(), y_type), JAO_OK);
                    EXPECT_EQ(y16, rounded_bits(y32, y_type)) << what << " y_type " << y_type;
                }
                ++checked;
            }
        }
    }
    EXPECT_TRUE(some_zp && some_bias && some_bf16 && some_plain);
    EXPECT_EQ(checked, 8 * 4 * 7 * 3 * static_cast<int64_t>(jao::test::supported_tiers().size()));
}

TEST(IntxTypedIo, ResultsDoNotDependOnThreadCount) {
    const int32_t saved = jao_threads_get();
    // The last case has one column block and many row tiles: the rows are split across threads too.
    const Case cases[] = {{17, 300, 256, 64, 4, true, true, true}, {1, 333, 96, 96, 3, false, true, false},
                          {5, 47, 150, 50, 8, true, false, false}, {67, 16, 128, 32, 2, true, true, false}};
    for (const Case& c : cases) {
        Problem pr = make_problem(c, 31);
        const std::vector<uint8_t> xb = typed_x(pr, JAO_BF16);
        const Packed pk = pack_problem(pr);
        for (const int32_t tier : jao::test::supported_tiers()) {
            IsaCap cap(tier);
            std::vector<std::vector<uint16_t>> ys;
            for (const int32_t threads : {1, 2, 3}) {
                ASSERT_EQ(jao_threads_set(threads), JAO_OK);
                ys.emplace_back(static_cast<size_t>(c.m * c.n));
                ASSERT_EQ(run_typed(pk, c.m, xb.data(), JAO_BF16, ys.back().data(), JAO_F16), JAO_OK)
                    << jao_last_error();
            }
            EXPECT_EQ(ys[0], ys[1]) << c.name() << " " << jao_isa_name(tier);
            EXPECT_EQ(ys[0], ys[2]) << c.name() << " " << jao_isa_name(tier);
        }
    }
    jao_threads_set(saved);
}

// 16-bit types run in slices of 64 rows through the staging: row counts around and past the
// slice (a last slice of 1..3 rows takes the GEMV) give the fp32 run's bits.
TEST(IntxTypedIo, RowSlicesGiveTheFp32RunBitwise) {
    uint32_t seed = 900;
    for (const int64_t m : {63, 64, 65, 67, 130, 200})
        for (const Case& shape : {Case{0, 40, 96, 32, 4, true, true, true}, Case{0, 17, 64, 64, 8, false, false, false}}) {
            Case c = shape;
            c.m = m;
            SCOPED_TRACE(c.name());
            for (const int32_t x_type : kFloatTypes) {
                Problem pr = make_problem(c, seed++);
                const std::vector<uint8_t> x = typed_x(pr, x_type);
                const Packed pk = pack_problem(pr);
                for (const int32_t tier : jao::test::supported_tiers()) {
                    IsaCap cap(tier);
                    ASSERT_TRUE(cap.ok());
                    std::vector<float> y32, yt(static_cast<size_t>(m * c.n), -1.0f);
                    ASSERT_EQ(jao::test::run(pk, m, pr.x, y32, c.n), JAO_OK) << jao_last_error();
                    ASSERT_EQ(run_typed(pk, m, x.data(), x_type, yt.data(), JAO_F32), JAO_OK) << jao_last_error();
                    expect_same(yt, y32, std::string(jao_isa_name(tier)) + " x_type " + std::to_string(x_type));
                    std::vector<uint16_t> yb(yt.size(), 0xDEAD);
                    ASSERT_EQ(run_typed(pk, m, x.data(), x_type, yb.data(), JAO_BF16), JAO_OK);
                    EXPECT_EQ(yb, rounded_bits(y32, JAO_BF16)) << jao_isa_name(tier);
                }
            }
        }
}

// Outputs that are much larger than the per-thread narrowing chunk exercise the parallel rounding.
TEST(IntxTypedIo, LargeOutputsAreRoundedBitwiseWithTwoThreads) {
    const int32_t saved = jao_threads_get();
    ASSERT_EQ(jao_threads_set(2), JAO_OK);
    const Case c{64, 1030, 64, 32, 4, false, true, false};
    Problem pr = make_problem(c, 37);
    const std::vector<uint8_t> xh = typed_x(pr, JAO_F16);
    const Packed pk = pack_problem(pr);
    std::vector<float> y32;
    ASSERT_EQ(jao::test::run(pk, c.m, pr.x, y32, c.n), JAO_OK);
    std::vector<uint16_t> yb(y32.size());
    ASSERT_EQ(run_typed(pk, c.m, xh.data(), JAO_F16, yb.data(), JAO_BF16), JAO_OK) << jao_last_error();
    EXPECT_EQ(yb, rounded_bits(y32, JAO_BF16));
    jao_threads_set(saved);
}

TEST(IntxTypedIo, NonFiniteTypedRowsGiveNanRows) {
    const Case c{4, 40, 64, 32, 4, false, true, false};
    for (const int32_t x_type : {JAO_BF16, JAO_F16}) {
        Problem pr = make_problem(c, 5);
        std::vector<uint8_t> x = typed_x(pr, x_type);
        auto* bits = reinterpret_cast<uint16_t*>(x.data());
        const uint16_t nan = x_type == JAO_BF16 ? 0x7FC0 : 0x7E00, inf = x_type == JAO_BF16 ? 0x7F80 : 0x7C00;
        bits[1 * c.k + 10] = nan;           // row 1: NaN
        bits[2 * c.k + 63] = inf | 0x8000;  // row 2: -inf
        const Packed pk = pack_problem(pr);
        for (const int32_t tier : jao::test::supported_tiers()) {
            IsaCap cap(tier);
            std::vector<float> y(static_cast<size_t>(c.m * c.n));
            std::vector<uint16_t> yb(y.size());
            ASSERT_EQ(run_typed(pk, c.m, x.data(), x_type, y.data(), JAO_F32), JAO_OK) << jao_last_error();
            ASSERT_EQ(run_typed(pk, c.m, x.data(), x_type, yb.data(), JAO_BF16), JAO_OK);
            for (int64_t r = 0; r < c.m; ++r)
                for (int64_t i = 0; i < c.n; ++i) {
                    const bool bad_row = r == 1 || r == 2;
                    const size_t at = static_cast<size_t>(r * c.n + i);
                    EXPECT_EQ(std::isnan(y[at]), bad_row) << jao_isa_name(tier) << " y[" << r << ", " << i << "]";
                    EXPECT_EQ(std::isnan(affine::bf16_to_float(yb[at])), bad_row) << jao_isa_name(tier);
                }
        }
    }
}

// The staging lives inside the reported workspace: x, y and workspace flush against PROT_NONE pages.
TEST(IntxTypedIo, StaysInsideExactBuffersForEveryTypePair) {
    const Case c{5, 33, 150, 50, 5, true, true, true};
    for (const int32_t x_type : kFloatTypes)
        for (const int32_t y_type : kFloatTypes) {
            Problem pr = make_problem(c, 41);
            const std::vector<uint8_t> xv = typed_x(pr, x_type);
            const Packed pk = pack_problem(pr);
            int64_t ws = 0;
            ASSERT_EQ(jao_intx_workspace_size(pk.data(), pk.size(), c.m, &ws), JAO_OK);
            jao::test::Guarded x(xv.size()), y(static_cast<size_t>(c.m * c.n) * type_bytes(y_type)),
                work(static_cast<size_t>(ws));
            std::memcpy(x.as<uint8_t>(), xv.data(), xv.size());
            for (const int32_t tier : jao::test::supported_tiers()) {
                IsaCap cap(tier);
                EXPECT_EQ(jao_intx_linear_run_typed(pk.data(), pk.size(), c.m, x.as<void>(), x_type, y.as<void>(),
                                                    y_type, work.as<void>(), ws),
                          JAO_OK)
                    << jao_last_error();
            }
        }
}

TEST(IntxTypedIo, WorkspaceSizeDoesNotDependOnTierOrThreads) {
    const Case c{9, 70, 128, 32, 4, true, false, false};
    const Problem pr = make_problem(c, 3);
    const Packed pk = pack_problem(pr);
    const int32_t saved = jao_threads_get();
    int64_t first = -1;
    for (const int32_t tier : jao::test::supported_tiers())
        for (const int32_t threads : {1, 2}) {
            IsaCap cap(tier);
            ASSERT_EQ(jao_threads_set(threads), JAO_OK);
            int64_t ws = 0;
            ASSERT_EQ(jao_intx_workspace_size(pk.data(), pk.size(), c.m, &ws), JAO_OK);
            if (first < 0) first = ws;
            EXPECT_EQ(ws, first) << jao_isa_name(tier) << " threads " << threads;
        }
    jao_threads_set(saved);
}

TEST(IntxTypedIo, RejectsBadTypesAndArguments) {
    const Case c{2, 20, 64, 32, 4, false, false, false};
    const Problem pr = make_problem(c, 9);
    const Packed pk = pack_problem(pr);
    int64_t ws = 0;
    ASSERT_EQ(jao_intx_workspace_size(pk.data(), pk.size(), c.m, &ws), JAO_OK);
    std::vector<uint8_t> work(static_cast<size_t>(ws));
    std::vector<float> y(static_cast<size_t>(c.m * c.n));
    const auto call = [&](int64_t m, const void* x, int32_t xt, void* yp, int32_t yt, int64_t wsize) {
        return jao_intx_linear_run_typed(pk.data(), pk.size(), m, x, xt, yp, yt, work.data(), wsize);
    };
    for (const int32_t bad : {-1, 3, 1000}) {
        EXPECT_EQ(call(c.m, pr.x.data(), bad, y.data(), JAO_F32, ws), JAO_INVALID_ARGUMENT);
        const std::string err = jao_last_error();
        EXPECT_NE(err.find("jao_intx_linear_run_typed"), std::string::npos) << err;
        EXPECT_NE(err.find("x_type and y_type"), std::string::npos) << err;
        EXPECT_EQ(call(c.m, pr.x.data(), JAO_F32, y.data(), bad, ws), JAO_INVALID_ARGUMENT);
        EXPECT_NE(std::string(jao_last_error()).find(std::to_string(bad)), std::string::npos);
    }
    EXPECT_EQ(call(c.m, nullptr, JAO_BF16, y.data(), JAO_F32, ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(c.m, pr.x.data(), JAO_BF16, nullptr, JAO_F32, ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(c.m, pr.x.data(), JAO_BF16, y.data(), JAO_BF16, ws - 1), JAO_INVALID_ARGUMENT);
    EXPECT_NE(std::string(jao_last_error()).find("workspace_size"), std::string::npos);
    EXPECT_EQ(call(0, pr.x.data(), JAO_F16, y.data(), JAO_F32, ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(int64_t{1} << 62, pr.x.data(), JAO_F16, y.data(), JAO_F32, ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_intx_linear_run_typed(pk.data(), pk.size(), c.m, pr.x.data(), JAO_BF16, y.data(), JAO_F32, nullptr,
                                        ws),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_intx_linear_run_typed(pk.data(), pk.size() - 1, c.m, pr.x.data(), JAO_BF16, y.data(), JAO_F32,
                                        work.data(), ws),
              JAO_INVALID_ARGUMENT);
    // the fp32 entry point is the same code path: its errors name it
    EXPECT_EQ(jao_intx_linear_run(pk.data(), pk.size(), c.m, pr.x.data(), y.data(), work.data(), ws - 1),
              JAO_INVALID_ARGUMENT);
    EXPECT_NE(std::string(jao_last_error()).find("jao_intx_linear_run:"), std::string::npos) << jao_last_error();
}

}  // namespace
