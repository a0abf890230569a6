// The KleidiAI-layout matmul on random problems: every tier bit-identical to the scalar
// tier (they share the f32 epilogue and compute exact int32 sums), any thread count
// gives the same bytes, the scalar tier agrees with a float64 evaluation of the unpacked
// operands, y_row_stride and clamps are honoured, no tier reads or writes past an
// operand (guard pages), and bad arguments are refused.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "guarded_buffer.h"
#include "jao/jao.h"
#include "linear_test_util.h"

namespace {

enum class Fmt { Qsi4c32p, Qsi4cxp, Qsi8cxp };

struct Problem {
    Fmt fmt;
    int64_t m, n, k, bl;  // bl: qsi4c32p only
    int32_t mr, nr, kr, sr;
};

std::string describe(const Problem& p) {
    static const char* names[] = {"qsi4c32p", "qsi4cxp", "qsi8cxp"};
    return std::string(names[int(p.fmt)]) + " m" + std::to_string(p.m) + " n" + std::to_string(p.n) + " k" +
           std::to_string(p.k) + " bl" + std::to_string(p.bl) + " mr" + std::to_string(p.mr) + " nr" +
           std::to_string(p.nr) + " kr" + std::to_string(p.kr) + " sr" + std::to_string(p.sr);
}

// Random operands, packed by jao, with their unpacked values for the float64 check.
struct Operands {
    Problem p;
    std::vector<float> x;
    std::vector<uint8_t> lhs, rhs;
    std::vector<int8_t> xq, wq;
    std::vector<int32_t> neg_zp;
    std::vector<float> inv_scale, w_scale, bias;  // w_scale [n][k/bl] (bf16 values widened) or [n]

    explicit Operands(const Problem& pr, uint32_t seed) : p(pr) {
        std::mt19937 rng(seed);
        std::normal_distribution<float> normal(0.0f, 1.0f);
        const bool four = p.fmt != Fmt::Qsi8cxp;
        std::uniform_int_distribution<int> wdist(four ? -8 : -128, four ? 7 : 127);
        x.resize(size_t(p.m * p.k));
        for (int64_t i = 0; i < p.m; ++i)  // rows of different magnitudes and signs
            for (int64_t c = 0; c < p.k; ++c) x[i * p.k + c] = normal(rng) * float(1 + 10 * (i % 3)) + float(i % 2);
        wq.resize(size_t(p.n * p.k));
        for (auto& w : wq) w = int8_t(wdist(rng));
        bias.resize(size_t(p.n));
        for (auto& b : bias) b = normal(rng);
        const int64_t groups = p.fmt == Fmt::Qsi4c32p ? p.k / p.bl : 1;
        std::vector<float> s(size_t(p.n * groups));
        for (auto& v : s) v = 0.01f + 0.05f * std::fabs(normal(rng));
        int64_t size = 0;
        if (p.fmt == Fmt::Qsi4c32p) {
            std::vector<uint16_t> bf(s.size());
            EXPECT_EQ(jao_kai_bf16_from_f32(int64_t(s.size()), s.data(), JAO_KAI_BF16_NEAREST_EVEN, bf.data()), JAO_OK);
            w_scale.resize(s.size());
            for (size_t i = 0; i < bf.size(); ++i) {
                const uint32_t u = uint32_t(bf[i]) << 16;
                std::memcpy(&w_scale[i], &u, 4);
            }
            EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(p.n, p.k, p.bl, p.nr, p.kr, p.sr, &size), JAO_OK);
            rhs.resize(size_t(size));
            EXPECT_EQ(jao_kai_rhs_qsi4c32p_pack(p.n, p.k, p.bl, p.nr, p.kr, p.sr, wq.data(), bf.data(), bias.data(),
                                                rhs.data(), size),
                      JAO_OK)
                << jao_last_error();
        } else {
            w_scale = s;
            const bool q4 = p.fmt == Fmt::Qsi4cxp;
            EXPECT_EQ((q4 ? jao_kai_rhs_qsi4cxp_packed_size : jao_kai_rhs_qsi8cxp_packed_size)(p.n, p.k, p.nr, p.kr,
                                                                                              p.sr, &size),
                      JAO_OK);
            rhs.resize(size_t(size));
            EXPECT_EQ((q4 ? jao_kai_rhs_qsi4cxp_pack : jao_kai_rhs_qsi8cxp_pack)(
                          p.n, p.k, p.nr, p.kr, p.sr, wq.data(), s.data(), bias.data(), rhs.data(), size),
                      JAO_OK)
                << jao_last_error();
        }
        EXPECT_EQ(jao_kai_lhs_qai8dxp_packed_size(p.m, p.k, p.mr, p.kr, p.sr, &size), JAO_OK);
        lhs.resize(size_t(size));
        EXPECT_EQ(jao_kai_lhs_qai8dxp_pack(p.m, p.k, p.mr, p.kr, p.sr, x.data(), p.k, lhs.data(), size), JAO_OK);
        xq.resize(size_t(p.m * p.k));
        neg_zp.resize(size_t(p.m));
        inv_scale.resize(size_t(p.m));
        EXPECT_EQ(jao_kai_lhs_qai8dxp_unpack(p.m, p.k, p.mr, p.kr, p.sr, lhs.data(), size, xq.data(), neg_zp.data(),
                                             inv_scale.data()),
                  JAO_OK);
    }

