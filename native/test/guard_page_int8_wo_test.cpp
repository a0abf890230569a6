// Guard-page tests (DESIGN §8) of the int8 x int8 linear (both backends, every
// activation flag) and of the weight-only linear: packed weights, x, workspace,
// y and the unpack outputs each end flush against a PROT_NONE page, so a tail
// loop reading or writing one byte too far crashes the test. Every ISA tier,
// shapes with tails in M, N (not a multiple of 16) and K (not a multiple of
// 4 / 32); every tier must also give what the scalar tier gives (int8: bitwise;
// weight-only: the tests' bound, wo_test_util.h).
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "guarded_buffer.h"
#include "int8_test_util.h"
#include "jao/jao.h"
#include "linear_test_util.h"
#include "wo_test_util.h"

namespace {

using jao::test::Guarded;

// x in a guarded buffer of exactly its size.
struct GuardedFloats : Guarded {
    explicit GuardedFloats(const std::vector<float>& v) : Guarded(v.size() * sizeof(float)) {
        std::memcpy(as<float>(), v.data(), v.size() * sizeof(float));
    }
};

TEST(GuardPage, Int8LinearTailsNeverTouchMemoryPastTheirBuffers) {
    const int64_t shapes[][3] = {{1, 1, 1}, {1, 17, 7}, {3, 33, 35}, {9, 15, 67}, {17, 50, 100}, {33, 3, 259}};
    const int32_t flag_sets[] = {0, JAO_INT8_ACT_PER_TENSOR, JAO_INT8_ACT_REDUCE_RANGE | JAO_INT8_ACT_BF16};
    for (const auto& [m, n, k] : shapes)
        for (int32_t mapping : {JAO_ACT_SYMMETRIC, JAO_ACT_ASYMMETRIC})
            for (int32_t backend : jao::test::int8_backends())
                for (int32_t flags : flag_sets) {
            SCOPED_TRACE("m " + std::to_string(m) + " n " + std::to_string(n) + " k " + std::to_string(k) +
                         " mapping " + std::to_string(mapping) + " backend " + std::to_string(backend) + " flags " +
                         std::to_string(flags));
            std::mt19937 rng(static_cast<uint32_t>(m * 1000 + n * 10 + k));
            std::uniform_int_distribution<int> qd(-128, 127);
            std::normal_distribution<float> xd(0.0f, 1.0f);
            std::vector<int8_t> q(static_cast<size_t>(n * k));
            for (auto& v : q) v = static_cast<int8_t>(qd(rng));
            std::vector<float> s(static_cast<size_t>(n), 0.01f), bias(static_cast<size_t>(n)),
                xv(static_cast<size_t>(m * k));
            for (auto& v : bias) v = xd(rng);
            for (auto& v : xv) v = xd(rng);
            const jao_int8_params p{n, k, mapping, 1, backend, flags};
            int64_t size = 0;
            ASSERT_EQ(jao_int8_packed_size(&p, &size), JAO_OK);
            // Packed buffers must be 4-byte aligned: flush against the guard page when the size is a
            // multiple of 4 (the jao layout always; oneDNN's blocked one not always), else within 3 bytes.
            Guarded packed(static_cast<size_t>((size + 3) / 4 * 4));
            ASSERT_EQ(jao_int8_pack(&p, q.data(), s.data(), bias.data(), packed.as<void>(), size), JAO_OK)
                << jao_last_error();
            GuardedFloats x(xv);
            Guarded y(static_cast<size_t>(m * n) * sizeof(float));
            std::vector<float> first;
            for (int32_t tier : jao::test::supported_tiers()) {
                jao::test::IsaCap cap(tier);
                int64_t ws_size = 0;
                ASSERT_EQ(jao_int8_workspace_size(packed.as<void>(), size, m, &ws_size), JAO_OK);
                Guarded ws(static_cast<size_t>(ws_size));
                ASSERT_EQ(jao_int8_linear_run(packed.as<void>(), size, m, x.as<float>(), y.as<float>(), ws.as<void>(),
                                              ws_size),
                          JAO_OK)
                    << jao_last_error();
                std::vector<float> out(y.as<float>(), y.as<float>() + m * n);
                if (first.empty()) first = out;
                EXPECT_EQ(0, std::memcmp(first.data(), out.data(), out.size() * sizeof(float)))
                    << "tier " << jao_isa_name(tier);
            }
            Guarded uq(q.size()), us(s.size() * sizeof(float)), ub(bias.size() * sizeof(float));
            ASSERT_EQ(jao_int8_unpack(packed.as<void>(), size, uq.as<int8_t>(), us.as<float>(), ub.as<float>()), JAO_OK);
            EXPECT_EQ(0, std::memcmp(uq.as<int8_t>(), q.data(), q.size()));
            EXPECT_EQ(jao_int8_verify(packed.as<void>(), size), JAO_OK);
        }
}

TEST(GuardPage, WeightOnlyLinearTailsNeverTouchMemoryPastTheirBuffers) {
    using jao::test::wo::Case;
    // m: GEMV (<= 4) and GEMM tiles with tails; k: groups padded to 32; n: partial last block.
    const Case cases[] = {{1, 1, 8, 8, 4, 8, false, false, true, true},
                          {3, 17, 40, 40, 3, 4, true, false, false, false},
                          {5, 33, 96, 32, 8, 128, true, true, true, false},
                          {13, 15, 150, 50, 1, 0, false, true, true, true},
                          {7, 67, 72, 24, 5, 16, true, false, true, true},
                          {31, 3, 64, 64, 2, 2, false, false, false, true}};
    uint32_t seed = 40;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name());
        const jao::test::wo::Problem pr = jao::test::wo::make_problem(c, seed++);
        jao::test::wo::Packed pk;
        ASSERT_EQ(jao::test::wo::pack(pr, pk), JAO_OK) << jao_last_error();
        const jao::test::wo::Reference ref = jao::test::wo::plain_reference(pr);
        Guarded packed(pk.bytes.size());
        std::memcpy(packed.as<void>(), pk.data(), pk.bytes.size());
        GuardedFloats x(pr.x);
        Guarded y(static_cast<size_t>(c.m * c.n) * sizeof(float));
        std::vector<float> scalar;
        for (int32_t tier : jao::test::supported_tiers()) {
            jao::test::IsaCap cap(tier);
            int64_t ws_size = 0;
            ASSERT_EQ(jao_wo_workspace_size(packed.as<void>(), pk.size(), c.m, &ws_size), JAO_OK);
            Guarded ws(static_cast<size_t>(ws_size));
            ASSERT_EQ(jao_wo_linear_run(packed.as<void>(), pk.size(), c.m, x.as<float>(), y.as<float>(), ws.as<void>(),
                                        ws_size),
                      JAO_OK)
                << jao_last_error();
            std::vector<float> out(y.as<float>(), y.as<float>() + c.m * c.n);
            if (scalar.empty()) scalar = out;
            else jao::test::wo::expect_near_each_other(out, scalar, ref, std::string("tier ") + jao_isa_name(tier));
        }
        const size_t groups = static_cast<size_t>(c.n * (c.k / c.group));
        Guarded codes(pr.codes.size()), scales(groups * sizeof(float)), zeros(groups * sizeof(int32_t)),
            offsets(groups * sizeof(float)), bias(static_cast<size_t>(c.n) * sizeof(float));
        ASSERT_EQ(jao_wo_unpack(packed.as<void>(), pk.size(), codes.as<uint8_t>(), scales.as<float>(),
                                zeros.as<int32_t>(), offsets.as<float>(), bias.as<float>()), JAO_OK)
            << jao_last_error();
        EXPECT_EQ(0, std::memcmp(codes.as<uint8_t>(), pr.codes.data(), pr.codes.size()));
        EXPECT_EQ(jao_wo_verify(packed.as<void>(), pk.size()), JAO_OK);
    }
}

}  // namespace
