// ATen's fallback format (jao_aten.h) beyond the golden cases: round trips, the
// kernel's edge cases (zero rows, inf activations, the output clamp) and argument
// validation (bad shapes, overflow, null pointers, short and corrupt buffers).
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "jao/jao.h"

namespace {

int64_t fallback_size(int64_t n, int64_t k, int64_t bs, int32_t has_bias) {
    int64_t size = -1;
    EXPECT_EQ(jao_aten_dyn_quant_4bit_fallback_packed_size(n, k, bs, has_bias, &size), JAO_OK) << jao_last_error();
    return size;
}

// A packed [n][k] problem with random nibbles, scales and (optionally) bias.
struct Problem {
    int64_t n, k, bs;
    bool has_bias;
    std::vector<uint8_t> weights;
    std::vector<float> scales, bias;
    std::vector<uint8_t> packed;

    Problem(int64_t n_, int64_t k_, int64_t bs_, bool has_bias_, uint32_t seed)
        : n(n_), k(k_), bs(bs_), has_bias(has_bias_) {
        std::mt19937 rng(seed);
        std::uniform_real_distribution<float> u(-1.0f, 1.0f);
        for (int64_t i = 0; i < n * k / 2; ++i) weights.push_back(uint8_t(rng()));
        for (int64_t i = 0; i < n * (k / bs); ++i) scales.push_back(u(rng) / 8);
        if (has_bias)
            for (int64_t i = 0; i < n; ++i) bias.push_back(u(rng));
        packed.assign(size_t(fallback_size(n, k, bs, has_bias)), 0);
        EXPECT_EQ(jao_aten_dyn_quant_4bit_fallback_pack(n, k, bs, weights.data(), scales.data(), JAO_KAI_SCALE_F32,
                                                        has_bias ? bias.data() : nullptr, packed.data(),
                                                        int64_t(packed.size())),
                  JAO_OK)
            << jao_last_error();
    }
    jao_status matmul(int64_t m, const float* x, float* y) const {
        return jao_aten_dyn_quant_matmul_4bit_fallback(m, n, k, bs, has_bias, x, packed.data(),
                                                       int64_t(packed.size()), y);
    }
    void set_packed_float(int64_t i, float v) { std::memcpy(packed.data() + 4 * i, &v, 4); }
};

TEST(AtenFallback, PackedSizeCountsNibblesScalesAndBias) {
    EXPECT_EQ(fallback_size(3, 64, 32, 1), 4 * (3 * 32 + 3 * 2 + 3));
    EXPECT_EQ(fallback_size(3, 64, 32, 0), 4 * (3 * 32 + 3 * 2));
    EXPECT_EQ(fallback_size(5, 96, 96, 0), 4 * (5 * 48 + 5));
}

TEST(AtenFallback, RoundTripsAtEveryBlockSizeAndScaleType) {
    for (int64_t bs : {32, 64, 128}) {
        for (bool has_bias : {false, true}) {
            SCOPED_TRACE("bs " + std::to_string(bs) + (has_bias ? " bias" : ""));
            const Problem p(7, 128, bs, has_bias, uint32_t(bs));
            std::vector<uint8_t> w(p.weights.size());
            std::vector<float> sc(p.scales.size()), b(p.bias.size());
            ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_unpack(p.n, p.k, p.bs, has_bias, p.packed.data(),
                                                              int64_t(p.packed.size()), w.data(), sc.data(),
                                                              has_bias ? b.data() : nullptr),
                      JAO_OK)
                << jao_last_error();
            EXPECT_EQ(w, p.weights);
            EXPECT_EQ(sc, p.scales);
            EXPECT_EQ(b, p.bias);
        }
    }
    // bf16 scales are widened exactly; bytes past the packed size are left alone.
    const std::vector<uint8_t> weights(2 * 32 / 2, 0x5a);
    const std::vector<uint16_t> scales_bf16 = {0x3f80, 0xc0a0};  // 1.0, -5.0
    const int64_t size = fallback_size(2, 32, 32, 0);
    std::vector<uint8_t> dst(size_t(size) + 8, 0xee);
    ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_pack(2, 32, 32, weights.data(), scales_bf16.data(), JAO_KAI_SCALE_BF16,
                                                    nullptr, dst.data(), int64_t(dst.size())),
              JAO_OK);
    std::vector<float> sc(2);
    std::vector<uint8_t> w(weights.size());
    ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_unpack(2, 32, 32, 0, dst.data(), size, w.data(), sc.data(), nullptr),
              JAO_OK);
    EXPECT_EQ(w, weights);
    EXPECT_EQ(sc, (std::vector<float>{1.0f, -5.0f}));
    for (size_t i = size_t(size); i < dst.size(); ++i) EXPECT_EQ(dst[i], 0xee) << i;
}

