// The AVX2 one-row GEMV's subnormal decode of 1-, 2- and 4-bit codes
// (x86/wo_gemv_avx2.cpp, SubnormalSteps). A thread whose MXCSR flushes subnormals (FTZ / DAZ) runs
// the splice decode instead, so the same call made with the flags clear and set
// runs both. The subnormal decode sums in three partial sums where the splice
// decode sums in two, so outputs are compared bit for bit only where every sum is
// exact (integer activations and codes, power-of-two scales), and against the
// double-precision reference's error bound elsewhere; rows outside the decode's
// range (|x| from 2^-61 to 2^60) or holding NaN / inf run the splice decode, bit
// for bit; and a group whose sums round differently under the two decodes shows
// which one a row took.
#if defined(__x86_64__)
#include <xmmintrin.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/x86/wo_linear.h"
#include "linear_test_util.h"
#include "wo_test_util.h"

namespace {

using jao::test::IsaCap;
using namespace jao::test::wo;

// FTZ and DAZ set on this thread while in scope.
class FlushSubnormals {
public:
    FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040u); }
    ~FlushSubnormals() { _mm_setcsr(saved_); }

private:
    unsigned saved_;
};

class WoSubnormalDecode : public ::testing::Test {
protected:
    void SetUp() override {
        saved_threads_ = jao_threads_get();
        // One thread: the kernel runs on this one, so its MXCSR picks the decode.
        ASSERT_EQ(jao_threads_set(1), JAO_OK);
        if (!(jao_isa_supported_mask() >> JAO_ISA_AVX2 & 1)) GTEST_SKIP() << "NOT RUN: this CPU lacks AVX2";
        if (!jao::kernels::wo::subnormal_decode_fast())
            GTEST_SKIP() << "NOT RUN: this CPU takes longer on subnormal operands, so the decode is not used";
    }
    void TearDown() override { jao_threads_set(saved_threads_); }

    // y of x through the subnormal decode and through the splice decode.
    static void both_decodes(const Packed& pk, const std::vector<float>& x, int64_t n, std::vector<float>& fast,
                             std::vector<float>& splice) {
        ASSERT_EQ(run(pk, 1, x, fast, n), JAO_OK) << jao_last_error();
        FlushSubnormals flush;
        ASSERT_EQ(run(pk, 1, x, splice, n), JAO_OK) << jao_last_error();
    }

private:
    int32_t saved_threads_ = 1;
};

const Case kCases[] = {{1, 50, 256, 32, 4, 8, false, false, true, true},    {1, 33, 256, 64, 4, 8, true, true, false, false},
                       {1, 17, 150, 50, 4, 0, false, true, true, false},    {1, 67, 192, 192, 4, 8, true, false, false, true},
                       {1, 16, 4096, 128, 4, 8, false, false, false, true}, {1, 40, 40, 40, 4, 3, true, true, true, true},
                       {1, 35, 256, 32, 2, 2, false, false, true, true},    {1, 18, 320, 64, 2, 1, true, true, false, false},
                       {1, 50, 96, 96, 2, 0, false, true, true, true},      {1, 33, 256, 32, 1, 1, false, false, false, true},
                       {1, 20, 160, 80, 1, 0, true, true, true, false},     {1, 16, 1024, 256, 1, 1, false, false, true, false}};

TEST_F(WoSubnormalDecode, ExactSumsComeOutExact) {
    IsaCap cap(JAO_ISA_AVX2);
    uint32_t seed = 300;
    for (Case c : kCases) {
        c.zp = c.off = c.bias = false;  // their random values would round
        SCOPED_TRACE(c.name());
        Problem pr = make_problem(c, seed++);
        // Scales 2^-4 .. 2^-1, x integers in [-6, 6] times 2^j for the row's
        // scale j: every product, partial sum and output is exact in fp32, in any order.
        for (size_t i = 0; i < pr.s.size(); ++i) pr.s[i] = pr.s_eff[i] = std::ldexp(1.0f, -1 - static_cast<int>(i % 4));
        for (const int j : {0, 40, -45}) {
            for (int64_t k = 0; k < c.k; ++k) pr.x[k] = std::ldexp(static_cast<float>((k * 7 + j) % 13 - 6), j);
            Packed pk;
            ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
            std::vector<float> fast, splice;
            both_decodes(pk, pr.x, c.n, fast, splice);
            const Reference ref = plain_reference(pr);
            for (int64_t i = 0; i < c.n; ++i) {
                ASSERT_EQ(static_cast<double>(fast[i]), ref.y[i]) << "column " << i << " scale 2^" << j;
                ASSERT_EQ(fast[i], splice[i]) << "column " << i << " scale 2^" << j;
            }
        }
    }
}

