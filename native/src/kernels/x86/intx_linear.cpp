#include "kernels/x86/intx_linear.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>

#include "affine/float_formats.h"
#include "core/column_claims.h"
#include "core/isa.h"
#include "core/parallel.h"
#include "core/threads.h"
#include "core/work_grid.h"
#include "kernels/staged_slices.h"

namespace jao::kernels::intx {
namespace {

// The tier's kernels for the active ISA (the scalar tier when none applies).
void pick_tier(Plan& p, int64_t m) {
    p.isa = JAO_ISA_SCALAR;
    p.quantize = quantize_rows_ref;
    p.tile = tile_ref;
    const jao_isa active = core::active_isa();
#if defined(__x86_64__) || defined(_M_X64)
    if (active >= JAO_ISA_AVX512_VNNI) {
        p.isa = JAO_ISA_AVX512_VNNI;
        p.quantize = quantize_rows_avx512vnni;
        p.tile = tile_avx512vnni;
    } else if (active >= JAO_ISA_AVX2) {
        p.isa = JAO_ISA_AVX2;
        p.quantize = quantize_rows_avx2;
        p.tile = tile_avx2;
    }
#elif defined(__aarch64__)
    if (active >= JAO_ISA_NEON) {
        p.isa = JAO_ISA_NEON;
        p.quantize = quantize_rows_neon;  // every Arm tier's quantizer
        p.tile = tile_neon;
    }
    // ummla works on row pairs, so GEMV (m <= 3) stays on udot even when i8mm
    // is available; info.isa then reports the dotprod kernel that runs.
    if (active >= JAO_ISA_I8MM && m >= 4) {
        p.isa = JAO_ISA_I8MM;
        p.tile = tile_i8mm;
    } else if (active >= JAO_ISA_DOTPROD) {
        p.isa = JAO_ISA_DOTPROD;
        p.tile = tile_dotprod;
    }
#else
    (void)active;
    (void)m;
#endif
}

// Rows [r0, r1) of a 16-bit x widened into the staging (exact; nothing to do for fp32 x).
void widen_rows(const IntxLayout& L, const void* x, int32_t x_type, int64_t r0, int64_t r1, float* staged) {
    if (x_type == JAO_F32) return;
    affine::widen_to_float(x_type, static_cast<const uint16_t*>(x) + r0 * L.k, staged + r0 * L.k, (r1 - r0) * L.k);
}

}  // namespace

Plan make_plan(const IntxLayout& L, int64_t m) {
    Plan p;
    pick_tier(p, m);
    if (m <= 3) {
        p.kernel = JAO_INTX_KERNEL_GEMV;
        p.tile_m = static_cast<int>(m);
        p.tile_blocks = m == 1 ? 4 : 2;
        p.panel_rows = m;
    } else {
        p.kernel = JAO_INTX_KERNEL_GEMM;
        // Per-channel weights free the fp32 accumulators: 8 rows x 32 columns on VNNI.
        p.tile_m = (p.isa == JAO_ISA_AVX512_VNNI && L.groups == 1) ? 8 : 4;
        p.tile_blocks = 2;
        // Activation panel of ~256 KiB (L2 is 1 MiB on the reference machine) per pass over the weights.
        int64_t rows = std::max<int64_t>(p.tile_m, (int64_t{256} << 10) / std::max<int64_t>(L.kpad, 1) / p.tile_m * p.tile_m);
        p.panel_rows = std::min(rows, m);
    }
    return p;
}

namespace {

// y [m, n] fp32 = linear(x [m, k]) for x of any type (16-bit rows widened into xs
// first) with the activation workspace act_ws (workspace_bytes(L, m) bytes).
void run_rows(const IntxLayout& L, const uint8_t* payload, int64_t m, const void* x, int32_t x_type, float* xs,
              float* y, void* act_ws, int max_threads) {
    const Plan p = make_plan(L, m);
    const Act a = carve_workspace(L, m, act_ws);
    const float* xf = x_type == JAO_F32 ? static_cast<const float*>(x) : xs;
    const core::WorkGrid grid((m + p.tile_m - 1) / p.tile_m, L.nblocks, max_threads);
    std::optional<core::ColumnClaims> claims;
    if (p.kernel == JAO_INTX_KERNEL_GEMV && core::ColumnClaims::fits(grid)) claims.emplace(grid, L.block_bytes);

    // 1. Quantize activations (widened first when 16-bit), rows split across the team.
    const auto quantize = [&](int t, int nt) {
        const int64_t r0 = m * t / nt, r1 = m * (t + 1) / nt;
        if (r1 > r0) {
            widen_rows(L, x, x_type, r0, r1, xs);
            p.quantize(L, xf, r0, r1, a);
        }
    };
    core::run_phases(grid.threads(), m * L.k <= core::kSerialPassElems, quantize, [&](int t, int nt) {
        if (claims && nt == grid.threads()) {
            // 2. GEMV: a chunk of the thread's own columns at a time, then any left
            // by a slower thread (core/column_claims.h).
            claims->run_claims(t, nt, [&](core::UnitRange c) {
                p.tile(L, payload, a, 0, static_cast<int>(m), c.begin, static_cast<int>(c.end - c.begin), y);
            });
            return;
        }
        // 2. Tiles: each thread owns whole row tiles of a contiguous range of
        // 16-column blocks, so every output is computed by one tile call
        // (thread-count independent).
        const core::WorkGrid team = grid.for_team(nt);
        const core::UnitRange rows = team.rows_of(t), blocks = team.cols_of(t);
        const int64_t m0 = rows.begin * p.tile_m, m1 = std::min(m, rows.end * p.tile_m);
        // A GEMV call hands the tier the thread's whole column range at once (the
        // tiles it walks are the same): each tile's weight prefetch then runs on into
        // the next tile's streams instead of draining at every tile boundary.
        const int64_t step = p.kernel == JAO_INTX_KERNEL_GEMV ? std::max<int64_t>(1, blocks.end - blocks.begin)
                                                              : p.tile_blocks;
        for (int64_t pm0 = m0; pm0 < m1; pm0 += p.panel_rows) {
            const int64_t pm1 = std::min(m1, pm0 + p.panel_rows);
            for (int64_t b = blocks.begin; b < blocks.end; b += step) {
                const int nb = static_cast<int>(std::min<int64_t>(step, blocks.end - b));
                for (int64_t r = pm0; r < pm1; r += p.tile_m) {
                    const int mr = static_cast<int>(std::min<int64_t>(p.tile_m, pm1 - r));
                    p.tile(L, payload, a, r, mr, b, nb, y);
                }
            }
        }
    });
    propagate_non_finite_rows(L, m, xf, y);
}

}  // namespace

int64_t run_workspace_bytes(const IntxLayout& L, int64_t m) { return workspace_bytes(L, m) + staging_bytes(m, L.k, L.n); }

void run(const IntxLayout& L, const uint8_t* payload, int64_t m, const void* x, int32_t x_type, void* y,
         int32_t y_type, void* workspace) {
    core::CallScope scope;
    if (x_type == JAO_F32 && y_type == JAO_F32) {
        run_rows(L, payload, m, x, x_type, nullptr, static_cast<float*>(y), workspace, scope.threads());
        return;
    }
    // The activation workspace is sized for all m rows, so every slice fits; the
    // widening runs inside run_rows' parallel region.
    const Staging st = staging_of(workspace, workspace_bytes(L, m), m, L.k);
    run_staged_slices(m, L.k, L.n, x, x_type, y, y_type, st.ys, scope.threads(),
                      [&](const void* xr, int64_t rows, float* yf) {
                          run_rows(L, payload, rows, xr, x_type, st.xs, yf, workspace, scope.threads());
                      });
}

void propagate_non_finite_rows(const IntxLayout& L, int64_t m, const float* x, float* y) {
    // torchao's per-token quantization turns a row with NaN or ±inf into a NaN scale and NaN
    // outputs; the integer kernels would give finite garbage instead, so mark such rows.
    for (int64_t r = 0; r < m; ++r) {
        const float* row = x + r * L.k;
        uint32_t all_ones = 0;
        for (int64_t i = 0; i < L.k; ++i) {
            uint32_t bits;
            std::memcpy(&bits, row + i, 4);
            all_ones |= static_cast<uint32_t>((bits & 0x7f800000u) == 0x7f800000u);
        }
        if (all_ones) std::fill(y + r * L.n, y + (r + 1) * L.n, std::numeric_limits<float>::quiet_NaN());
    }
}

}  // namespace jao::kernels::intx