    jao_status run(float* y, int64_t y_stride, float lo = -FLT_MAX, float hi = FLT_MAX) const {
        return run_from(lhs.data(), rhs.data(), y, y_stride, lo, hi);
    }

    // The same call with the packed operands read from other copies of them (guard-page test).
    jao_status run_from(const void* lhs_p, const void* rhs_p, float* y, int64_t y_stride, float lo = -FLT_MAX,
                        float hi = FLT_MAX) const {
        const int64_t ls = int64_t(lhs.size()), rs = int64_t(rhs.size());
        switch (p.fmt) {
            case Fmt::Qsi4c32p:
                return jao_kai_matmul_f32_qai8dxp_qsi4c32p(p.m, p.n, p.k, p.bl, p.mr, p.nr, p.kr, p.sr, lhs_p, ls,
                                                           rhs_p, rs, y, y_stride, lo, hi);
            case Fmt::Qsi4cxp:
                return jao_kai_matmul_f32_qai8dxp_qsi4cxp(p.m, p.n, p.k, p.mr, p.nr, p.kr, p.sr, lhs_p, ls, rhs_p, rs,
                                                          y, y_stride, lo, hi);
            case Fmt::Qsi8cxp:
                return jao_kai_matmul_f32_qai8dxp_qsi8cxp(p.m, p.n, p.k, p.mr, p.nr, p.kr, p.sr, lhs_p, ls, rhs_p, rs,
                                                          y, y_stride, lo, hi);
        }
        return JAO_INVALID_ARGUMENT;
    }

    std::vector<float> run() const {
        std::vector<float> y(size_t(p.m * p.n), NAN);
        EXPECT_EQ(run(y.data(), p.n), JAO_OK) << jao_last_error();
        return y;
    }

    // float64 value of output (i, j) and the sum of its terms' magnitudes.
    double reference(int64_t i, int64_t j, double* magnitude) const {
        double y = 0, mag = 0;
        for (int64_t c = 0; c < p.k; ++c) {
            const double s = p.fmt == Fmt::Qsi4c32p ? w_scale[j * (p.k / p.bl) + c / p.bl] : w_scale[j];
            const double t = double(xq[i * p.k + c] + neg_zp[i]) * inv_scale[i] * wq[j * p.k + c] * s;
            y += t, mag += std::fabs(t);
        }
        *magnitude = mag + std::fabs(bias[j]);
        return y + bias[j];
    }
};

std::vector<Problem> problems() {
    struct Cfg {
        Fmt fmt;
        int64_t k, bl;
        int32_t nr, kr, sr;
    };
    const Cfg cfgs[] = {
        {Fmt::Qsi4c32p, 256, 32, 8, 16, 2}, {Fmt::Qsi4c32p, 128, 64, 4, 8, 2}, {Fmt::Qsi4c32p, 64, 32, 12, 16, 2},
        {Fmt::Qsi4cxp, 100, 0, 8, 16, 2},   {Fmt::Qsi4cxp, 33, 0, 4, 8, 2},    {Fmt::Qsi4cxp, 256, 0, 16, 16, 2},
        {Fmt::Qsi8cxp, 100, 0, 4, 4, 1},    {Fmt::Qsi8cxp, 64, 0, 4, 8, 1},    {Fmt::Qsi8cxp, 1, 0, 8, 16, 1},
        {Fmt::Qsi8cxp, 160, 0, 12, 8, 1},
    };
    std::vector<Problem> out;
    for (const Cfg& c : cfgs)
        for (int32_t mr : {1, 4, 3})
            for (int64_t m : {1, 2, 5, 17})
                for (int64_t n : {1, 19}) out.push_back({c.fmt, m, n, c.k, c.bl, mr, c.nr, c.kr, c.sr});
    return out;
}

