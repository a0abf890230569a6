// intx packed linear: every ISA tier against the plain scalar reference over
// a generated grid of shapes / bit widths / groups / options; pack-unpack
// round trips; thread-count independence; kernel / tier reporting.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "intx_test_util.h"
#include "kernels/ref/intx_kernels.h"
#include "linear_test_util.h"
#include "pack/intx_format.h"

namespace {

using jao::test::IsaCap;
using jao::test::Packed;
using namespace jao::test::intx;

std::vector<Case> grid() {
    std::vector<Case> cases;
    const int64_t ms[] = {1, 2, 3, 7, 8, 17, 64};
    const int64_t ns[] = {1, 16, 17, 40, 67};
    // (k, group): groups 32/64/128, per channel (incl. k not a multiple of 32), odd groups that need padding.
    const int64_t kg[][2] = {{64, 32}, {128, 64}, {256, 128}, {256, 256}, {96, 96}, {48, 16}, {150, 50}, {1, 1}};
    std::mt19937 rng(20240611);
    for (int nbit = 1; nbit <= 8; ++nbit)
        for (const auto& g : kg)
            for (int v = 0; v < 2; ++v) {
                Case c;
                c.k = g[0];
                c.group = g[1];
                c.nbit = nbit;
                c.m = ms[rng() % 7];
                c.n = ns[rng() % 5];
                c.zp = rng() & 1;
                c.bias = rng() & 1;
                c.bf16 = rng() & 1;
                cases.push_back(c);
            }
    return cases;
}

TEST(LinearIntx, EveryTierMatchesPlainReference) {
    int checked = 0;
    for (const Case& c : grid()) {
        Problem pr = make_problem(c, static_cast<uint32_t>(c.m * 131 + c.n * 7 + c.k + c.nbit));
        Packed pk = pack_problem(pr);
        std::vector<float> want = plain_ref(pr);
        for (int32_t tier : jao::test::supported_tiers()) {
            IsaCap cap(tier);
            ASSERT_TRUE(cap.ok());
            std::vector<float> y;
            ASSERT_EQ(jao::test::run(pk, c.m, pr.x, y, c.n), JAO_OK) << jao_last_error();
            expect_same(y, want, c.name() + " tier " + jao_isa_name(tier));
            ++checked;
        }
    }
    EXPECT_GE(checked, 128);
}

TEST(LinearIntx, AllRowCountsAndBitWidthsOnLargerShape) {
    // Every M of the brief at one realistic-ish shape, int4 g32 and int8 per channel, all tiers.
    for (int nbit : {4, 8})
        for (int64_t m : {1, 2, 3, 7, 8, 17, 64}) {
            Case c{m, 83, 512, nbit == 4 ? 32 : 512, nbit, nbit == 4, true, nbit == 4};
            Problem pr = make_problem(c, static_cast<uint32_t>(m));
            Packed pk = pack_problem(pr);
            std::vector<float> want = plain_ref(pr);
            for (int32_t tier : jao::test::supported_tiers()) {
                IsaCap cap(tier);
                std::vector<float> y;
                ASSERT_EQ(jao::test::run(pk, m, pr.x, y, c.n), JAO_OK) << jao_last_error();
                expect_same(y, want, c.name() + " tier " + jao_isa_name(tier));
            }
        }
}

TEST(LinearIntx, EveryTierMatchesScalarTierForEveryRowCountAndBitWidth) {
    // m = 1..17 and 128 (every GEMV / GEMM tile remainder, odd rows for i8mm's
    // row pairs), bit widths 1..8 with and without zero points, bf16 and fp32
    // scales, n = 37 (two full 16-column blocks and a tail), groups that need
    // padding (40 -> 64) and per-channel weights.
    const int64_t kg[][2] = {{96, 32}, {80, 40}, {64, 64}};
    std::vector<int64_t> ms;
    for (int64_t m = 1; m <= 17; ++m) ms.push_back(m);
    ms.push_back(128);
    int checked = 0;
    for (int nbit = 1; nbit <= 8; ++nbit)
        for (bool zp : {false, true})
            for (int64_t m : ms) {
                const auto& g = kg[(nbit + m) % 3];
                Case c{m, 37, g[0], g[1], nbit, zp, m % 2 == 1, (nbit + m) % 2 == 0};
                Problem pr = make_problem(c, static_cast<uint32_t>(nbit * 1000 + m * 2 + zp));
                Packed pk = pack_problem(pr);
                std::vector<float> want;
                {
                    IsaCap cap(JAO_ISA_SCALAR);
                    ASSERT_EQ(jao::test::run(pk, m, pr.x, want, c.n), JAO_OK) << jao_last_error();
                }
                for (int32_t tier : jao::test::supported_tiers()) {
                    if (tier == JAO_ISA_SCALAR) continue;
                    IsaCap cap(tier);
                    std::vector<float> y;
                    ASSERT_EQ(jao::test::run(pk, m, pr.x, y, c.n), JAO_OK) << jao_last_error();
                    expect_same(y, want, c.name() + " tier " + jao_isa_name(tier));
                    ++checked;
                }
            }
    std::printf("[ tiers    ] %d runs bit-identical to the scalar tier\n", checked);
}

TEST(LinearIntx, ExtremeSumsOfTheLargestGroupStayExactAtEveryTier) {
    // The largest group (32768) with every product at its extreme: the int32
    // sums the contract calls exact come within 1% of 2^31 (mode X:
    // 255 * 255 * 32768), and the Arm tiers' wrapped u8 x u8 sums and
    // corrections must still land on them exactly. Rows: all u = 255, all u = 0,
    // then alternating signs.
    constexpr int64_t k = 32768, n = 17, m = 3;
    std::vector<float> x(static_cast<size_t>(m * k));
    for (int64_t i = 0; i < k; ++i) {
        x[i] = 0.75f;                       // q = 127, zero point -128: u = 255
        x[k + i] = -3.0f;                   // q = -128, zero point 127: u = 0
        x[2 * k + i] = i % 2 ? 5.0f : -5.0f;  // q = 127 / -128
    }
    for (int nbit = 1; nbit <= 8; ++nbit)
        for (bool zp : {false, true}) {
            const int qmin = -(1 << (nbit - 1)), qmax = (1 << (nbit - 1)) - 1;
            Problem pr;
            pr.c = Case{m, n, k, k, nbit, zp, false, false};
            pr.p = {n, k, nbit, k, JAO_SCALE_F32, zp, 0, JAO_INTX_LAYOUT_AUTO};
            pr.q.assign(static_cast<size_t>(n * k), static_cast<int8_t>(qmin));
            for (int64_t c = 0; c < n; c += 2)  // every other column at the other end
                std::fill(pr.q.begin() + c * k, pr.q.begin() + (c + 1) * k, static_cast<int8_t>(qmax));
            pr.s.assign(static_cast<size_t>(n), 1e-6f);
            pr.s_eff = pr.s;
            if (zp)  // q - zw at its extreme: -255 in mode X, +-(2^nbit - 1) when folded
                for (int64_t c = 0; c < n; ++c) pr.zp.push_back(static_cast<int8_t>(c % 2 ? (nbit == 8 ? 127 : qmax) : qmin));
            pr.x = x;
            Packed pk = pack_problem(pr);
            const std::vector<float> want = plain_ref(pr);
            for (int32_t tier : jao::test::supported_tiers()) {
                IsaCap cap(tier);
                std::vector<float> y;
                ASSERT_EQ(jao::test::run(pk, m, pr.x, y, n), JAO_OK) << jao_last_error();
                expect_same(y, want, pr.c.name() + " tier " + jao_isa_name(tier));
            }
        }
}

TEST(LinearIntx, ReferenceIsCloseToFloatMath) {
    // The integer contract vs. float64 dequantized math (what torchao computes in fp32).
    Case c{5, 33, 256, 32, 4, true, true, false};
    Problem pr = make_problem(c, 7);
    std::vector<float> y = plain_ref(pr);
    std::vector<int8_t> q(static_cast<size_t>(c.k));
    for (int64_t r = 0; r < c.m; ++r) {
        float sa;
        int8_t za;
        jao::kernels::intx::quantize_row_torchao(pr.x.data() + r * c.k, c.k, q.data(), &sa, &za);
        for (int64_t n = 0; n < c.n; ++n) {
            double acc = pr.bias[n], mag = std::fabs(acc);
            for (int64_t i = 0; i < c.k; ++i) {
                int64_t g = i / c.group;
                double w = (pr.q[n * c.k + i] - pr.zp[n * (c.k / c.group) + g]) * double(pr.s[n * (c.k / c.group) + g]);
                acc += (q[i] - za) * double(sa) * w;
                mag += std::fabs((q[i] - za) * double(sa) * w);
            }
            // fp32 with a few roundings of partial sums: within ~1e-6 of the sum of |terms|.
            EXPECT_NEAR(y[r * c.n + n], acc, 1e-6 * mag + 1e-7) << "row " << r << " col " << n;
        }
    }
}

TEST(LinearIntx, ThreadCountDoesNotChangeResults) {
    Case c{17, 300, 512, 64, 4, true, true, true};
    Problem pr = make_problem(c, 99);
    Packed pk = pack_problem(pr);
    const int32_t saved = jao_threads_get();
    // GEMV (m <= 3) calls balance their columns at run time (core/column_claims.h),
    // so which thread computes which block changes from call to call: repeat them.
    std::map<int64_t, std::vector<float>> base;
    for (int32_t t : {1, 2, 3, 5}) {
        ASSERT_EQ(jao_threads_set(t), JAO_OK);
        for (int64_t m : {int64_t{1}, int64_t{3}, c.m})
            for (int rep = 0; rep < (m <= 3 ? 20 : 1); ++rep) {
                std::vector<float> xm(pr.x.begin(), pr.x.begin() + m * c.k), y;
                ASSERT_EQ(jao::test::run(pk, m, xm, y, c.n), JAO_OK) << jao_last_error();
                if (base.count(m) == 0) base[m] = y;
                else expect_same(y, base[m], "m " + std::to_string(m) + " threads " + std::to_string(t));
            }
    }
    jao_threads_set(saved);
}

TEST(LinearIntx, FewColumnsSplitRowsAcrossThreads) {
    // N of 1..3 blocks leaves threads idle unless the rows are split too
    // (core/work_grid.h); whatever the split, outputs equal the reference bitwise.
    const int32_t saved = jao_threads_get();
    for (int64_t n : {1, 16, 40})
        for (int nbit : {4, 8}) {
            Case c{67, n, 256, nbit == 4 ? 32 : 256, nbit, true, true, nbit == 4};
            Problem pr = make_problem(c, static_cast<uint32_t>(n * 10 + nbit));
            Packed pk = pack_problem(pr);
            const std::vector<float> want = plain_ref(pr);
            for (int32_t tier : jao::test::supported_tiers()) {
                IsaCap cap(tier);
                ASSERT_TRUE(cap.ok());
                for (int32_t t : {1, 2, 3, 7}) {
                    ASSERT_EQ(jao_threads_set(t), JAO_OK);
                    std::vector<float> y;
                    ASSERT_EQ(jao::test::run(pk, c.m, pr.x, y, c.n), JAO_OK) << jao_last_error();
                    expect_same(y, want, c.name() + " tier " + jao_isa_name(tier) + " threads " + std::to_string(t));
                }
            }
        }
    jao_threads_set(saved);
}

TEST(LinearIntx, PackUnpackRoundTrip) {
    for (int nbit = 1; nbit <= 8; ++nbit)
        for (bool zp : {false, true}) {
            Case c{1, 37, 192, nbit % 2 ? 64 : 192, nbit, zp, nbit > 4, nbit % 3 == 0};
            Problem pr = make_problem(c, static_cast<uint32_t>(nbit));
            Packed pk = pack_problem(pr);
            ASSERT_EQ(jao_intx_verify(pk.data(), pk.size()), JAO_OK) << jao_last_error();
            std::vector<int8_t> q(pr.q.size()), z(pr.s.size());
            std::vector<float> s(pr.s.size()), b(static_cast<size_t>(c.n));
            ASSERT_EQ(jao_intx_unpack(pk.data(), pk.size(), q.data(), s.data(), z.data(), b.data()), JAO_OK);
            EXPECT_EQ(q, pr.q) << c.name();
            EXPECT_EQ(s, pr.s_eff) << c.name();
            EXPECT_EQ(z, zp ? pr.zp : std::vector<int8_t>(z.size(), 0)) << c.name();
            EXPECT_EQ(b, c.bias ? pr.bias : std::vector<float>(b.size(), 0.0f)) << c.name();
            // Unpack -> pack reproduces the same bytes (portable saved form).
            jao_intx_params p2 = pr.p;
            p2.scale_dtype = c.bf16 ? JAO_SCALE_BF16 : JAO_SCALE_F32;
            Packed again;
            ASSERT_EQ(jao::test::pack(p2, q, s, zp ? &z : nullptr, c.bias ? &b : nullptr, again), JAO_OK);
            EXPECT_EQ(again.bytes, pk.bytes) << c.name();
        }
}

TEST(LinearIntx, Bf16ScalesRoundToNearestEven) {
    EXPECT_EQ(jao::pack::f32_to_bf16_rne(1.00390625f), 0x3F80);      // tie -> even (down)
    EXPECT_EQ(jao::pack::f32_to_bf16_rne(1.01171875f), 0x3F82);      // tie -> even (up)
    float above;
    const uint32_t bits = 0x3F808001u;  // just above the tie
    std::memcpy(&above, &bits, 4);
    EXPECT_EQ(jao::pack::f32_to_bf16_rne(above), 0x3F81);
    EXPECT_EQ(jao::pack::f32_to_bf16_rne(-3.0f), 0xC040);
}

// The tier whose kernel runs m rows under cap `tier` (intx_linear.cpp's pick_tier):
// AVX-512 without VNNI has no intx kernel of its own, avx512_bf16 runs VNNI's;
// i8mm's ummla needs row pairs, so GEMV (m <= 3) runs the dotprod kernel.
int32_t expected_kernel_isa(int32_t tier, int64_t m) {
    switch (tier) {
        case JAO_ISA_AVX512: return JAO_ISA_AVX2;
        case JAO_ISA_AVX512_BF16: return JAO_ISA_AVX512_VNNI;
        case JAO_ISA_I8MM: return m >= 4 ? JAO_ISA_I8MM : JAO_ISA_DOTPROD;
        default: return tier;
    }
}

TEST(LinearIntx, InfoReportsKernelAndTier) {
    Case c{1, 40, 128, 32, 4, false, false, true};
    Problem pr = make_problem(c, 1);
    Packed pk = pack_problem(pr);
    for (int32_t tier : jao::test::supported_tiers()) {
        IsaCap cap(tier);
        jao_intx_info info{};
        ASSERT_EQ(jao_intx_packed_info(pk.data(), pk.size(), 1, &info), JAO_OK);
        EXPECT_EQ(info.kernel, JAO_INTX_KERNEL_GEMV);
        EXPECT_EQ(info.params.n, 40);
        EXPECT_EQ(info.params.k, 128);
        EXPECT_EQ(info.params.weight_nbit, 4);
        EXPECT_EQ(info.params.group_size, 32);
        EXPECT_EQ(info.params.scale_dtype, JAO_SCALE_BF16);
        EXPECT_EQ(info.params.layout, JAO_INTX_LAYOUT_VNNI_N16K4);
        EXPECT_EQ(info.isa, expected_kernel_isa(tier, 1)) << jao_isa_name(tier);
        ASSERT_EQ(jao_intx_packed_info(pk.data(), pk.size(), 128, &info), JAO_OK);
        EXPECT_EQ(info.kernel, JAO_INTX_KERNEL_GEMM);
        EXPECT_EQ(info.isa, expected_kernel_isa(tier, 128)) << jao_isa_name(tier);
        int64_t ws = 0;
        ASSERT_EQ(jao_intx_workspace_size(pk.data(), pk.size(), 128, &ws), JAO_OK);
        EXPECT_EQ(info.workspace_size, ws);
    }
}

TEST(LinearIntx, ActivationQuantizationMatchesTorchaoRules) {
    // Zero row: scale = FLT_MIN, zp = -128, q = -128. Constant 0.75: scale = 0.75/255, zp = -128, q = 127.
    std::vector<float> x(64, 0.0f);
    std::vector<int8_t> q(64);
    float s;
    int8_t z;
    jao::kernels::intx::quantize_row_torchao(x.data(), 64, q.data(), &s, &z);
    EXPECT_EQ(s, 1.17549435e-38f);
    EXPECT_EQ(z, -128);
    EXPECT_EQ(q[0], -128);
    std::fill(x.begin(), x.end(), 0.75f);
    jao::kernels::intx::quantize_row_torchao(x.data(), 64, q.data(), &s, &z);
    EXPECT_EQ(s, 0.75f / 255.0f);
    EXPECT_EQ(z, -128);
    EXPECT_EQ(q[5], 127);
    std::fill(x.begin(), x.end(), -3.0f);
    jao::kernels::intx::quantize_row_torchao(x.data(), 64, q.data(), &s, &z);
    EXPECT_EQ(z, 127);
    EXPECT_EQ(q[5], -128);
}

}  // namespace
