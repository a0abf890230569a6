// The one-row GEMV's subnormal decode of 1-, 2- and 4-bit codes
// (x86/wo_subnormal_steps.h, SubnormalSteps), on each x86 tier that runs it
// (AVX2, AVX-512). A thread whose MXCSR flushes subnormals (FTZ / DAZ) runs the
// tier's other decode instead, so the same call made with the flags clear and
// set runs both. The subnormal decode sums x u and takes c X off once a group
// where the other decode sums x (u - c), so outputs are compared bit for bit
// only where every sum is exact (integer activations and codes, power-of-two
// scales), and against the double-precision reference's error bound elsewhere;
// rows outside the decode's range (|x| from 2^-61 to 2^60) or holding NaN / inf
// run the other decode, bit for bit; and a group whose sums round differently
// under the two decodes shows which one a row took.
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

    // fn() under each x86 tier that runs the subnormal decode (AVX-512 where this CPU has it).
    template <class Fn>
    static void on_each_tier(Fn&& fn) {
        for (const int32_t tier : jao::test::supported_tiers()) {
            if (tier != JAO_ISA_AVX2 && tier != JAO_ISA_AVX512) continue;
            SCOPED_TRACE(jao_isa_name(tier));
            IsaCap cap(tier);
            ASSERT_TRUE(cap.ok());
            fn();
            if (::testing::Test::HasFatalFailure()) return;
        }
    }

    // y of x through the subnormal decode and through the tier's other decode.
    static void both_decodes(const Packed& pk, const std::vector<float>& x, int64_t n, std::vector<float>& fast,
                             std::vector<float>& other) {
        ASSERT_EQ(run(pk, 1, x, fast, n), JAO_OK) << jao_last_error();
        FlushSubnormals flush;
        ASSERT_EQ(run(pk, 1, x, other, n), JAO_OK) << jao_last_error();
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
    on_each_tier([] {
        uint32_t seed = 300;
        for (Case c : kCases) {
            c.zp = c.off = c.bias = false;  // their random values would round
            SCOPED_TRACE(c.name());
            Problem pr = make_problem(c, seed++);
            // Scales 2^-4 .. 2^-1, x integers in [-6, 6] times 2^j for the row's
            // scale j: every product, partial sum and output is exact in fp32, in any order.
            for (size_t i = 0; i < pr.s.size(); ++i)
                pr.s[i] = pr.s_eff[i] = std::ldexp(1.0f, -1 - static_cast<int>(i % 4));
            for (const int j : {0, 40, -45}) {
                for (int64_t k = 0; k < c.k; ++k) pr.x[k] = std::ldexp(static_cast<float>((k * 7 + j) % 13 - 6), j);
                Packed pk;
                ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
                std::vector<float> fast, other;
                both_decodes(pk, pr.x, c.n, fast, other);
                const Reference ref = plain_reference(pr);
                for (int64_t i = 0; i < c.n; ++i) {
                    ASSERT_EQ(static_cast<double>(fast[i]), ref.y[i]) << "column " << i << " scale 2^" << j;
                    ASSERT_EQ(fast[i], other[i]) << "column " << i << " scale 2^" << j;
                }
            }
        }
    });
}

TEST_F(WoSubnormalDecode, RowsOverItsRangeStayWithinTheReferenceBound) {
    on_each_tier([] {
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
                std::vector<float> fast, other;
                both_decodes(pk, pr.x, c.n, fast, other);
                const Reference ref = plain_reference(pr);
                expect_close(fast, ref, "subnormal decode");
                expect_near_each_other(fast, other, ref, "subnormal vs other decode");
            }
        }
    });
}

TEST_F(WoSubnormalDecode, RowsOutsideItsRangeRunTheOtherDecode) {
    on_each_tier([] {
        const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
        const Case cases[] = {{1, 37, 128, 32, 4, 8, true, false, true, true},
                              {1, 21, 96, 32, 2, 2, false, true, false, false},
                              {1, 19, 64, 64, 1, 1, true, false, true, false}};
        for (const Case& c : cases) {
            SCOPED_TRACE(c.name());
            Problem pr = make_problem(c, 91);
            Packed pk;
            ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
            // Largest |x| 2^60 or 2^-62 (edge times up to 2), and inf or NaN among ordinary values: the other decode.
            for (const float edge : {0x1p59f, 0x1p-63f, 0x1p126f, inf, -inf, nan}) {
                SCOPED_TRACE(edge);
                const bool lone = !std::isfinite(edge);
                for (int64_t k = 0; k < c.k; ++k) pr.x[k] = lone ? 0.5f * (k % 3) : edge * (k % 5 - 2);
                if (lone) pr.x[9] = edge;
                std::vector<float> fast, other;
                both_decodes(pk, pr.x, c.n, fast, other);
                ASSERT_EQ(0, std::memcmp(fast.data(), other.data(), fast.size() * 4));
            }
        }
    });
}

// Columns whose codes are all the center (a power of two): every weight is 0, and
// so is every output under both decodes, although the subnormal decode's sum of
// x u is not 0 and rounds (x of mixed magnitudes): its X adds in the same order.
TEST_F(WoSubnormalDecode, ColumnsOfCenterCodesComeOutZero) {
    on_each_tier([] {
        for (const int nbit : {4, 2, 1}) {
            const Case c{1, 48, 160, 32, nbit, 1 << (nbit - 1), false, false, false, false};
            SCOPED_TRACE(c.name());
            Problem pr = make_problem(c, 17);
            for (auto& u : pr.codes) u = static_cast<uint8_t>(c.center);
            Packed pk;
            ASSERT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
            for (int64_t k = 0; k < c.k; ++k)
                pr.x[k] = std::ldexp(static_cast<float>((k * 7) % 13 - 6) + 0.375f, -9 * static_cast<int>(k % 4));
            std::vector<float> fast, other;
            both_decodes(pk, pr.x, c.n, fast, other);
            for (int64_t n = 0; n < c.n; ++n) {
                ASSERT_EQ(fast[n], 0.0f) << "column " << n;
                ASSERT_EQ(other[n], 0.0f) << "column " << n;
            }
        }
    });
}