TEST(KaiMatmul, EveryTierBitIdenticalToScalarAndCloseToFloat64) {
    uint32_t seed = 1;
    int checked = 0;
    for (const Problem& p : problems()) {
        SCOPED_TRACE(describe(p));
        const Operands ops(p, seed++);
        std::vector<float> ref;
        {
            jao::test::IsaCap cap(JAO_ISA_SCALAR);
            ASSERT_TRUE(cap.ok());
            ref = ops.run();
        }
        for (int64_t i = 0; i < p.m; ++i)
            for (int64_t j = 0; j < p.n; ++j) {
                double mag = 0;
                const double want = ops.reference(i, j, &mag);
                ASSERT_NEAR(ref[i * p.n + j], want, 1e-5 * mag + 1e-6) << "row " << i << " column " << j;
            }
        for (int32_t tier : jao::test::supported_tiers()) {
            jao::test::IsaCap cap(tier);
            ASSERT_TRUE(cap.ok());
            const std::vector<float> y = ops.run();
            ASSERT_EQ(std::memcmp(y.data(), ref.data(), 4 * ref.size()), 0) << "tier " << jao_isa_name(tier);
            ++checked;
        }
    }
    EXPECT_GE(checked, int(problems().size()));
}

// DESIGN §8: both packed operands and y end flush against a PROT_NONE page; every tier
// must stay inside them (and still give the unguarded bytes).
TEST(KaiMatmul, GuardPagesAroundEveryOperand) {
    uint32_t seed = 500;
    const std::vector<Problem> all = problems();
    for (size_t i = 0; i < all.size(); i += 5) {
        const Problem& p = all[i];
        SCOPED_TRACE(describe(p));
        const Operands ops(p, seed++);
        const std::vector<float> want = ops.run();
        jao::test::Guarded lhs(ops.lhs.size()), rhs(ops.rhs.size()), y(size_t(p.m * p.n) * sizeof(float));
        std::memcpy(lhs.as<void>(), ops.lhs.data(), ops.lhs.size());
        std::memcpy(rhs.as<void>(), ops.rhs.data(), ops.rhs.size());
        for (int32_t tier : jao::test::supported_tiers()) {
            jao::test::IsaCap cap(tier);
            ASSERT_TRUE(cap.ok());
            ASSERT_EQ(ops.run_from(lhs.as<void>(), rhs.as<void>(), y.as<float>(), p.n), JAO_OK) << jao_last_error();
            ASSERT_EQ(std::memcmp(y.as<float>(), want.data(), 4 * want.size()), 0) << "tier " << jao_isa_name(tier);
        }
    }
}

TEST(KaiMatmul, ThreadCountDoesNotChangeTheBytes) {
    const Operands ops({Fmt::Qsi4c32p, 9, 70, 256, 64, 4, 8, 16, 2}, 99);
    const int32_t saved = jao_threads_get();
    ASSERT_EQ(jao_threads_set(1), JAO_OK);
    const std::vector<float> one = ops.run();
    ASSERT_EQ(jao_threads_set(4), JAO_OK);
    const std::vector<float> four = ops.run();
    ASSERT_EQ(jao_threads_set(saved), JAO_OK);
    EXPECT_EQ(std::memcmp(one.data(), four.data(), 4 * one.size()), 0);
}

TEST(KaiMatmul, RowStrideAndClamp) {
    const Operands ops({Fmt::Qsi8cxp, 5, 19, 100, 0, 4, 4, 8, 1}, 7);
    const std::vector<float> dense = ops.run();
    const int64_t stride = 23;
    std::vector<float> y(size_t(5 * stride), 1234.0f);
    ASSERT_EQ(ops.run(y.data(), stride, -0.5f, 0.25f), JAO_OK) << jao_last_error();
    for (int64_t i = 0; i < 5; ++i)
        for (int64_t j = 0; j < stride; ++j) {
            const float got = y[i * stride + j];
            if (j >= 19) EXPECT_EQ(got, 1234.0f) << "padding written at " << i << "," << j;
            else EXPECT_EQ(got, std::fmin(std::fmax(dense[i * 19 + j], -0.5f), 0.25f)) << i << "," << j;
        }
}

