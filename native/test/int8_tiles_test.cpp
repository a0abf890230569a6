// The int8 x int8 kernels of every vectorized tier (active_tier() under each
// ISA cap) called directly, below the driver:
//  - the tile contract of the jao backend (kernels/ref/int8_kernels.h: rows
//    [m0, m0+mr) with mr <= 8 and m0 a multiple of 8, as the driver calls it;
//    blocks [b0, b0+nb), nb <= 4): every mr, every block range, K with every
//    kind of tail after the 32-K chunks the Arm tiles step in, symmetric and
//    asymmetric, with and without bias. Each tile must write exactly what
//    tile_ref writes, and nothing outside its rows and blocks;
//  - the activation quantization: the same q, sums and per-row numbers as
//    the scalar tier on edge rows, for every mapping and flag;
//  - the epilogue pass of the oneDNN backend: the same outputs as epilogue_ref.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/x86/int8_linear.h"
#include "linear_test_util.h"
#include "pack/int8_format.h"

namespace {

namespace int8 = jao::kernels::int8;

// The tiers whose kernels differ from the scalar tier's.
std::vector<int32_t> vector_tiers() {
    std::vector<int32_t> out;
    for (int32_t tier : jao::test::supported_tiers())
        if (tier != JAO_ISA_SCALAR) out.push_back(tier);
    return out;
}

jao::pack::Int8Layout layout(int64_t n, int64_t k, int32_t mapping, bool bias, int32_t flags) {
    jao_int8_params p{n, k, mapping, bias, JAO_INT8_BACKEND_JAO, flags};
    return jao::pack::make_int8_layout(p, "test");
}

std::vector<float> normal(int64_t count, std::mt19937& rng, float shift = 0.0f) {
    std::normal_distribution<float> d(0.0f, 1.0f);
    std::vector<float> v(static_cast<size_t>(count));
    for (auto& e : v) e = d(rng) + shift;
    return v;
}

TEST(Int8Tiles, EveryTileShapeWritesWhatTheReferenceWrites) {
    const std::vector<int32_t> tiers = vector_tiers();
    ASSERT_FALSE(tiers.empty()) << "no vectorized tier on this CPU";
    constexpr int64_t m = 16, n = 101;  // 7 blocks (one-row runs of 4 + 3 tiles), the last 5 columns wide
    std::mt19937 rng(8);
    std::uniform_int_distribution<int> qd(-128, 127);
    std::uniform_real_distribution<float> sd(1e-4f, 2e-2f);
    int checked = 0;
    // kpad % 32: 4, 8, 0, 20, 4, 28, 4.
    for (int64_t k : {1, 7, 32, 50, 67, 90, 259})
        for (int32_t mapping : {JAO_ACT_SYMMETRIC, JAO_ACT_ASYMMETRIC}) {
            const bool bias = mapping == JAO_ACT_ASYMMETRIC ? k % 2 == 1 : k % 2 == 0;
            const jao::pack::Int8Layout L = layout(n, k, mapping, bias, 0);
            std::vector<int8_t> q(static_cast<size_t>(n * k));
            for (auto& v : q) v = static_cast<int8_t>(qd(rng));
            q[0] = -128;  // extreme products: (-128) x (-128)
            std::vector<float> s(static_cast<size_t>(n)), b = normal(n, rng);
            for (auto& v : s) v = sd(rng);
            std::vector<uint64_t> packed(static_cast<size_t>(L.total_bytes + 7) / 8);
            jao::pack::pack_int8(L, q.data(), s.data(), bias ? b.data() : nullptr, packed.data(), "test");
            const int8::Epilogue e{n, jao::pack::int8_scales(packed.data(), L), jao::pack::int8_bias(packed.data(), L),
                                   L.asymmetric() ? jao::pack::int8_rowsums(packed.data(), L) : nullptr};
            const uint8_t* w = jao::pack::int8_weights(packed.data(), L);
            std::vector<float> x = normal(m * k, rng, mapping == JAO_ACT_ASYMMETRIC ? 0.7f : 0.0f);
            for (int64_t i = 0; i < k; ++i) x[static_cast<size_t>(i)] = i % 2 ? 5.0f : -5.0f;  // q -128 / 127 in row 0
            std::vector<uint8_t> ws(static_cast<size_t>(int8::workspace_bytes(L, m)));
            for (int32_t tier : tiers) {
                jao::test::IsaCap cap(tier);
                ASSERT_TRUE(cap.ok());
                const int8::Tier t = int8::active_tier();
                // Quantized by the tier itself: its tiles may read the panels only it writes.
                const int8::Act a = int8::quantize_activations(L, m, x.data(), ws.data(), 1);
                for (int mr = 1; mr <= 8; ++mr)
                    for (int64_t m0 : {int64_t{0}, int64_t{8}})
                        for (int64_t b0 = 0; b0 < L.nblocks; ++b0)
                            for (int nb = 1; b0 + nb <= L.nblocks; ++nb) {
                                std::vector<float> want(static_cast<size_t>(m * n), -7.0f), got = want;
                                int8::tile_ref(w, L.kpad, e, a, m0, mr, b0, nb, want.data());
                                t.tile(w, L.kpad, e, a, m0, mr, b0, nb, got.data());
                                ASSERT_EQ(0, std::memcmp(got.data(), want.data(), got.size() * sizeof(float)))
                                    << jao_isa_name(tier) << " k " << k << " mapping " << mapping << " mr " << mr
                                    << " m0 " << m0 << " blocks " << b0 << "+" << nb;
                                ++checked;
                            }
            }
        }
    std::printf("[ int8     ] %d tile calls bit-identical to tile_ref\n", checked);
}

// Rows: zeros, constants, huge, tiny, subnormal, rounding ties, an outlier,
// normal; with `non_finite` also NaN, +inf, -inf rows.
std::vector<float> edge_rows(int64_t k, bool non_finite, std::mt19937& rng, int64_t* m) {
    std::normal_distribution<float> d(0.0f, 1.0f);
    std::vector<std::vector<float>> rows(8, std::vector<float>(static_cast<size_t>(k)));
    for (int64_t i = 0; i < k; ++i) {
        rows[0][i] = 0.0f;
        rows[1][i] = 0.75f;
        rows[2][i] = d(rng) * 1e30f;
        rows[3][i] = d(rng) * 1e-30f;
        rows[4][i] = d(rng) * 1e-41f;
        rows[5][i] = static_cast<float>(static_cast<int>(i % 511) - 255) * 0.5f;
        rows[6][i] = i == k / 2 ? 1000.0f : d(rng);
        rows[7][i] = d(rng) - 0.3f;
    }
    if (non_finite)
        for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity()}) {
            rows.push_back(rows[7]);
            rows.back()[static_cast<size_t>(k / 3)] = bad;
        }
    std::vector<float> x;
    for (const auto& r : rows) x.insert(x.end(), r.begin(), r.end());
    *m = static_cast<int64_t>(rows.size());
    return x;
}

