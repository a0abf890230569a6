// Reproducers of bugs found by the libFuzzer targets (native/fuzz/), one test per
// finding, named after the target that found it. The bugs were undefined float -> int
// conversions: clang's UBSan (float-cast-overflow, on in the fuzz build; gcc's
// -fsanitize=undefined leaves it out) aborts on the original code, and the asserted
// values (where x86 happened to give others) pin the defined behavior.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "jao/jao_affine.h"
#include "kernels/ref/intx_kernels.h"
#include "int8_test_util.h"
#include "linear_test_util.h"

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// fuzz_intx_pack: a NaN or infinite activation reached a float -> int conversion
// (undefined behavior) in the scalar quantizer and the AVX2 tail loop. Now a NaN
// code clamps to -128 on every tier, as the SIMD max_ps already did.
TEST(FuzzRegression, IntxNonFiniteActivations) {
    std::vector<float> x = {0.5f, kNaN, -1.0f, 2.0f};
    std::vector<int8_t> q(x.size());
    float scale = 0;
    int8_t zp = 0;
    jao::kernels::intx::quantize_row_torchao(x.data(), 4, q.data(), &scale, &zp);
    EXPECT_EQ(q[1], -128);

    x = {-kInf, 1.0f, kNaN, kInf};  // scale inf, min / scale NaN: the zero point clamps too
    jao::kernels::intx::quantize_row_torchao(x.data(), 4, q.data(), &scale, &zp);
    EXPECT_EQ(zp, -128);

    // Every tier runs such rows (k = 40 reaches the AVX2 tail loop) without tripping.
    const int64_t n = 3, k = 40;
    jao_intx_params p{n, k, 4, k, JAO_SCALE_F32, 0, 0, JAO_INTX_LAYOUT_AUTO};
    jao::test::Packed pk;
    ASSERT_EQ(jao::test::pack(p, std::vector<int8_t>(n * k, 1), std::vector<float>(n, 0.5f), nullptr, nullptr, pk),
              JAO_OK);
    std::vector<float> xs(2 * k, 1.0f), y;
    xs[7] = kNaN;
    xs[k + 39] = -kInf;
    for (int32_t tier : jao::test::supported_tiers()) {
        jao::test::IsaCap cap(tier);
        EXPECT_EQ(jao::test::run(pk, 2, xs, y, n), JAO_OK) << jao_isa_name(tier);
    }
}

jao_affine_params affine_row(int64_t cols, int32_t quant_min, int32_t quant_max, int32_t domain) {
    return {1, cols, cols, JAO_F32, JAO_F32, JAO_MAPPING_SYMMETRIC, quant_min, quant_max, 1, domain, 1.17549435e-38f};
}

// fuzz_affine: hqq_scale_only converted its float codes straight to int8, undefined
// for the 128..255 of an unsigned range and for NaN. Now uint8 bits, NaN -> 0.
TEST(FuzzRegression, HqqUnsignedRangeAndNaN) {
    jao_affine_params p = affine_row(4, 0, 255, JAO_ZP_NONE);
    std::vector<float> x = {0.0f, 10.0f, 100.0f, 255.0f}, scales(1);
    std::vector<int8_t> q(4);
    ASSERT_EQ(jao_affine_hqq_scale_only(&p, x.data(), scales.data(), q.data()), JAO_OK);
    EXPECT_EQ(static_cast<uint8_t>(q[3]), 255);

    p = affine_row(4, -8, 7, JAO_ZP_NONE);
    x = {kNaN, 1.0f, 2.0f, 3.0f};
    ASSERT_EQ(jao_affine_hqq_scale_only(&p, x.data(), scales.data(), q.data()), JAO_OK);
    EXPECT_EQ(q[0], 0);
}

// fuzz_affine: dequantize converted float zero points to int32 with a plain cast
// (undefined for NaN / out of range) and subtracted in int32 (overflow). Now torch's
// x86 conversion (INT32_MIN for NaN and out of range, truncation) and an int64 difference.
TEST(FuzzRegression, DequantizeWildZeroPoints) {
    const jao_affine_params p{1, 3, 1, JAO_F32, JAO_F32, JAO_MAPPING_ASYMMETRIC, -128, 127, 1, JAO_ZP_INT, 1e-6f};
    const std::vector<int8_t> q = {0, 0, 0};
    const std::vector<float> scales = {1.0f, 1.0f, 1.0f}, zps = {kNaN, 1e10f, -3.7f};
    std::vector<float> y(3);
    ASSERT_EQ(jao_affine_dequantize(&p, q.data(), scales.data(), zps.data(), JAO_F32, y.data()), JAO_OK);
    EXPECT_EQ(y[0], 2147483648.0f);
    EXPECT_EQ(y[1], 2147483648.0f);
    EXPECT_EQ(y[2], 3.0f);
}

}  // namespace

// fuzz_int8_pack: a row count oneDNN cannot describe (2^31 - 1 rows of a
// oneDNN-backed buffer) was JAO_INTERNAL; it is the caller's argument.
TEST(FuzzRegression, Int8HugeRowCountIsAnArgumentError) {
    if (!jao::test::onednn_backend_here()) GTEST_SKIP() << "NOT RUN: this CPU refuses the oneDNN backend";
    jao_int8_params p{};
    p.n = 40;
    p.k = 72;
    p.act_mapping = JAO_ACT_SYMMETRIC;
    p.backend = JAO_INT8_BACKEND_ONEDNN;
    int64_t size = 0;
    ASSERT_EQ(jao_int8_packed_size(&p, &size), JAO_OK);
    std::vector<int8_t> q(static_cast<size_t>(p.n * p.k), 3);
    std::vector<float> s(static_cast<size_t>(p.n), 0.5f);
    std::vector<uint32_t> buf(static_cast<size_t>((size + 3) / 4));
    ASSERT_EQ(jao_int8_pack(&p, q.data(), s.data(), nullptr, buf.data(), size), JAO_OK);
    const int64_t m = std::numeric_limits<int32_t>::max();
    int64_t ws = 0;
    jao_int8_info info{};
    for (jao_status st : {jao_int8_workspace_size(buf.data(), size, m, &ws), jao_int8_packed_info(buf.data(), size, m, &info)}) {
        EXPECT_NE(st, JAO_INTERNAL) << jao_last_error();
        EXPECT_NE(st, JAO_OK);
    }
}