TEST(KaiMatmul, BadArgumentsAreRefused) {
    const Operands ops({Fmt::Qsi4cxp, 3, 19, 100, 0, 4, 8, 16, 2}, 3);
    const Problem& p = ops.p;
    std::vector<float> y(size_t(p.m * p.n));
    const int64_t ls = int64_t(ops.lhs.size()), rs = int64_t(ops.rhs.size());
    auto call = [&](int64_t m, int64_t n, int64_t k, int32_t mr, int32_t nr, int32_t kr, int32_t sr, const void* l,
                    int64_t lsz, const void* r, int64_t rsz, float* out, int64_t stride, float lo = -1, float hi = 1) {
        const jao_status st =
            jao_kai_matmul_f32_qai8dxp_qsi4cxp(m, n, k, mr, nr, kr, sr, l, lsz, r, rsz, out, stride, lo, hi);
        if (st != JAO_OK) {
            EXPECT_NE(std::string(jao_last_error()), "");
        }
        return st;
    };
    const void* L = ops.lhs.data();
    const void* R = ops.rhs.data();
    float* Y = y.data();
    EXPECT_EQ(call(3, 19, 100, 4, 8, 16, 2, L, ls, R, rs, Y, 19), JAO_OK);
    EXPECT_EQ(call(3, 19, 100, 4, 8, 16, 2, nullptr, ls, R, rs, Y, 19), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(3, 19, 100, 4, 8, 16, 2, L, ls, nullptr, rs, Y, 19), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(3, 19, 100, 4, 8, 16, 2, L, ls, R, rs, nullptr, 19), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(3, 19, 100, 4, 8, 16, 2, L, ls - 1, R, rs, Y, 19), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(3, 19, 100, 4, 8, 16, 2, L, ls, R, rs - 1, Y, 19), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(3, 19, 100, 4, 8, 16, 2, L, ls, R, rs, Y, 18), JAO_INVALID_ARGUMENT);     // y_row_stride < n
    for (int64_t bad : {0, -1}) {
        EXPECT_EQ(call(bad, 19, 100, 4, 8, 16, 2, L, ls, R, rs, Y, 19), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(call(3, bad, 100, 4, 8, 16, 2, L, ls, R, rs, Y, 19), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(call(3, 19, bad, 4, 8, 16, 2, L, ls, R, rs, Y, 19), JAO_INVALID_ARGUMENT);
    }
    EXPECT_EQ(call(3, 19, 70000, 4, 8, 16, 2, L, INT64_MAX, R, INT64_MAX, Y, 19), JAO_INVALID_ARGUMENT);  // k > 65536
    for (int32_t nr : {0, 3, 6, 260}) EXPECT_EQ(call(3, 19, 100, 4, nr, 16, 2, L, ls, R, rs, Y, 19), JAO_INVALID_ARGUMENT);
    for (int32_t kr : {0, 2, 32}) EXPECT_EQ(call(3, 19, 100, 4, 8, kr, 2, L, ls, R, rs, Y, 19), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(3, 19, 100, 4, 8, 16, 1, L, ls, R, rs, Y, 19), JAO_INVALID_ARGUMENT);  // 4-bit needs sr 2
    EXPECT_EQ(call(3, 19, 100, 4, 8, 4, 2, L, ls, R, rs, Y, 19), JAO_INVALID_ARGUMENT);   // kr / sr = 2
    EXPECT_EQ(call(3, 19, 100, 0, 8, 16, 2, L, ls, R, rs, Y, 19), JAO_INVALID_ARGUMENT);  // mr
    EXPECT_EQ(call(3, 19, 100, 4, 8, 16, 2, L, ls, R, rs, Y, 19, 1, -1), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(call(3, 19, 100, 4, 8, 16, 2, L, ls, R, rs, Y, 19, NAN, 1), JAO_INVALID_ARGUMENT);
    // Format-specific rules: qsi4c32p's block length, qsi8cxp's sr.
    EXPECT_EQ(jao_kai_matmul_f32_qai8dxp_qsi4c32p(3, 19, 96, 48, 4, 8, 16, 2, L, ls, R, rs, Y, 19, -1, 1),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_matmul_f32_qai8dxp_qsi8cxp(3, 19, 100, 4, 8, 16, 2, L, ls, R, rs, Y, 19, -1, 1),
              JAO_INVALID_ARGUMENT);
    // ATen entry: null x, a block size ATen keeps off KleidiAI, a short buffer.
    std::vector<float> x(size_t(3 * 128));
    int64_t size = 0;
    ASSERT_EQ(jao_kai_aten_dyn_quant_4bit_packed_size(19, 128, 32, &size), JAO_OK);
    std::vector<uint8_t> packed(static_cast<size_t>(size));
    EXPECT_EQ(jao_kai_aten_dyn_quant_matmul_4bit(3, 19, 128, 32, nullptr, packed.data(), size, Y), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_aten_dyn_quant_matmul_4bit(3, 19, 128, 48, x.data(), packed.data(), size, Y),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_aten_dyn_quant_matmul_4bit(3, 19, 128, 32, x.data(), packed.data(), size - 1, Y),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_aten_dyn_quant_matmul_4bit(0, 19, 128, 32, x.data(), packed.data(), size, Y),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_aten_dyn_quant_matmul_4bit(3, 19, 128, 32, x.data(), packed.data(), size, nullptr),
              JAO_INVALID_ARGUMENT);
}

}  // namespace
