// Weight-only linear: every ISA tier against the double-precision plain
// reference and against the scalar tier over a generated grid (nbit 1..8,
// both centers, zero points / offsets / bias / bf16 scales, groups 32 / 64 /
// 128 / k and padded ones, m from 1 to 128); bitwise thread-count
// independence; pack -> unpack round trips; kernel / tier reporting.
#include <cstring>
#include <vector>

#include "linear_test_util.h"
#include "wo_test_util.h"

namespace {

using jao::test::IsaCap;
using namespace jao::test::wo;

TEST(WoLinear, EveryTierMatchesPlainReferenceAndScalarTier) {
    uint32_t seed = 1;
    for (const Case& c : grid()) {
        SCOPED_TRACE(c.name());
        const Problem pr = make_problem(c, seed++);
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        const Reference ref = plain_reference(pr);
        std::vector<float> scalar;
        for (int32_t tier : jao::test::supported_tiers()) {
            IsaCap cap(tier);
            ASSERT_TRUE(cap.ok());
            std::vector<float> y;
            ASSERT_EQ(run(pk, c.m, pr.x, y, c.n), JAO_OK) << jao_last_error();
            const std::string what = std::string("tier ") + jao_isa_name(tier);
            expect_close(y, ref, what);
            if (scalar.empty()) scalar = y;
            else expect_near_each_other(y, scalar, ref, what);
        }
    }
}

TEST(WoLinear, LargeShapesMatchPlainReference) {
    const Case cases[] = {{1, 300, 4096, 32, 4, 8, false, false, true, true},
                          {128, 70, 1024, 128, 4, 8, true, true, true, true},
                          {37, 45, 2048, 2048, 8, 128, false, false, false, false},
                          {5, 33, 1000, 1000, 3, 4, true, false, true, false}};
    uint32_t seed = 100;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name());
        const Problem pr = make_problem(c, seed++);
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        const Reference ref = plain_reference(pr);
        for (int32_t tier : jao::test::supported_tiers()) {
            IsaCap cap(tier);
            std::vector<float> y;
            ASSERT_EQ(run(pk, c.m, pr.x, y, c.n), JAO_OK) << jao_last_error();
            expect_close(y, ref, std::string("tier ") + jao_isa_name(tier));
        }
    }
}

TEST(WoLinear, ResultsDoNotDependOnThreadCount) {
    const int32_t saved = jao_threads_get();
    const Case cases[] = {{1, 200, 256, 32, 4, 8, true, true, true, true},
                          {3, 77, 128, 64, 2, 2, false, true, false, false},
                          // GEMV tiles of 4 and 2 rows over 5 and 9 blocks: full and remainder
                          // column tiles on different blocks for different thread counts
                          {4, 77, 128, 64, 4, 8, false, true, true, false},
                          {2, 135, 96, 32, 3, 4, true, false, false, true},
                          {64, 130, 320, 64, 8, 128, true, false, true, false},
                          {13, 33, 96, 96, 5, 0, false, false, true, true},
                          // one and three column blocks: GEMM row tiles, and GEMV units of 4 rows
                          // (the AVX-512 GEMV runs to m = 24), split across threads too
                          {67, 16, 128, 32, 4, 8, true, false, true, false},
                          {23, 16, 128, 32, 4, 8, true, false, true, false},
                          {22, 40, 96, 32, 3, 4, false, true, false, true},
                          {45, 40, 96, 32, 3, 4, false, true, false, true},
                          // GEMM sums over three K slices (groups of 96 cross the slice ends),
                          // kept between slices in the partial sums; a 2-column last block
                          {40, 50, 1152, 96, 4, 8, true, true, true, false}};
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name());
        const Problem pr = make_problem(c, 7);
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        for (int32_t tier : jao::test::supported_tiers()) {
            IsaCap cap(tier);
            std::vector<float> y1;
            ASSERT_EQ(jao_threads_set(1), JAO_OK);
            ASSERT_EQ(run(pk, c.m, pr.x, y1, c.n), JAO_OK);
            // A GEMV's columns are balanced at run time (core/column_claims.h): which
            // thread takes which blocks changes from call to call, so repeat.
            for (int32_t threads : {2, 3})
                for (int rep = 0; rep < 10; ++rep) {
                    std::vector<float> yt;
                    ASSERT_EQ(jao_threads_set(threads), JAO_OK);
                    ASSERT_EQ(run(pk, c.m, pr.x, yt, c.n), JAO_OK);
                    ASSERT_EQ(0, std::memcmp(y1.data(), yt.data(), y1.size() * 4))
                        << jao_isa_name(tier) << " threads " << threads;
                }
        }
    }
    jao_threads_set(saved);
}