bool same_float(float a, float b) { return std::memcmp(&a, &b, 4) == 0 || (std::isnan(a) && std::isnan(b)); }

TEST(Int8Tiles, QuantizationAndEpilogueMatchTheScalarTier) {
    const std::vector<int32_t> tiers = vector_tiers();
    ASSERT_FALSE(tiers.empty()) << "no vectorized tier on this CPU";
    std::mt19937 rng(21);
    int checked = 0;
    for (int64_t k : {1, 7, 33, 259})
        for (int32_t mapping : {JAO_ACT_SYMMETRIC, JAO_ACT_ASYMMETRIC})
            for (int32_t flags = 0; flags < 4; ++flags) {
                const jao::pack::Int8Layout L = layout(37, k, mapping, true, flags);
                // PerTensor with a NaN row makes every output NaN; its q of finite rows is no contract.
                int64_t m = 0;
                const std::vector<float> x = edge_rows(k, !L.per_tensor(), rng, &m);
                std::vector<uint8_t> ws_ref(static_cast<size_t>(int8::workspace_bytes(L, m)));
                std::vector<uint8_t> ws(ws_ref.size());
                int8::Act want;
                {
                    jao::test::IsaCap cap(JAO_ISA_SCALAR);
                    want = int8::quantize_activations(L, m, x.data(), ws_ref.data(), 1);
                }
                std::vector<float> rowsum = normal(L.n, rng), scale(static_cast<size_t>(L.n), 0.01f);
                const int8::Epilogue e{L.n, scale.data(), scale.data(), L.asymmetric() ? rowsum.data() : nullptr};
                std::vector<int32_t> c(static_cast<size_t>(m * L.n));
                std::uniform_int_distribution<int32_t> cd(-(1 << 30), 1 << 30);
                for (auto& v : c) v = cd(rng);
                std::vector<float> y_want(c.size());
                std::memcpy(y_want.data(), c.data(), c.size() * 4);
                int8::epilogue_ref(e, want, 0, m, y_want.data());
                for (int32_t tier : tiers) {
                    jao::test::IsaCap cap(tier);
                    const int8::Act got = int8::quantize_activations(L, m, x.data(), ws.data(), 1);
                    for (int64_t r = 0; r < m; ++r) {
                        SCOPED_TRACE(std::string(jao_isa_name(tier)) + " k " + std::to_string(k) + " mapping " +
                                     std::to_string(mapping) + " flags " + std::to_string(flags) + " row " +
                                     std::to_string(r));
                        ASSERT_EQ(0, std::memcmp(got.q + r * got.stride, want.q + r * want.stride,
                                                 static_cast<size_t>(want.stride)));
                        ASSERT_EQ(got.asum[r], want.asum[r]);
                        ASSERT_EQ(got.bad[r], want.bad[r]);
                        ASSERT_TRUE(same_float(got.scale[r], want.scale[r]));
                        if (!want.bad[r]) {  // a bad row's zero point comes from NaN statistics: no contract
                            ASSERT_TRUE(same_float(got.zp[r], want.zp[r]));
                            ASSERT_TRUE(same_float(got.corr[r], want.corr[r]));
                        }
                    }
                    // The epilogue pass on the scalar tier's per-row numbers.
                    std::vector<float> y(c.size());
                    std::memcpy(y.data(), c.data(), c.size() * 4);
                    int8::active_tier().epilogue(e, want, 0, m, y.data());
                    for (size_t i = 0; i < y.size(); ++i)
                        ASSERT_TRUE(same_float(y[i], y_want[i])) << jao_isa_name(tier) << " epilogue element " << i;
                    ++checked;
                }
            }
    std::printf("[ int8     ] %d (shape, flags, tier) quantizations and epilogues equal to the scalar tier\n", checked);
}

}  // namespace
