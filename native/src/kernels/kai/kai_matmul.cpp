// Driver of the KleidiAI-layout matmul: geometry, tier choice, the loop over panels
// and the one f32 epilogue every tier shares (the tiers only produce int32 block
// sums). The epilogue follows KleidiAI's integer formulation:
//   qsi4c32p: acc = sum_b fma(f32(I_b), scale_b, acc); acc = fma(f32(neg_zp), row_sum, acc)
//             (row_sum = the packed f32 sum of q * scale), then * inv_scale + bias;
//   qsi4cxp:  f32(16 * I + neg_zp * row_sum16) * (scale / 16) * inv_scale + bias;
//   qsi8cxp:  f32(I + neg_zp * row_sum) * scale * inv_scale + bias;
// then clamp. I = the int32 sum of q_lhs * q_rhs; the zero point enters once per
// output through the packed row sums.
#include "kernels/kai/kai_matmul.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/int_math.h"
#include "core/isa.h"
#include "core/threads.h"

namespace jao::kernels::kai {
namespace {

constexpr int kMaxNr = 256;  // the packers' limit

template <class T>
T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

float bf16_to_f32(uint16_t b) {
    const uint32_t u = static_cast<uint32_t>(b) << 16;
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

float clamp(float v, const Output& out) { return std::min(std::max(v, out.clamp_min), out.clamp_max); }

// Rows [x0, x0 + rows) of an LHS panel times one RHS panel (columns col0..col0+cols).
void tile(const Geometry& g, const uint8_t* lp, int x0, int rows, int64_t row0, const uint8_t* rp, int64_t col0,
          const Output& out, BlockSums block_sums) {
    const int nr = g.nr, cols = static_cast<int>(std::min<int64_t>(nr, g.n - col0));
    const uint8_t* lhs_tail = lp + g.mr * g.k32;  // mr int32 neg_zp, then mr f32 inv_scale
    const uint8_t* tail = rp + g.rhs_tail;
    int32_t sums[kTileRows * kMaxNr];
    float acc[kTileRows * kMaxNr];

    if (g.rhs == RhsFormat::Qsi4c32p) std::fill(acc, acc + rows * nr, 0.0f);
    for (int64_t b = 0; b < g.blocks; ++b) {
        block_sums(g, lp, x0, rows, rp, b, sums);
        if (g.rhs != RhsFormat::Qsi4c32p) break;  // one block: the epilogue below takes the sums
        const uint8_t* scales = rp + b * g.block_bytes + nr * g.block_k / 2;
        for (int x = 0; x < rows; ++x)
            for (int c = 0; c < cols; ++c)
                acc[x * nr + c] = std::fma(static_cast<float>(sums[x * nr + c]),
                                           bf16_to_f32(load<uint16_t>(scales + 2 * c)), acc[x * nr + c]);
    }

    for (int x = 0; x < rows; ++x) {
        const int32_t neg_zp = load<int32_t>(lhs_tail + 4 * (x0 + x));
        const float inv_scale = load<float>(lhs_tail + 4 * g.mr + 4 * (x0 + x));
        float* y = out.y + (row0 + x) * out.row_stride + col0;
        for (int c = 0; c < cols; ++c) {
            float v;
            if (g.rhs == RhsFormat::Qsi4c32p) {
                v = std::fma(static_cast<float>(neg_zp), load<float>(tail + 4 * c), acc[x * nr + c]);
                v = v * inv_scale + load<float>(tail + 4 * nr + 4 * c);
            } else {
                // int64 then wrap: exact for valid operands (kMaxK), defined for any bytes.
                const int64_t i = int64_t{g.rhs == RhsFormat::Qsi4cxp ? 16 : 1} * sums[x * nr + c] +
                                  int64_t{neg_zp} * load<int32_t>(tail + 4 * c);
                v = static_cast<float>(static_cast<int32_t>(static_cast<uint32_t>(i))) *
                    load<float>(tail + 4 * nr + 4 * c);
                v = v * inv_scale + load<float>(tail + 8 * nr + 4 * c);
            }
            y[c] = clamp(v, out);
        }
    }
}

}  // namespace

Geometry geometry(RhsFormat rhs, int64_t m, int64_t n, int64_t k, int64_t bl, int32_t mr, int32_t nr, int32_t kr,
                  int32_t sr) {
    Geometry g{};
    g.rhs = rhs;
    g.m = m, g.n = n, g.k = k;
    g.mr = mr, g.nr = nr, g.kl = kr / sr;
    g.k32 = round_up(k, 32);
    g.lhs_panel = int64_t{mr} * (g.k32 + 8);
    switch (rhs) {
        case RhsFormat::Qsi4c32p:
            g.blocks = k / bl, g.block_k = bl, g.block_bytes = nr * (bl / 2 + 2);
            break;
        case RhsFormat::Qsi4cxp:
            g.blocks = 1, g.block_k = g.k32, g.block_bytes = nr * g.k32 / 2;
            break;
        case RhsFormat::Qsi8cxp:
            g.blocks = 1, g.block_k = g.k32, g.block_bytes = nr * g.k32;
            break;
    }
    g.rhs_tail = g.blocks * g.block_bytes;
    g.rhs_panel = g.rhs_tail + int64_t{nr} * (rhs == RhsFormat::Qsi4c32p ? 8 : 12);
    return g;
}

BlockSums active_block_sums() {
#if defined(__aarch64__)
    const jao_isa isa = core::active_isa();
    if (isa >= JAO_ISA_I8MM) return block_sums_i8mm;
    if (isa >= JAO_ISA_DOTPROD) return block_sums_dotprod;
    if (isa >= JAO_ISA_NEON) return block_sums_neon;
#endif
    return block_sums_scalar;
}

void matmul(const Geometry& g, const uint8_t* lhs, const uint8_t* rhs, const Output& out, BlockSums block_sums) {
    core::CallScope scope;
    const int64_t panels = g.rhs_panels();
    const int threads = static_cast<int>(std::min<int64_t>(scope.threads(), panels));
    // Each output is computed by one tile call, whatever thread runs it.
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t p = 0; p < panels; ++p) {
        const uint8_t* rp = rhs + p * g.rhs_panel;
        for (int64_t lp = 0; lp < g.lhs_panels(); ++lp)
            for (int x0 = 0; x0 < g.mr; x0 += kTileRows) {
                const int64_t row0 = lp * g.mr + x0;
                const int rows = static_cast<int>(std::min<int64_t>({kTileRows, g.mr - x0, g.m - row0}));
                if (rows <= 0) break;
                tile(g, lhs + lp * g.lhs_panel, x0, rows, row0, rp, p * g.nr, out, block_sums);
            }
    }
}

}  // namespace jao::kernels::kai