TEST_F(WoSubnormalDecode, RowsOverItsRangeStayWithinTheReferenceBound) {
    IsaCap cap(JAO_ISA_AVX2);
    uint32_t seed = 500;
    for (const Case& c : kCases) {
        SCOPED_TRACE(c.name());
        Problem pr = make_problem(c, seed++);
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        const std::vector<float> drawn = pr.x;
        // The decode's range of magnitudes (|x| < 2^e, e from -60 to 60), terms 2^-99 of the row's largest
        // and, as make_problem's "tiny / large" rows, 1e-30 beside 3e4 (2^-114 apart: not exact products).
        for (const float big : {1.0f, 0x1p59f, 0x1p-61f, 3e4f, 0x1p-20f}) {
            SCOPED_TRACE(big);
            for (int64_t k = 0; k < c.k; ++k) pr.x[k] = (k % 7 == 3 ? 0x1p-99f : 1.0f) * big * drawn[k];
            pr.x[c.k / 2] = big;
            if (big == 3e4f)
                for (int64_t k = 0; k < c.k; ++k) pr.x[k] = k % 3 ? 1e-30f : -3e4f;
            std::vector<float> fast, splice;
            both_decodes(pk, pr.x, c.n, fast, splice);
            const Reference ref = plain_reference(pr);
            expect_close(fast, ref, "subnormal decode");
            expect_near_each_other(fast, splice, ref, "subnormal vs splice decode");
        }
    }
}

TEST_F(WoSubnormalDecode, RowsOutsideItsRangeRunTheSpliceDecode) {
    IsaCap cap(JAO_ISA_AVX2);
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    const Case cases[] = {{1, 37, 128, 32, 4, 8, true, false, true, true},
                          {1, 21, 96, 32, 2, 2, false, true, false, false},
                          {1, 19, 64, 64, 1, 1, true, false, true, false}};
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name());
        Problem pr = make_problem(c, 91);
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        // Largest |x| 2^60 or 2^-62 (edge times up to 2), and inf or NaN among ordinary values: the splice decode.
        for (const float edge : {0x1p59f, 0x1p-63f, 0x1p126f, inf, -inf, nan}) {
            SCOPED_TRACE(edge);
            const bool lone = !std::isfinite(edge);
            for (int64_t k = 0; k < c.k; ++k) pr.x[k] = lone ? 0.5f * (k % 3) : edge * (k % 5 - 2);
            if (lone) pr.x[9] = edge;
            std::vector<float> fast, splice;
            both_decodes(pk, pr.x, c.n, fast, splice);
            ASSERT_EQ(0, std::memcmp(fast.data(), splice.data(), fast.size() * 4));
        }
    }
}

// One group whose only products are 1, 2^-24 and 2^-24 at K = 1, 3 and 5
// (times the row's scale 2^j) tells the decodes apart: the splice decode's odd
// partial sum rounds 1 + 2^-24 to 1 twice; the subnormal decode's three (K mod 3)
// hold 2^-24, 1, 2^-24 and add the two small ones first (the sum that takes a
// group's last step, K mod 3 = 1, comes last): 1 + 2^-23. Every column holds the
// weights -1 at K = 1, 3, 5 and 0 elsewhere, scale 1.
struct TellingGroup {
    Case c;
    Packed pk;
    std::vector<float> x;