TEST(WoLinear, PackUnpackRoundTrip) {
    for (int nbit = 1; nbit <= 8; ++nbit) {
        Case c{1, 37, 150, 50, nbit, nbit == 8 ? 128 : 0, nbit % 2 == 1, nbit % 3 == 0, nbit % 2 == 0, nbit > 4};
        SCOPED_TRACE(c.name());
        const Problem pr = make_problem(c, 11u * nbit);
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        ASSERT_EQ(jao_wo_verify(pk.data(), pk.size()), JAO_OK) << jao_last_error();
        const size_t ng = pr.s.size();
        std::vector<uint8_t> codes(pr.codes.size());
        std::vector<float> s(ng), o(ng), b(static_cast<size_t>(c.n));
        std::vector<int32_t> z(ng);
        ASSERT_EQ(jao_wo_unpack(pk.data(), pk.size(), codes.data(), s.data(), z.data(), o.data(), b.data()), JAO_OK)
            << jao_last_error();
        EXPECT_EQ(codes, pr.codes);
        EXPECT_EQ(0, std::memcmp(s.data(), pr.s_eff.data(), ng * 4));
        for (size_t i = 0; i < ng; ++i) {
            EXPECT_EQ(z[i], c.zp ? pr.zp[i] : 0);
            EXPECT_EQ(o[i], c.off ? pr.off[i] : 0.0f);
        }
        for (int64_t i = 0; i < c.n; ++i) EXPECT_EQ(b[i], c.bias ? pr.bias[i] : 0.0f);
        // Null outputs are skipped; repacking the unpacked tensors gives the same bytes.
        ASSERT_EQ(jao_wo_unpack(pk.data(), pk.size(), nullptr, nullptr, nullptr, nullptr, nullptr), JAO_OK);
        Problem again = pr;
        again.codes = codes;
        again.s = s;
        Packed pk2;
        ASSERT_EQ(pack(again, pk2), JAO_OK);
        EXPECT_EQ(pk.bytes, pk2.bytes);
    }
}

TEST(WoLinear, InfoReportsKernelTierAndParams) {
    Case c{1, 40, 128, 32, 4, 8, true, false, true, true};
    const Problem pr = make_problem(c, 3);
    Packed pk;
    ASSERT_EQ(pack(pr, pk), JAO_OK);
    for (int32_t tier : jao::test::supported_tiers()) {
        IsaCap cap(tier);
        for (int64_t m : {1, 4, 5, 24, 25, 128}) {
            jao_wo_info info{};
            ASSERT_EQ(jao_wo_packed_info(pk.data(), pk.size(), m, &info), JAO_OK) << jao_last_error();
            EXPECT_EQ(info.params.n, 40);
            EXPECT_EQ(info.params.k, 128);
            EXPECT_EQ(info.params.weight_nbit, 4);
            EXPECT_EQ(info.params.center, 8);
            EXPECT_EQ(info.params.group_size, 32);
            EXPECT_EQ(info.params.scale_dtype, JAO_SCALE_BF16);
            EXPECT_EQ(info.params.has_zero_points, 1);
            EXPECT_EQ(info.params.has_offsets, 0);
            EXPECT_EQ(info.params.has_bias, 1);
            EXPECT_EQ(info.params.layout, JAO_WO_LAYOUT_N16);
            EXPECT_EQ(info.format_version, 1);
            int64_t ws = 0;
            ASSERT_EQ(jao_wo_workspace_size(pk.data(), pk.size(), m, &ws), JAO_OK);
            EXPECT_EQ(info.workspace_size, ws);
            if (tier == JAO_ISA_SCALAR) {
                EXPECT_EQ(info.isa, JAO_ISA_SCALAR);
                EXPECT_EQ(info.kernel, JAO_WO_KERNEL_GEMV);
            } else {
                // One fp32 tier per architecture family: AVX2, AVX-512 (every AVX-512 tier), NEON (every Arm tier).
                const int32_t isa = tier >= JAO_ISA_NEON     ? JAO_ISA_NEON
                                    : tier >= JAO_ISA_AVX512 ? JAO_ISA_AVX512
                                                             : JAO_ISA_AVX2;
                EXPECT_EQ(info.isa, isa);
                const int64_t gemv_rows = isa == JAO_ISA_AVX512 ? 24 : 4;
                EXPECT_EQ(info.kernel, m <= gemv_rows ? JAO_WO_KERNEL_GEMV : JAO_WO_KERNEL_GEMM) << "m " << m;
            }
        }
    }
}

