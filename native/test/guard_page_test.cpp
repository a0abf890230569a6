// Guard-page tests (DESIGN §8): every buffer a kernel reads or writes is placed flush
// against a PROT_NONE page, so a one-byte over-read or over-write in a tail loop crashes
// the test instead of passing silently. Run at every ISA tier, over shapes with tails.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "jao/jao.h"
#include "guarded_buffer.h"
#include "linear_test_util.h"

namespace {

using jao::test::Guarded;

struct Shape {
    int64_t m, n, k, group;
    int32_t nbit;
    bool zeros, bias;
};

void run_guarded(const Shape& s) {
    std::mt19937 rng(static_cast<uint32_t>(s.m * 131 + s.n * 17 + s.k + s.nbit));
    const int32_t qmin = -(1 << (s.nbit - 1)), qmax = (1 << (s.nbit - 1)) - 1;
    std::uniform_int_distribution<int> qd(qmin, qmax);
    std::normal_distribution<float> xd(0, 1);
    const int64_t groups = s.k / s.group;
    std::vector<int8_t> q(static_cast<size_t>(s.n * s.k)), zp(static_cast<size_t>(s.n * groups));
    std::vector<float> scales(static_cast<size_t>(s.n * groups)), bias(static_cast<size_t>(s.n));
    for (auto& v : q) v = static_cast<int8_t>(qd(rng));
    for (auto& v : zp) v = static_cast<int8_t>(qd(rng));
    for (auto& v : scales) v = 0.01f + std::abs(xd(rng)) * 0.01f;
    for (auto& v : bias) v = xd(rng);
    jao_intx_params p{s.n, s.k, s.nbit, s.group, JAO_SCALE_BF16, s.zeros ? 1 : 0, s.bias ? 1 : 0, JAO_INTX_LAYOUT_AUTO};

    int64_t packed_size = 0;
    ASSERT_EQ(jao_intx_packed_size(&p, &packed_size), JAO_OK);
    Guarded packed(static_cast<size_t>(packed_size));
    ASSERT_EQ(jao_intx_pack(&p, q.data(), scales.data(), s.zeros ? zp.data() : nullptr, s.bias ? bias.data() : nullptr,
                            packed.as<void>(), packed_size), JAO_OK);
    Guarded x(static_cast<size_t>(s.m * s.k) * sizeof(float));
    for (int64_t i = 0; i < s.m * s.k; ++i) x.as<float>()[i] = xd(rng);
    int64_t ws_size = 0;
    ASSERT_EQ(jao_intx_workspace_size(packed.as<void>(), packed_size, s.m, &ws_size), JAO_OK);
    Guarded ws(static_cast<size_t>(ws_size));
    Guarded y(static_cast<size_t>(s.m * s.n) * sizeof(float));

    std::vector<float> first;
    for (int32_t tier : jao::test::supported_tiers()) {
        jao::test::IsaCap cap(tier);
        ASSERT_TRUE(cap.ok());
        ASSERT_EQ(jao_intx_linear_run(packed.as<void>(), packed_size, s.m, x.as<float>(), y.as<float>(), ws.as<void>(),
                                      ws_size), JAO_OK)
            << jao_last_error();
        std::vector<float> out(y.as<float>(), y.as<float>() + s.m * s.n);
        if (first.empty()) first = out;
        EXPECT_EQ(0, std::memcmp(first.data(), out.data(), out.size() * sizeof(float))) << "tier " << jao_isa_name(tier);
    }
    Guarded unpacked(static_cast<size_t>(s.n * s.k));
    Guarded unpacked_scales(static_cast<size_t>(s.n * groups) * sizeof(float));
    ASSERT_EQ(jao_intx_unpack(packed.as<void>(), packed_size, unpacked.as<int8_t>(), unpacked_scales.as<float>(), nullptr,
                              nullptr), JAO_OK);
    EXPECT_EQ(0, std::memcmp(unpacked.as<int8_t>(), q.data(), q.size()));
    ASSERT_EQ(jao_intx_verify(packed.as<void>(), packed_size), JAO_OK);
}

}  // namespace

TEST(GuardPage, IntxLinearTailsNeverTouchMemoryPastTheirBuffers) {
    const Shape shapes[] = {
        {1, 1, 8, 8, 4, false, false},    {1, 17, 40, 8, 3, true, true},   {3, 33, 96, 32, 8, true, false},
        {7, 15, 64, 64, 5, false, true},  {17, 40, 136, 8, 2, true, true}, {2, 67, 256, 256, 1, false, false},
        {9, 16, 48, 16, 7, true, true},   {64, 3, 32, 32, 6, true, true},  {5, 129, 72, 24, 4, true, true},
    };
    for (const Shape& s : shapes) {
        SCOPED_TRACE("m=" + std::to_string(s.m) + " n=" + std::to_string(s.n) + " k=" + std::to_string(s.k) +
                     " g=" + std::to_string(s.group) + " nbit=" + std::to_string(s.nbit));
        run_guarded(s);
    }
}

TEST(GuardPage, AffinePrimitivesStayInsideTheirBuffers) {
    for (int64_t cols : {1, 7, 33, 250}) {
        jao_affine_params p{};
        p.rows = 3;
        p.cols = cols;
        p.group_size = cols;
        p.input_type = JAO_BF16;
        p.scale_type = JAO_F32;
        p.mapping = JAO_MAPPING_ASYMMETRIC;
        p.quant_min = -8;
        p.quant_max = 7;
        p.preserve_zero = 1;
        p.zero_point_domain = JAO_ZP_INT;
        p.eps = 1.1754944e-38f;
        Guarded x(static_cast<size_t>(3 * cols) * 2), scales(3 * sizeof(float)), zps(3 * sizeof(float));
        Guarded q(static_cast<size_t>(3 * cols)), y(static_cast<size_t>(3 * cols) * 2);
        for (int64_t i = 0; i < 3 * cols; ++i) x.as<uint16_t>()[i] = static_cast<uint16_t>(0x3f80 + (i % 97));
        ASSERT_EQ(jao_affine_choose_qparams(&p, x.as<void>(), scales.as<float>(), zps.as<float>()), JAO_OK);
        ASSERT_EQ(jao_affine_quantize(&p, x.as<void>(), scales.as<float>(), zps.as<float>(), q.as<int8_t>()), JAO_OK);
        ASSERT_EQ(jao_affine_dequantize(&p, q.as<int8_t>(), scales.as<float>(), zps.as<float>(), JAO_BF16, y.as<void>()),
                  JAO_OK);
        ASSERT_EQ(jao_affine_hqq_scale_only(&p, x.as<void>(), scales.as<float>(), q.as<int8_t>()), JAO_OK);
    }
}