    TellingGroup(int nbit, int64_t n) : c{1, n, 32, 32, nbit, 1 << (nbit - 1), false, false, false, false} {
        Problem pr = make_problem(c, 7);
        for (auto& u : pr.codes) u = static_cast<uint8_t>(c.center);
        for (int64_t col = 0; col < n; ++col)
            for (const int k : {1, 3, 5}) pr.codes[col * c.k + k] = static_cast<uint8_t>(c.center - 1);
        for (auto& v : pr.s) v = 1.0f;
        EXPECT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        x.assign(static_cast<size_t>(c.k), 0.0f);
    }
    // The row at scale 2^j: its largest |x| is 2^j, so e = j + 1.
    void set_row(int j) {
        for (auto& v : x) v = std::ldexp(0.75f, j);  // times w = 0: no term
        x[1] = std::ldexp(1.0f, j);
        x[3] = x[5] = std::ldexp(1.0f, j - 24);
    }
    static float subnormal_y(int j) { return -std::ldexp(1.0f + 0x1p-23f, j); }
    static float splice_y(int j) { return -std::ldexp(1.0f, j); }
};

// A row takes the subnormal decode over exactly its range (e from -60 to 60),
// and its partial sums add in their documented order.
TEST_F(WoSubnormalDecode, TheDecodeRunsOverExactlyItsRange) {
    IsaCap cap(JAO_ISA_AVX2);
    for (const int nbit : {4, 2, 1}) {
        TellingGroup t(nbit, 16);
        SCOPED_TRACE(t.c.name());
        // 60 and -60 in the range, 61 and -61 out of it.
        for (const int j : {0, 59, 60, -61, -62}) {
            SCOPED_TRACE(j);
            t.set_row(j);
            std::vector<float> fast, splice;
            both_decodes(t.pk, t.x, t.c.n, fast, splice);
            const bool in_range = j + 1 >= -60 && j + 1 <= 60;
            for (int64_t n = 0; n < t.c.n; ++n) {
                EXPECT_EQ(splice[n], TellingGroup::splice_y(j)) << "column " << n;
                EXPECT_EQ(fast[n], in_range ? TellingGroup::subnormal_y(j) : TellingGroup::splice_y(j)) << "column " << n;
            }
        }
    }
}

// A call from a thread that flushes subnormals stages nothing, so the whole team
// runs the splice decode (not only the calling thread's columns); with the flags
// clear the whole team runs the subnormal decode.
TEST_F(WoSubnormalDecode, ACallFromAFlushingThreadRunsTheSpliceDecodeOnEveryThread) {
    IsaCap cap(JAO_ISA_AVX2);
    ASSERT_EQ(jao_threads_set(2), JAO_OK);
    TellingGroup t(4, 16 * 24);
    t.set_row(0);
    std::vector<float> fast, splice;
    both_decodes(t.pk, t.x, t.c.n, fast, splice);
    ASSERT_FALSE(HasFatalFailure());
    for (int64_t n = 0; n < t.c.n; ++n) {
        ASSERT_EQ(fast[n], TellingGroup::subnormal_y(0)) << "column " << n;
        ASSERT_EQ(splice[n], TellingGroup::splice_y(0)) << "column " << n;
    }
}

TEST_F(WoSubnormalDecode, Bf16ActivationsStayWithinTheReferenceBound) {
    IsaCap cap(JAO_ISA_AVX2);
    const Case c{1, 45, 512, 64, 4, 8, false, true, true, true};
    Problem pr = make_problem(c, 33);
    Packed pk;
    ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
    std::vector<uint16_t> x16(static_cast<size_t>(c.k));
    for (int64_t k = 0; k < c.k; ++k) {
        x16[k] = jao::affine::bf16_bits_rne(pr.x[k]);
        pr.x[k] = jao::affine::bf16_to_float(x16[k]);  // the reference sees what the kernel gets
    }
    std::vector<uint16_t> y16(static_cast<size_t>(c.n));
    ASSERT_EQ(run_typed(pk, 1, x16.data(), JAO_BF16, y16.data(), JAO_BF16), JAO_OK)
        << jao_last_error();
    std::vector<float> y(y16.size()), y32;
    for (size_t i = 0; i < y.size(); ++i) y[i] = jao::affine::bf16_to_float(y16[i]);
    // bf16 outputs: the fp32 run on the same x, rounded (the typed path's contract), within the bound.
    ASSERT_EQ(run(pk, 1, pr.x, y32, c.n), JAO_OK) << jao_last_error();
    for (size_t i = 0; i < y.size(); ++i) ASSERT_EQ(y16[i], jao::affine::bf16_bits_rne(y32[i])) << "column " << i;
    expect_close(y32, plain_reference(pr), "subnormal decode, bf16 activations");
}

}  // namespace
#endif