TEST(AtenFallback, MatmulOfAHandCheckedChannelwiseRow) {
    // x = [1, 1]: range [0, 1], scale 255, zero point -128, so q + 128 = 255 per column;
    // weights 0x99 = nibbles (1, 1): int dot 510, times scale 1, times f32(1 / 255).
    const uint8_t w = 0x99;
    const float scale = 1.0f, bias = 0.25f;
    std::vector<uint8_t> packed(size_t(fallback_size(1, 2, 2, 1)));
    ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_pack(1, 2, 2, &w, &scale, JAO_KAI_SCALE_F32, &bias, packed.data(),
                                                    int64_t(packed.size())),
              JAO_OK);
    const float x[2] = {1.0f, 1.0f};
    float y = NAN;
    ASSERT_EQ(jao_aten_dyn_quant_matmul_4bit_fallback(1, 1, 2, 2, 1, x, packed.data(), int64_t(packed.size()), &y),
              JAO_OK);
    const float inv = 1.0f / 255.0f;
    EXPECT_EQ(y, 510.0f * inv + bias);
}

TEST(AtenFallback, MatmulClampsOverflowToFltMaxAndZeroesInfRows) {
    // Huge scales overflow the f32 accumulator: ATen clamps to +-FLT_MAX.
    const uint8_t w = 0xff;  // nibbles (7, 7)
    for (float scale : {3e38f, -3e38f}) {
        std::vector<uint8_t> packed(size_t(fallback_size(1, 2, 2, 0)));
        ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_pack(1, 2, 2, &w, &scale, JAO_KAI_SCALE_F32, nullptr, packed.data(),
                                                        int64_t(packed.size())),
                  JAO_OK);
        const float x[2] = {1.0f, 1.0f};
        float y = 0;
        ASSERT_EQ(jao_aten_dyn_quant_matmul_4bit_fallback(1, 1, 2, 2, 0, x, packed.data(), int64_t(packed.size()), &y),
                  JAO_OK);
        EXPECT_EQ(y, scale > 0 ? FLT_MAX : -FLT_MAX);
    }
    // A row holding inf gets scale 255 / inf = 0, hence reciprocal 0: y is the bias alone.
    // A row of zeros quantizes to its zero point: int dots 0, y is the bias too.
    const Problem p(3, 64, 32, true, 7);
    for (float special : {INFINITY, -INFINITY, 0.0f}) {
        std::vector<float> x(64, special == 0.0f ? 0.0f : 0.5f);
        x[5] = special;
        std::vector<float> y(3, NAN);
        ASSERT_EQ(p.matmul(1, x.data(), y.data()), JAO_OK) << jao_last_error();
        EXPECT_EQ(y, p.bias) << special;
    }
    // NaN activations are computed (as x86 torch does), never a crash.
    std::vector<float> x(64, NAN);
    std::vector<float> y(3, 0.0f);
    EXPECT_EQ(p.matmul(1, x.data(), y.data()), JAO_OK) << jao_last_error();
}

TEST(AtenFallback, RejectsBadShapes) {
    int64_t size = 0;
    struct Bad {
        int64_t n, k, bs;
        int32_t has_bias;
    };
    // 4 * (n k / 2 + n k / 32) bytes: about 2^63 + 2^59, past int64.
    const int64_t big_n = (int64_t{1} << 31) - 1, big_k = (int64_t{1} << 31) - 32;
    for (const Bad& b : {Bad{0, 64, 32, 0}, Bad{4, 0, 32, 0}, Bad{4, 63, 63, 0}, Bad{4, 64, 0, 0},
                         Bad{4, 64, 48, 0}, Bad{4, 64, 16, 0}, Bad{4, 64, 128, 0}, Bad{4, 96, 64, 0},
                         Bad{4, 64, 32, 2}, Bad{4, 64, 32, -1}, Bad{int64_t{1} << 31, 64, 32, 0},
                         Bad{big_n, big_k, 32, 0}}) {
        SCOPED_TRACE(std::to_string(b.n) + " " + std::to_string(b.k) + " " + std::to_string(b.bs));
        EXPECT_EQ(jao_aten_dyn_quant_4bit_fallback_packed_size(b.n, b.k, b.bs, b.has_bias, &size),
                  JAO_INVALID_ARGUMENT);
        EXPECT_NE(std::string(jao_last_error()), "");
    }
    EXPECT_NE(std::string(jao_last_error()).find("overflow"), std::string::npos) << jao_last_error();
    EXPECT_EQ(jao_aten_dyn_quant_4bit_fallback_packed_size(4, 64, 32, 0, nullptr), JAO_INVALID_ARGUMENT);
}