// Every bit of fp32 activations counts at every tier and tile height: each row
// has one non-zero x with a full 24-bit significand, so y = s * q * x is a
// product with two roundings, within 2^-22 of the exact value (a kernel that
// dropped x's low 8 bits, e.g. by going through bf16 pieces, would be off by up to 2^-16).
// One-row calls on the x86 SIMD tiers with 1-, 2- or 4-bit codes run the subnormal
// decode, which rounds x u before taking c x off: one more rounding, of s u x
// (at most 15 times the term for 4-bit codes, still within 2^-20 of x s).
TEST(WoLinear, Fp32ActivationsKeepEveryBit) {
    for (int nbit : {1, 2, 4, 8}) {
        const Case c{4, 40, 96, 32, nbit, nbit == 8 ? 128 : 1 << (nbit - 1), false, false, false, false};
        SCOPED_TRACE(c.name());
        Problem pr = make_problem(c, 40u + nbit);
        std::fill(pr.x.begin(), pr.x.end(), 0.0f);
        for (int64_t r = 0; r < c.m; ++r) {
            // sign, exponent 3 - 2r, significand bits 0x5A5A5B + r (lowest bit set)
            const uint32_t bits = (r % 2 ? 0x80000000u : 0u) | uint32_t(130 - 2 * r) << 23 | (0x5A5A5Bu + uint32_t(r));
            std::memcpy(&pr.x[r * c.k + 5 + 23 * r], &bits, 4);
        }
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        const Reference ref = plain_reference(pr);
        for (int32_t tier : jao::test::supported_tiers()) {
            IsaCap cap(tier);
            for (int64_t m : {int64_t{1}, int64_t{3}, int64_t{4}}) {
                std::vector<float> y;
                ASSERT_EQ(run(pk, m, pr.x, y, c.n), JAO_OK) << jao_last_error();
                const bool split = m == 1 && nbit != 8 && tier >= JAO_ISA_AVX2 && tier < JAO_ISA_NEON;
                for (int64_t i = 0; i < m * c.n; ++i) {
                    const int64_t r = i / c.n, n = i % c.n, kk = 5 + 23 * r;  // the row's one non-zero x
                    const double sux = static_cast<double>(pr.s_eff[n * (c.k / c.group) + kk / c.group]) *
                                       pr.codes[n * c.k + kk] * pr.x[r * c.k + kk];
                    const double bound =
                        std::ldexp(std::fabs(ref.y[i]), -22) + (split ? std::ldexp(std::fabs(sux), -24) : 0.0);
                    ASSERT_LE(std::fabs(y[i] - ref.y[i]), bound)
                        << jao_isa_name(tier) << " m " << m << " y[" << i << "]";
                }
            }
        }
    }
}

TEST(WoLinear, NanInInputPropagatesToItsRow) {
    Case c{3, 40, 64, 32, 4, 8, false, false, true, false};
    Problem pr = make_problem(c, 5);
    pr.x[c.k + 10] = std::nanf("");
    Packed pk;
    ASSERT_EQ(pack(pr, pk), JAO_OK);
    for (int32_t tier : jao::test::supported_tiers()) {
        IsaCap cap(tier);
        for (int64_t m : {int64_t{3}, int64_t{2}}) {
            std::vector<float> y;
            ASSERT_EQ(run(pk, m, pr.x, y, c.n), JAO_OK);
            for (int64_t i = 0; i < c.n; ++i) {
                EXPECT_FALSE(std::isnan(y[i])) << jao_isa_name(tier);
                EXPECT_TRUE(std::isnan(y[c.n + i])) << jao_isa_name(tier);
            }
        }
    }
}

}  // namespace
