// The AVX2 one-row GEMV's subnormal decode of 4-bit codes (x86/wo_gemv_avx2.cpp,
// SubnormalInt4Steps) against the splice decode it replaces. A thread whose MXCSR
// flushes subnormals (FTZ / DAZ) runs the splice decode, so the same call made
// with the flags set and clear compares the two: the same bits while every
// nonzero |x| is within 2^-100 of the row's largest, the splice decode's result
// (within the reference bound) beyond that, and the splice decode itself when
// the row's magnitude leaves the decode's range or holds NaN / inf.
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
                       {1, 16, 4096, 128, 4, 8, false, false, false, true}, {1, 40, 40, 40, 4, 3, true, true, true, true}};

TEST_F(WoSubnormalDecode, SameBitsAsSpliceDecode) {
    IsaCap cap(JAO_ISA_AVX2);
    uint32_t seed = 500;
    for (const Case& c : kCases) {
        SCOPED_TRACE(c.name());
        Problem pr = make_problem(c, seed++);
        Packed pk;
        ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        // Rows over the decode's range of magnitudes (e from -60 to 60) with terms 2^-99 of the largest,
        // or 2^-50 where 2^-99 would be subnormal (the flushing run would read them as zeros).
        for (const float big : {1.0f, 0x1p59f, 0x1p-61f, 3e4f, 0x1p-20f}) {
            SCOPED_TRACE(big);
            const float small = big >= 0x1p-20f ? 0x1p-99f : 0x1p-50f;
            for (int64_t k = 0; k < c.k; ++k) pr.x[k] = (k % 7 == 3 ? small : 1.0f) * big * std::sin(k * 0.37f + 0.1f);
            pr.x[c.k / 2] = big;
            std::vector<float> fast, splice;
            both_decodes(pk, pr.x, c.n, fast, splice);
            ASSERT_EQ(0, std::memcmp(fast.data(), splice.data(), fast.size() * 4));
            expect_close(fast, plain_reference(pr), "subnormal decode");
        }
    }
}

TEST_F(WoSubnormalDecode, TermsFarBelowTheRowsLargestStayWithinTheBound) {
    IsaCap cap(JAO_ISA_AVX2);
    const Case c{1, 40, 256, 32, 4, 8, false, true, true, false};
    Problem pr = make_problem(c, 77);
    Packed pk;
    ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
    // As make_problem's "tiny / large" rows: 1e-30 beside 3e4, 2^-114 apart.
    for (int64_t k = 0; k < c.k; ++k) pr.x[k] = k % 3 ? 1e-30f : -3e4f;
    std::vector<float> fast, splice;
    both_decodes(pk, pr.x, c.n, fast, splice);
    const Reference ref = plain_reference(pr);
    expect_close(fast, ref, "subnormal decode");
    expect_close(splice, ref, "splice decode");
}

TEST_F(WoSubnormalDecode, RowsOutsideItsRangeRunTheSpliceDecode) {
    IsaCap cap(JAO_ISA_AVX2);
    const Case c{1, 37, 128, 32, 4, 8, true, false, true, true};
    Problem pr = make_problem(c, 91);
    Packed pk;
    ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    // |x| reaching 2^61 or below 2^-61, zeros, inf and NaN: the bits of the splice decode.
    for (const float edge : {0x1p61f, 0x1p-62f, 0.0f, 0x1p126f, inf, -inf, nan}) {
        SCOPED_TRACE(edge);
        const bool lone = !std::isnormal(edge);  // one such element in a row of ordinary values
        for (int64_t k = 0; k < c.k; ++k) pr.x[k] = lone ? 0.5f * (k % 3) : edge * (k % 5 - 2);
        if (lone) pr.x[9] = edge;
        std::vector<float> fast, splice;
        both_decodes(pk, pr.x, c.n, fast, splice);
        ASSERT_EQ(0, std::memcmp(fast.data(), splice.data(), fast.size() * 4));
    }
}

TEST_F(WoSubnormalDecode, Bf16ActivationsSameBitsAsSpliceDecode) {
    IsaCap cap(JAO_ISA_AVX2);
    const Case c{1, 45, 512, 64, 4, 8, false, true, true, true};
    Problem pr = make_problem(c, 33);
    Packed pk;
    ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
    std::vector<uint16_t> x16(static_cast<size_t>(c.k));
    for (int64_t k = 0; k < c.k; ++k) x16[k] = jao::affine::bf16_bits_rne(pr.x[k]);
    std::vector<uint16_t> fast(static_cast<size_t>(c.n)), splice(fast.size());
    ASSERT_EQ(run_typed(pk, 1, x16.data(), JAO_BF16, fast.data(), JAO_BF16), JAO_OK) << jao_last_error();
    {
        FlushSubnormals flush;
        ASSERT_EQ(run_typed(pk, 1, x16.data(), JAO_BF16, splice.data(), JAO_BF16), JAO_OK) << jao_last_error();
    }
    EXPECT_EQ(fast, splice);
}

}  // namespace
#endif
