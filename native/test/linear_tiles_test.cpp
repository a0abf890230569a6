// The tile contract of the intx kernels (kernels/ref/intx_kernels.h: rows
// [m0, m0+mr) with mr <= 8, any run of 16-column blocks), called directly
// rather than through the driver, whose plans use only some shapes: every
// mr 1..8 at every row offset parity, every block range, every bit width,
// with and without zero points. Each vectorized tile must write exactly what
// tile_ref writes, and nothing outside its rows and blocks.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/ref/intx_kernels.h"
#include "kernels/x86/intx_linear.h"
#include "pack/intx_format.h"

namespace {

namespace intx = jao::kernels::intx;

struct Tier {
    jao_isa isa;
    const char* name;
    intx::TileFn tile;
    bool gfni = false;  // x86: the tier's GFNI paths allowed (the VNNI tier runs both ways)
};

std::vector<Tier> tiers() {
    std::vector<Tier> out;
    const uint64_t mask = jao_isa_supported_mask();
#if defined(__x86_64__)
    const Tier all[] = {{JAO_ISA_AVX2, "avx2", intx::tile_avx2}, {JAO_ISA_AVX512_VNNI, "avx512_vnni", intx::tile_avx512vnni}};
#elif defined(__aarch64__)
    const Tier all[] = {{JAO_ISA_NEON, "neon", intx::tile_neon},
                        {JAO_ISA_DOTPROD, "dotprod", intx::tile_dotprod},
                        {JAO_ISA_I8MM, "i8mm", intx::tile_i8mm}};
#endif
    for (const Tier& t : all)
        if (mask >> t.isa & 1) out.push_back(t);
#if defined(__x86_64__)
    jao::core::allow_gfni(true);
    if ((mask >> JAO_ISA_AVX512_VNNI & 1) && jao::core::gfni_usable())
        out.push_back({JAO_ISA_AVX512_VNNI, "avx512_vnni+gfni", intx::tile_avx512vnni, true});
#endif
    return out;
}

TEST(LinearTiles, EveryTileShapeWritesWhatTheReferenceWrites) {
    const std::vector<Tier> ts = tiers();
    if (ts.empty()) GTEST_SKIP() << "no vectorized intx tier on this CPU";
    constexpr int64_t m = 11, n = 101, k = 96;  // 7 blocks (one-row runs of 4 + 2 + 1 tiles), the last 5 columns wide
    std::mt19937 rng(5);
    std::normal_distribution<float> xd(0.0f, 1.0f);
    std::uniform_real_distribution<float> sd(1e-3f, 5e-2f);
    std::vector<float> x(static_cast<size_t>(m * k));
    for (auto& v : x) v = xd(rng);
    int checked = 0;
    for (int nbit = 1; nbit <= 8; ++nbit)
        for (int zp = 0; zp < 2; ++zp) {
            const int64_t group = nbit % 2 ? 32 : 48;  // 48 pads to 64
            const int64_t groups = k / group;
            jao_intx_params p{n, k, nbit, group, nbit % 3 ? JAO_SCALE_BF16 : JAO_SCALE_F32, zp, nbit > 4,
                              JAO_INTX_LAYOUT_AUTO};
            std::uniform_int_distribution<int> qd(-(1 << (nbit - 1)), (1 << (nbit - 1)) - 1), zd(-128, 127);
            std::vector<int8_t> q(static_cast<size_t>(n * k)), z(static_cast<size_t>(n * groups));
            std::vector<float> s(static_cast<size_t>(n * groups)), bias(static_cast<size_t>(n));
            for (auto& v : q) v = static_cast<int8_t>(qd(rng));
            for (auto& v : z) v = static_cast<int8_t>(nbit == 8 ? zd(rng) : qd(rng));
            for (auto& v : s) v = sd(rng);
            for (auto& v : bias) v = xd(rng);
            const jao::pack::IntxLayout L = jao::pack::make_layout(p, "test");
            std::vector<uint8_t> packed(static_cast<size_t>(L.total_bytes));
            jao::pack::pack_intx(L, q.data(), s.data(), zp ? z.data() : nullptr, bias.data(), packed.data(), "test");
            const uint8_t* payload = packed.data() + jao::pack::kHeaderBytes;
            std::vector<uint8_t> ws(static_cast<size_t>(intx::workspace_bytes(L, m)));
            const intx::Act a = intx::carve_workspace(L, m, ws.data());
            intx::quantize_rows_ref(L, x.data(), 0, m, a);

            for (int mr = 1; mr <= 8; ++mr)
                for (int64_t m0 : {int64_t{0}, int64_t{m - mr}})
                    for (int64_t b0 = 0; b0 < L.nblocks; ++b0)
                        for (int nb = 1; b0 + nb <= L.nblocks; ++nb) {
                            std::vector<float> want(static_cast<size_t>(m * n), -7.0f);
                            intx::tile_ref(L, payload, a, m0, mr, b0, nb, want.data());
                            for (const Tier& t : ts) {
                                std::vector<float> got(static_cast<size_t>(m * n), -7.0f);
#if defined(__x86_64__)
                                jao::core::allow_gfni(t.gfni);
#endif
                                t.tile(L, payload, a, m0, mr, b0, nb, got.data());
                                ASSERT_EQ(0, std::memcmp(got.data(), want.data(), got.size() * sizeof(float)))
                                    << t.name << " int" << nbit << (zp ? " zp" : "") << " mr " << mr << " m0 " << m0
                                    << " blocks " << b0 << "+" << nb;
                                ++checked;
                            }
                        }
        }
#if defined(__x86_64__)
    jao::core::allow_gfni(true);
#endif
    std::printf("[ tiles    ] %d tile calls bit-identical to tile_ref\n", checked);
}

}  // namespace