// One group that tells the decodes apart: x = 1, 2^-24, 2^-24 at K = 0, 1, 2
// (times the row's scale 2^j, zero elsewhere), codes c - 1 at K = 0 and c
// elsewhere, scale 1. The other decode sums x (u - c): -1, exactly. The
// subnormal decode sums x u, (c 2^-24 + (c - 1)) + c 2^-24 = c - 1 + c 2^-23
// (its partial sums K mod 3, the one with the group's last step last: exact),
// and X = (2^-24 + 1) + 2^-24 in the same order, which rounds to 1 twice; so
// its value c - 1 + c 2^-23 - c = -1 + c 2^-23 shows the split, X's order
// (2^-24 + 2^-24 first would give X = 1 + 2^-23 and -1) and which decode ran.
struct TellingGroup {
    Case c;
    Packed pk;
    std::vector<float> x;

    TellingGroup(int nbit, int64_t n) : c{1, n, 32, 32, nbit, 1 << (nbit - 1), false, false, false, false} {
        Problem pr = make_problem(c, 7);
        for (auto& u : pr.codes) u = static_cast<uint8_t>(c.center);
        for (int64_t col = 0; col < n; ++col) pr.codes[col * c.k] = static_cast<uint8_t>(c.center - 1);
        for (auto& v : pr.s) v = 1.0f;
        EXPECT_EQ(pack(pr, pk), JAO_OK) << jao_last_error();
        x.assign(static_cast<size_t>(c.k), 0.0f);
    }
    // The row at scale 2^j: its largest |x| is 2^j, so e = j + 1.
    void set_row(int j) {
        x[0] = std::ldexp(1.0f, j);
        x[1] = x[2] = std::ldexp(1.0f, j - 24);
    }
    float subnormal_y(int j) const { return std::ldexp(-1.0f + std::ldexp(static_cast<float>(c.center), -23), j); }
    static float other_y(int j) { return -std::ldexp(1.0f, j); }
};

// A row takes the subnormal decode over exactly its range (e from -60 to 60),
// and its group value adds in its documented order.
TEST_F(WoSubnormalDecode, TheDecodeRunsOverExactlyItsRange) {
    on_each_tier([] {
        for (const int nbit : {4, 2, 1}) {
            TellingGroup t(nbit, 16);
            SCOPED_TRACE(t.c.name());
            // 60 and -60 in the range, 61 and -61 out of it.
            for (const int j : {0, 59, 60, -61, -62}) {
                SCOPED_TRACE(j);
                t.set_row(j);
                std::vector<float> fast, other;
                both_decodes(t.pk, t.x, t.c.n, fast, other);
                const bool in_range = j + 1 >= -60 && j + 1 <= 60;
                for (int64_t n = 0; n < t.c.n; ++n) {
                    EXPECT_EQ(other[n], TellingGroup::other_y(j)) << "column " << n;
                    EXPECT_EQ(fast[n], in_range ? t.subnormal_y(j) : TellingGroup::other_y(j)) << "column " << n;
                }
            }
        }
    });
}

// A call from a thread that flushes subnormals stages nothing, so the whole team
// runs the other decode (not only the calling thread's columns); with the flags
// clear the whole team runs the subnormal decode.
TEST_F(WoSubnormalDecode, ACallFromAFlushingThreadRunsTheOtherDecodeOnEveryThread) {
    ASSERT_EQ(jao_threads_set(2), JAO_OK);
    on_each_tier([] {
        TellingGroup t(4, 16 * 24);
        t.set_row(0);
        std::vector<float> fast, other;
        both_decodes(t.pk, t.x, t.c.n, fast, other);
        ASSERT_FALSE(HasFatalFailure());
        for (int64_t n = 0; n < t.c.n; ++n) {
            ASSERT_EQ(fast[n], t.subnormal_y(0)) << "column " << n;
            ASSERT_EQ(other[n], TellingGroup::other_y(0)) << "column " << n;
        }
    });
}

TEST_F(WoSubnormalDecode, Bf16ActivationsStayWithinTheReferenceBound) {
    on_each_tier([] {
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
        ASSERT_EQ(run_typed(pk, 1, x16.data(), JAO_BF16, y16.data(), JAO_BF16), JAO_OK) << jao_last_error();
        std::vector<float> y(y16.size()), y32;
        for (size_t i = 0; i < y.size(); ++i) y[i] = jao::affine::bf16_to_float(y16[i]);
        // bf16 outputs: the fp32 run on the same x, rounded (the typed path's contract), within the bound.
        ASSERT_EQ(run(pk, 1, pr.x, y32, c.n), JAO_OK) << jao_last_error();
        for (size_t i = 0; i < y.size(); ++i) ASSERT_EQ(y16[i], jao::affine::bf16_bits_rne(y32[i])) << "column " << i;
        expect_close(y32, plain_reference(pr), "subnormal decode, bf16 activations");
    });
}

}  // namespace
#endif
