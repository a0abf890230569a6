// KleidiAI layouts: unpack(pack(x)) == x on random inputs for every supported
// (nr, kr, sr) / (mr, kr, sr), odd shapes included, and the native validation that
// rejects everything else (bad combos, shapes, sizes, nulls, out-of-range values,
// corrupt torchao headers) without crashing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "jao/jao.h"

namespace {

std::mt19937 rng(20261122);

std::vector<int8_t> rand_q(int64_t count, int lo, int hi) {
    std::uniform_int_distribution<int> d(lo, hi);
    std::vector<int8_t> v(static_cast<size_t>(count));
    for (auto& x : v) x = static_cast<int8_t>(d(rng));
    return v;
}

std::vector<float> rand_f(int64_t count, float lo, float hi) {
    std::uniform_real_distribution<float> d(lo, hi);
    std::vector<float> v(static_cast<size_t>(count));
    for (auto& x : v) x = d(rng);
    return v;
}

std::vector<uint16_t> to_bf16(const std::vector<float>& f, int32_t rounding) {
    std::vector<uint16_t> b(f.size());
    EXPECT_EQ(jao_kai_bf16_from_f32(static_cast<int64_t>(f.size()), f.data(), rounding, b.data()), JAO_OK);
    return b;
}

float bf16_value(uint16_t b) {
    uint32_t u = static_cast<uint32_t>(b) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

TEST(KaiRoundTrip, Qsi4c32p) {
    for (auto [nr, kr] : {std::pair{8, 16}, {4, 16}, {8, 8}, {4, 8}, {8, 4}, {12, 16}})
        for (int64_t n : {1, 5, 19})
            for (auto [k, bl] : {std::pair<int64_t, int64_t>{64, 32}, {256, 64}, {96, 96}, {128, 128}})
                for (bool with_bias : {false, true}) {
                    const auto q = rand_q(n * k, -8, 7);
                    const auto sc = to_bf16(rand_f(n * k / bl, 0.001f, 2.0f), JAO_KAI_BF16_NEAREST_EVEN);
                    const auto bias = rand_f(n, -3, 3);
                    int64_t size = 0;
                    ASSERT_EQ(jao_kai_rhs_qsi4c32p_packed_size(n, k, bl, nr, kr, 2, &size), JAO_OK);
                    std::vector<uint8_t> buf(static_cast<size_t>(size));
                    ASSERT_EQ(jao_kai_rhs_qsi4c32p_pack(n, k, bl, nr, kr, 2, q.data(), sc.data(),
                                                        with_bias ? bias.data() : nullptr, buf.data(), size),
                              JAO_OK)
                        << jao_last_error();
                    std::vector<int8_t> q2(q.size());
                    std::vector<uint16_t> sc2(sc.size());
                    std::vector<float> b2(static_cast<size_t>(n), 1.0f);
                    ASSERT_EQ(jao_kai_rhs_qsi4c32p_unpack(n, k, bl, nr, kr, 2, buf.data(), size, q2.data(), sc2.data(),
                                                          b2.data()),
                              JAO_OK);
                    EXPECT_EQ(q2, q);
                    EXPECT_EQ(sc2, sc);
                    EXPECT_EQ(b2, with_bias ? bias : std::vector<float>(static_cast<size_t>(n), 0.0f));
                }
}

template <class SizeFn, class PackFn, class UnpackFn>
void channel_round_trip(SizeFn size_fn, PackFn pack_fn, UnpackFn unpack_fn, int qlo, int qhi, int sr) {
    for (auto [nr, kr] : {std::pair{4, 4}, {4, 8}, {8, 8}, {8, 16}, {16, 16}})
        for (int64_t n : {1, 7, 19})
            for (int64_t k : {1, 31, 64, 100, 257}) {
                const auto q = rand_q(n * k, qlo, qhi);
                const auto sc = rand_f(n, 0.01f, 2.0f);
                const auto bias = rand_f(n, -3, 3);
                int64_t size = 0;
                ASSERT_EQ(size_fn(n, k, nr, kr, sr, &size), JAO_OK) << jao_last_error();
                std::vector<uint8_t> buf(static_cast<size_t>(size));
                ASSERT_EQ(pack_fn(n, k, nr, kr, sr, q.data(), sc.data(), bias.data(), buf.data(), size), JAO_OK)
                    << jao_last_error();
                std::vector<int8_t> q2(q.size());
                std::vector<float> sc2(sc.size()), b2(bias.size());
                ASSERT_EQ(unpack_fn(n, k, nr, kr, sr, buf.data(), size, q2.data(), sc2.data(), b2.data()), JAO_OK);
                EXPECT_EQ(q2, q);
                EXPECT_EQ(sc2, sc);
                EXPECT_EQ(b2, bias);
            }
}

TEST(KaiRoundTrip, Qsi4cxp) {
    channel_round_trip(jao_kai_rhs_qsi4cxp_packed_size, jao_kai_rhs_qsi4cxp_pack, jao_kai_rhs_qsi4cxp_unpack, -8, 7, 2);
}

TEST(KaiRoundTrip, Qsi8cxp) {
    channel_round_trip(jao_kai_rhs_qsi8cxp_packed_size, jao_kai_rhs_qsi8cxp_pack, jao_kai_rhs_qsi8cxp_unpack, -128,
                       127, 1);
}

// LHS: unpack gives the quantized rows; dequantizing is within half a step of x.
TEST(KaiRoundTrip, Qai8dxp) {
    for (auto [mr, kr, sr] : {std::tuple{1, 16, 2}, {4, 16, 2}, {1, 8, 2}, {4, 8, 2}, {1, 4, 1}, {8, 8, 1}})
        for (int64_t m : {1, 3, 17})
            for (int64_t k : {1, 33, 64, 100}) {
                const int64_t stride = k + 3;
                auto x = rand_f(m * stride, -4, 4);
                x[0] = 0.0f;
                int64_t size = 0;
                ASSERT_EQ(jao_kai_lhs_qai8dxp_packed_size(m, k, mr, kr, sr, &size), JAO_OK);
                std::vector<uint8_t> buf(static_cast<size_t>(size), 0xCD);
                ASSERT_EQ(jao_kai_lhs_qai8dxp_pack(m, k, mr, kr, sr, x.data(), stride, buf.data(), size), JAO_OK)
                    << jao_last_error();
                std::vector<int8_t> q(static_cast<size_t>(m * k));
                std::vector<int32_t> nzp(static_cast<size_t>(m));
                std::vector<float> inv(static_cast<size_t>(m));
                ASSERT_EQ(jao_kai_lhs_qai8dxp_unpack(m, k, mr, kr, sr, buf.data(), size, q.data(), nzp.data(),
                                                     inv.data()),
                          JAO_OK);
                for (int64_t i = 0; i < m; ++i)
                    for (int64_t c = 0; c < k; ++c) {
                        const float xr = x[static_cast<size_t>(i * stride + c)];
                        const float back = (q[static_cast<size_t>(i * k + c)] + nzp[i]) * inv[i];
                        EXPECT_LE(std::fabs(back - xr), 0.51f * inv[i] + 1e-6f) << i << "," << c;
                    }
                // Every byte is written (padding rows zero-filled): a differently prefilled buffer
                // packs to the same bytes.
                std::vector<uint8_t> buf2(buf.size(), 0x00);
                ASSERT_EQ(jao_kai_lhs_qai8dxp_pack(m, k, mr, kr, sr, x.data(), stride, buf2.data(), size), JAO_OK);
                ASSERT_EQ(buf2, buf);
            }
}

TEST(KaiRoundTrip, Torchao) {
    for (auto [nr, kr] : {std::pair{8, 16}, {4, 16}, {8, 8}})
        for (int64_t n : {1, 5, 8, 19})
            for (bool with_bias : {false, true}) {
                const int64_t k = 128, gs = 64;
                const auto q = rand_q(n * k, -8, 7);
                const auto sc = rand_f(n * k / gs, 0.001f, 2.0f);
                const auto bias = rand_f(n, -3, 3);
                int64_t size = 0;
                ASSERT_EQ(jao_kai_torchao_qsi4c32p_packed_size(n, k, gs, nr, kr, 2, &size), JAO_OK);
                std::vector<uint8_t> buf(static_cast<size_t>(size));
                ASSERT_EQ(jao_kai_torchao_qsi4c32p_pack(n, k, gs, nr, kr, 2, q.data(), sc.data(),
                                                        with_bias ? bias.data() : nullptr, buf.data(), size),
                          JAO_OK);
                int32_t h[16];
                std::memcpy(h, buf.data(), 64);
                EXPECT_EQ(h[0], 6712);
                EXPECT_EQ(h[4], with_bias ? 1 : 0);
                std::vector<int8_t> q2(q.size());
                std::vector<float> sc2(sc.size()), b2(bias.size());
                ASSERT_EQ(jao_kai_torchao_qsi4c32p_unpack(n, k, gs, buf.data(), size, q2.data(), sc2.data(), b2.data()),
                          JAO_OK)
                    << jao_last_error();
                EXPECT_EQ(q2, q);
                const auto trunc = to_bf16(sc, JAO_KAI_BF16_TRUNCATE);
                for (size_t i = 0; i < sc.size(); ++i) EXPECT_EQ(sc2[i], bf16_value(trunc[i]));
                EXPECT_EQ(b2, with_bias ? bias : std::vector<float>(bias.size(), 0.0f));
                // A damaged header is corrupt data, not a crash.
                buf[0] ^= 1;
                EXPECT_EQ(jao_kai_torchao_qsi4c32p_unpack(n, k, gs, buf.data(), size, q2.data(), nullptr, nullptr),
                          JAO_CORRUPT_DATA);
            }
}

TEST(KaiRoundTrip, AtenBothPaths) {
    const int64_t n = 19, k = 256;
    for (int64_t bs : {32, 64, 128, 256}) {
        std::vector<uint8_t> w(static_cast<size_t>(n * k / 2));
        for (auto& b : w) b = static_cast<uint8_t>(rng());
        const bool cw = bs == k;
        const auto scf = rand_f(n * k / bs, 0.01f, 1.0f);
        const auto scb = to_bf16(scf, JAO_KAI_BF16_NEAREST_EVEN);
        const void* sc = cw ? static_cast<const void*>(scf.data()) : scb.data();
        const auto bias = rand_f(n, -1, 1);
        int64_t size = 0;
        ASSERT_EQ(jao_kai_aten_dyn_quant_4bit_packed_size(n, k, bs, &size), JAO_OK);
        std::vector<uint8_t> buf(static_cast<size_t>(size));
        ASSERT_EQ(jao_kai_aten_dyn_quant_4bit_pack(n, k, bs, w.data(), sc, cw ? JAO_KAI_SCALE_F32 : JAO_KAI_SCALE_BF16,
                                                   bias.data(), buf.data(), size),
                  JAO_OK)
            << jao_last_error();
        // The wrong scale type for the path is rejected (ATen would not use KleidiAI).
        EXPECT_EQ(jao_kai_aten_dyn_quant_4bit_pack(n, k, bs, w.data(), sc, cw ? JAO_KAI_SCALE_BF16 : JAO_KAI_SCALE_F32,
                                                   bias.data(), buf.data(), size),
                  JAO_INVALID_ARGUMENT);
        std::vector<uint8_t> w2(w.size());
        std::vector<float> scf2(scf.size()), b2(bias.size());
        std::vector<uint16_t> scb2(scb.size());
        ASSERT_EQ(jao_kai_aten_dyn_quant_4bit_unpack(n, k, bs, buf.data(), size, w2.data(),
                                                     cw ? static_cast<void*>(scf2.data()) : scb2.data(), b2.data()),
                  JAO_OK);
        EXPECT_EQ(w2, w);
        if (cw) EXPECT_EQ(scf2, scf);
        else EXPECT_EQ(scb2, scb);
        EXPECT_EQ(b2, bias);
    }
}

TEST(KaiRoundTrip, Bf16Rounding) {
    const float x[] = {1.00390625f, 1.01171875f, -2.5f, NAN};  // 1 + 2^-8 (tie, even), 1 + 3*2^-8 (tie, odd)
    uint16_t t[4], r[4];
    ASSERT_EQ(jao_kai_bf16_from_f32(4, x, JAO_KAI_BF16_TRUNCATE, t), JAO_OK);
    ASSERT_EQ(jao_kai_bf16_from_f32(4, x, JAO_KAI_BF16_NEAREST_EVEN, r), JAO_OK);
    EXPECT_EQ(t[0], 0x3f80);
    EXPECT_EQ(r[0], 0x3f80);
    EXPECT_EQ(t[1], 0x3f81);
    EXPECT_EQ(r[1], 0x3f82);
    EXPECT_EQ(t[2], 0xc020);
    EXPECT_TRUE(std::isnan(bf16_value(r[3])));
    EXPECT_EQ(jao_kai_bf16_from_f32(4, x, 7, t), JAO_INVALID_ARGUMENT);
}

TEST(KaiValidation, BadParamsRejected) {
    int64_t s = 0;
    // qsi4c32p: combos, divisibility, dims.
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(8, 64, 32, 8, 16, 1, &s), JAO_INVALID_ARGUMENT);  // sr
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(8, 64, 32, 6, 16, 2, &s), JAO_INVALID_ARGUMENT);  // nr % 4
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(8, 64, 32, 8, 12, 2, &s), JAO_INVALID_ARGUMENT);  // kr
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(8, 64, 48, 8, 16, 2, &s), JAO_INVALID_ARGUMENT);  // bl % 32
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(8, 96, 64, 8, 16, 2, &s), JAO_INVALID_ARGUMENT);  // k % bl
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(0, 64, 32, 8, 16, 2, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(8, -64, 32, 8, 16, 2, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(8, 64, 0, 8, 16, 2, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(8, 64, 32, 8, 16, 2, nullptr), JAO_INVALID_ARGUMENT);
    // Largest dims: no overflow, no crash (size query only).
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size((1LL << 31) - 1, (1LL << 31) - 64, 32, 256, 16, 2, &s), JAO_OK);
    EXPECT_GT(s, 0);
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(1LL << 40, 64, 32, 8, 16, 2, &s), JAO_INVALID_ARGUMENT);
    // qsi4cxp / qsi8cxp.
    EXPECT_EQ(jao_kai_rhs_qsi4cxp_packed_size(8, 64, 8, 16, 1, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_rhs_qsi4cxp_packed_size(8, 64, 0, 16, 2, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_rhs_qsi8cxp_packed_size(8, 64, 4, 4, 2, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_rhs_qsi8cxp_packed_size(8, 64, 4, 32, 1, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_rhs_qsi8cxp_packed_size(8, 64, 512, 4, 1, &s), JAO_INVALID_ARGUMENT);
    // qai8dxp.
    EXPECT_EQ(jao_kai_lhs_qai8dxp_packed_size(4, 64, 0, 16, 2, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_lhs_qai8dxp_packed_size(4, 64, 4, 16, 3, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_lhs_qai8dxp_packed_size(4, 64, 4, 2, 1, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_lhs_qai8dxp_packed_size(0, 64, 4, 16, 2, &s), JAO_INVALID_ARGUMENT);
    // torchao: only its kernels' combos.
    EXPECT_EQ(jao_kai_torchao_qsi4c32p_packed_size(8, 64, 32, 4, 8, 2, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_torchao_qsi4c32p_packed_size(8, 64, 16, 8, 16, 2, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_torchao_qsi4c32p_packed_size(5, 64, 32, 8, 16, 2, &s), JAO_OK);
    EXPECT_EQ(s, 64 + 352);
    // ATen: odd k, groupwise block not a multiple of 32 / not dividing k, block > k.
    EXPECT_EQ(jao_kai_aten_dyn_quant_4bit_packed_size(8, 63, 63, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_aten_dyn_quant_4bit_packed_size(8, 64, 16, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_aten_dyn_quant_4bit_packed_size(8, 96, 64, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_aten_dyn_quant_4bit_packed_size(8, 64, 128, &s), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_aten_dyn_quant_4bit_packed_size(8, 100, 100, &s), JAO_OK);  // channelwise: any even k
}

TEST(KaiValidation, BuffersValuesAndNulls) {
    const int64_t n = 8, k = 64, bl = 32;
    auto q = rand_q(n * k, -8, 7);
    const auto sc = to_bf16(rand_f(n * k / bl, 0.1f, 1.0f), JAO_KAI_BF16_TRUNCATE);
    const auto scf = rand_f(n, 0.1f, 1.0f);
    int64_t size = 0;
    ASSERT_EQ(jao_kai_rhs_qsi4c32p_packed_size(n, k, bl, 8, 16, 2, &size), JAO_OK);
    std::vector<uint8_t> buf(static_cast<size_t>(size));
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_pack(n, k, bl, 8, 16, 2, q.data(), sc.data(), nullptr, buf.data(), size - 1),
              JAO_INVALID_ARGUMENT);
    EXPECT_NE(std::string(jao_last_error()).find("needs"), std::string::npos);
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_pack(n, k, bl, 8, 16, 2, q.data(), sc.data(), nullptr, nullptr, size),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_pack(n, k, bl, 8, 16, 2, nullptr, sc.data(), nullptr, buf.data(), size),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_unpack(n, k, bl, 8, 16, 2, buf.data(), size - 1, nullptr, nullptr, nullptr),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_unpack(n, k, bl, 8, 16, 2, nullptr, size, nullptr, nullptr, nullptr),
              JAO_INVALID_ARGUMENT);
    // 4-bit values outside [-8, 7].
    q[77] = 8;
    EXPECT_EQ(jao_kai_rhs_qsi4c32p_pack(n, k, bl, 8, 16, 2, q.data(), sc.data(), nullptr, buf.data(), size),
              JAO_INVALID_ARGUMENT);
    q[77] = -9;
    EXPECT_EQ(jao_kai_rhs_qsi4cxp_pack(n, k, 8, 16, 2, q.data(), scf.data(), nullptr, buf.data(), size),
              JAO_INVALID_ARGUMENT);
    q[77] = 0;
    std::vector<float> sc32(n * k / bl, 0.5f);
    ASSERT_EQ(jao_kai_torchao_qsi4c32p_packed_size(n, k, bl, 8, 16, 2, &size), JAO_OK);
    std::vector<uint8_t> tb(static_cast<size_t>(size));
    q[3] = 100;
    EXPECT_EQ(jao_kai_torchao_qsi4c32p_pack(n, k, bl, 8, 16, 2, q.data(), sc32.data(), nullptr, tb.data(), size),
              JAO_INVALID_ARGUMENT);
    // LHS: stride shorter than k, null x, short buffers, short torchao buffers.
    const auto x = rand_f(4 * k, -1, 1);
    ASSERT_EQ(jao_kai_lhs_qai8dxp_packed_size(4, k, 4, 16, 2, &size), JAO_OK);
    std::vector<uint8_t> lb(static_cast<size_t>(size));
    EXPECT_EQ(jao_kai_lhs_qai8dxp_pack(4, k, 4, 16, 2, x.data(), k - 1, lb.data(), size), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_lhs_qai8dxp_pack(4, k, 4, 16, 2, nullptr, k, lb.data(), size), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_lhs_qai8dxp_pack(4, k, 4, 16, 2, x.data(), k, lb.data(), size - 1), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_kai_torchao_qsi4c32p_unpack(n, k, bl, tb.data(), 10, nullptr, nullptr, nullptr), JAO_CORRUPT_DATA);
    EXPECT_EQ(jao_kai_torchao_qsi4c32p_unpack(n, k, bl, nullptr, 1000, nullptr, nullptr, nullptr),
              JAO_INVALID_ARGUMENT);
}

// Non-finite activations are quantized without crashing (KleidiAI leaves them undefined).
TEST(KaiValidation, NonFiniteActivations) {
    std::vector<float> x = {1.0f, NAN, INFINITY, -INFINITY, 2.0f, 0.0f, -1.0f, 3.0f};
    int64_t size = 0;
    ASSERT_EQ(jao_kai_lhs_qai8dxp_packed_size(1, 8, 1, 8, 2, &size), JAO_OK);
    std::vector<uint8_t> buf(static_cast<size_t>(size));
    EXPECT_EQ(jao_kai_lhs_qai8dxp_pack(1, 8, 1, 8, 2, x.data(), 8, buf.data(), size), JAO_OK);
}

}  // namespace
