// Per-token int8 activation quantization (torchao's asymmetric rule, fused in the intx kernels):
// every vectorized tier must write exactly what the scalar reference writes — quantized bytes
// and per-row scale / zero point / group sums — on random shapes and on torchao's edge rows
// (zeros, constants, huge, tiny, subnormal, rounding ties, outliers).
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "kernels/ref/intx_kernels.h"
#include "kernels/x86/intx_linear.h"

namespace {

using jao::kernels::intx::Act;
using jao::kernels::intx::QuantizeRowsFn;

std::vector<float> edge_rows(int64_t k, std::mt19937& rng) {
    std::normal_distribution<float> nd(0, 1);
    const int rows = 9;
    std::vector<float> x(static_cast<size_t>(rows * k));
    for (int64_t i = 0; i < k; ++i) {
        x[0 * k + i] = 0.0f;                                // zeros
        x[1 * k + i] = 0.75f;                               // constant > 0
        x[2 * k + i] = -3.0f;                               // constant < 0
        x[3 * k + i] = nd(rng) * 1e30f;                     // huge
        x[4 * k + i] = nd(rng) * 1e-30f;                    // tiny
        x[5 * k + i] = nd(rng) * 1e-41f;                    // subnormal
        x[6 * k + i] = static_cast<float>(static_cast<int>(i % 511) - 255) * 0.5f;  // ties
        x[7 * k + i] = i == k / 2 ? 1000.0f : nd(rng);      // outlier
        x[8 * k + i] = nd(rng);
    }
    return x;
}

void expect_same(const jao::pack::IntxLayout& L, const std::vector<float>& x, int64_t m, QuantizeRowsFn fn,
                 const char* name) {
    int64_t bytes = jao::kernels::intx::workspace_bytes(L, m);
    std::vector<uint8_t> ref_ws(static_cast<size_t>(bytes), 0xAB), got_ws(static_cast<size_t>(bytes), 0xAB);
    Act ref = jao::kernels::intx::carve_workspace(L, m, ref_ws.data());
    Act got = jao::kernels::intx::carve_workspace(L, m, got_ws.data());
    jao::kernels::intx::quantize_rows_ref(L, x.data(), 0, m, ref);
    fn(L, x.data(), 0, m, got);
    ASSERT_EQ(0, std::memcmp(ref.q, got.q, static_cast<size_t>(m * L.kpad))) << name << " quantized bytes";
    ASSERT_EQ(0, std::memcmp(ref.info, got.info, static_cast<size_t>(m * ref.info_stride) * sizeof(float)))
        << name << " scale / zero point / group sums";
}

}  // namespace

TEST(ActivationQuant, EveryTierWritesWhatTheReferenceWrites) {
    const uint64_t mask = jao_isa_supported_mask();
    std::mt19937 rng(17);
    // (k, group): per row, then several groups per row (group tails of 2 / 8 values, padding to 32).
    const int64_t kg[][2] = {{8, 8},   {32, 32},  {40, 40},   {96, 96},   {256, 256},  {1000, 1000},
                             {4096, 4096}, {96, 32}, {150, 50}, {1000, 40}, {4096, 128}};
    for (const auto& [k, group] : kg) {
        jao_intx_params p{16, k, 4, group, JAO_SCALE_F32, 0, 0, JAO_INTX_LAYOUT_AUTO};
        jao::pack::IntxLayout L = jao::pack::make_layout(p, "test");
        std::vector<float> x = edge_rows(k, rng);
        for (int64_t m : {1, 3, 9}) {
#if defined(__x86_64__)
            if (mask >> JAO_ISA_AVX2 & 1) expect_same(L, x, m, jao::kernels::intx::quantize_rows_avx2, "avx2");
            if (mask >> JAO_ISA_AVX512_VNNI & 1)
                expect_same(L, x, m, jao::kernels::intx::quantize_rows_avx512vnni, "avx512_vnni");
#elif defined(__aarch64__)  // one quantizer serves every Arm tier
            if (mask >> JAO_ISA_NEON & 1) expect_same(L, x, m, jao::kernels::intx::quantize_rows_neon, "neon");
#endif
        }
    }
}