TEST(AtenFallback, PackAndUnpackRejectBadArguments) {
    const Problem p(2, 64, 32, true, 3);
    std::vector<uint8_t> dst(p.packed.size());
    const int64_t size = int64_t(dst.size());
    const auto pack = [&](const uint8_t* w, const void* sc, int32_t type, void* d, int64_t d_size) {
        return jao_aten_dyn_quant_4bit_fallback_pack(2, 64, 32, w, sc, type, p.bias.data(), d, d_size);
    };
    EXPECT_EQ(pack(nullptr, p.scales.data(), JAO_KAI_SCALE_F32, dst.data(), size), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(pack(p.weights.data(), nullptr, JAO_KAI_SCALE_F32, dst.data(), size), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(pack(p.weights.data(), p.scales.data(), JAO_KAI_SCALE_F32, nullptr, size), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(pack(p.weights.data(), p.scales.data(), JAO_KAI_SCALE_F32, dst.data(), size - 1), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(pack(p.weights.data(), p.scales.data(), 2, dst.data(), size), JAO_INVALID_ARGUMENT);

    std::vector<float> b(2);
    const uint8_t* src = p.packed.data();
    EXPECT_EQ(jao_aten_dyn_quant_4bit_fallback_unpack(2, 64, 32, 1, nullptr, size, nullptr, nullptr, nullptr),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_aten_dyn_quant_4bit_fallback_unpack(2, 64, 32, 1, src, size - 4, nullptr, nullptr, nullptr),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_aten_dyn_quant_4bit_fallback_unpack(2, 64, 32, 0, src, size, nullptr, nullptr, b.data()),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_aten_dyn_quant_4bit_fallback_unpack(2, 64, 32, 1, src, size, nullptr, nullptr, b.data()), JAO_OK);
    EXPECT_EQ(b, p.bias);
}

TEST(AtenFallback, CorruptNibbleFloatsAreRefusedByUnpackAndMatmul) {
    const std::vector<float> x(64, 0.5f);
    std::vector<float> y(2);
    std::vector<uint8_t> w(64);
    for (float bad : {NAN, INFINITY, -INFINITY, 3.5f, -1.0f, 256.0f, 1e30f}) {
        SCOPED_TRACE(bad);
        Problem p(2, 64, 32, false, 5);
        p.set_packed_float(40, bad);
        EXPECT_EQ(jao_aten_dyn_quant_4bit_fallback_unpack(2, 64, 32, 0, p.packed.data(), int64_t(p.packed.size()),
                                                          w.data(), nullptr, nullptr),
                  JAO_CORRUPT_DATA);
        EXPECT_NE(std::string(jao_last_error()).find("weight element 40"), std::string::npos) << jao_last_error();
        EXPECT_EQ(p.matmul(1, x.data(), y.data()), JAO_CORRUPT_DATA);
    }
}

TEST(AtenFallback, MatmulRejectsBadArguments) {
    const Problem p(2, 64, 32, false, 9);
    const std::vector<float> x(64, 0.5f);
    std::vector<float> y(2);
    EXPECT_EQ(p.matmul(0, x.data(), y.data()), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(p.matmul(1, nullptr, y.data()), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(p.matmul(1, x.data(), nullptr), JAO_INVALID_ARGUMENT);
    const auto run = [&](int64_t n, int64_t k, int64_t bs, int32_t has_bias, const void* packed, int64_t size) {
        return jao_aten_dyn_quant_matmul_4bit_fallback(1, n, k, bs, has_bias, x.data(), packed, size, y.data());
    };
    const int64_t size = int64_t(p.packed.size());
    EXPECT_EQ(run(2, 64, 32, 0, p.packed.data(), size - 1), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(run(2, 64, 32, 1, p.packed.data(), size), JAO_INVALID_ARGUMENT);  // bias section missing
    EXPECT_EQ(run(2, 64, 32, 0, nullptr, size), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(run(2, 64, 16, 0, p.packed.data(), size), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(run(1, 65538, 65538, 0, p.packed.data(), size), JAO_INVALID_ARGUMENT);
    EXPECT_NE(std::string(jao_last_error()).find("65536"), std::string::npos) << jao_last_error();
}

}  // namespace
