#include "kernels/x86/wo_linear.h"

#include <algorithm>
#include <optional>

#include "affine/float_formats.h"
#include "core/column_claims.h"
#include "core/isa.h"
#include "core/parallel.h"
#include "core/threads.h"
#include "core/work_grid.h"

namespace jao::kernels::wo {
namespace {

// The fp32 GEMV re-decodes the codes for every row tile (4 rows); the GEMM
// decodes each weight once into an fp32 panel and runs 12-row register tiles.
// The GEMV runs up to these many rows, measured per tier (interleaved A/B,
// 2 threads, int2/3/4/8, 4096 x 4096, 4096 x 11008, 11008 x 4096, 2026-12-02,
// Zen 5): on AVX-512 the GEMV took 0.46-0.58 of the GEMM's time at m = 8,
// 0.62-0.83 at m = 16, 0.84-0.92 at m = 32, 0.92-1.03 at m = 48; on AVX2 (8
// fp32 lanes, no vpermps table for the codes) it was already 1.06x at m = 8 and
// 1.33x at 16. The GEMM then got 8-15 % faster (partial sums, panel prefetch;
// 2026-12-03), and on a Zen 4 (512-bit ops at half the Zen 5's rate) the GEMV
// took 0.80 of its time at m = 12, 0.96 at 16, 1.03-1.06 at 24, 1.13-1.14 at 32
// (int4 g32, 4096 x 4096 / 4096 x 11008): 24 is between the two hosts' crossovers.
// AVX2 re-checked on a Zen 3 (no AVX-512; 2026-12-04, 4096 x 11008, the limit
// alternated 1 / 4 / 8 over 3 rounds, medians ms): m = 4 GEMV 3.9-5.2 against
// GEMM 4.2-5.1 (int4), 4.3-5.1 against 5.1-5.7 (int8); m = 8 GEMV 7.7-9.0
// against GEMM 6.0-8.2 (int4), 8.3-8.8 against 6.4-8.2 (int8): 4 stays.
#if defined(__x86_64__) || defined(_M_X64)
constexpr int64_t kGemvMaxRowsAvx512 = 24;
constexpr int64_t kGemvMaxRowsAvx2 = 4;
#elif defined(__aarch64__)
// Not timed on Arm hardware: the crossover of the first x86 measurements.
constexpr int64_t kGemvMaxRowsNeon = 4;
#endif

struct Work {
    float* rows;     // [m, kpad]: padded x (GEMV), its bf16 pairs (bf16 dot GEMV) or packed row tiles (GEMM)
    float* xsum;     // [m, groups]
    float* y;        // [m, n]: fp32 results before rounding, when y is not fp32
    float* partial;  // [m, nblocks * 16] when gemm_has_partials: Act::partial
    float* xs;       // [kpad]: Act::xs
};

// Floats of Work::partial (none when the GEMM sums all of K in one slice).
int64_t partial_floats(const WoLayout& L, int64_t m) { return gemm_has_partials(L) ? m * L.nblocks * pack::kWoNr : 0; }

Work carve(const WoLayout& L, int64_t m, void* workspace) {
    auto p = reinterpret_cast<uintptr_t>(workspace);
    p = (p + 63) & ~uintptr_t{63};
    Work w;
    w.rows = reinterpret_cast<float*>(p);
    w.xsum = w.rows + m * L.kpad;
    w.y = w.xsum + m * L.groups;
    w.partial = w.y + m * L.n;
    w.xs = w.partial + partial_floats(L, m);
    return w;
}

// x[r, k] widened to fp32 from its storage type T (float, or uint16_t bits of a bf16 / fp16).
template <class T, int32_t kType>
struct XReader {
    const T* x;
    int64_t k;
    float operator()(int64_t r, int64_t kk) const {
        if constexpr (kType == JAO_F32) return x[r * k + kk];
        else return affine::load_as_float(kType, x, r * k + kk);
    }
};

// Calls fn(reader) with the XReader of x's type (one dispatch per call, not per element).
template <class Fn>
void with_reader(const void* x, int32_t type, int64_t k, Fn&& fn) {
    switch (type) {
        case JAO_BF16: fn(XReader<uint16_t, JAO_BF16>{static_cast<const uint16_t*>(x), k}); break;
        case JAO_F16: fn(XReader<uint16_t, JAO_F16>{static_cast<const uint16_t*>(x), k}); break;
        default: fn(XReader<float, JAO_F32>{static_cast<const float*>(x), k}); break;
    }
}

// Row tiles [t0, t1) of x into the GEMM layout of Act::apack: every K slice
// of every tile contiguous, and the slices of all tiles of one K slice next to
// each other (one contiguous m x 256 block per K slice, however large K is).
template <class Reader>
void pack_rows(const WoLayout& L, const Reader& x, int64_t m, int mr, int64_t t0, int64_t t1, float* rows) {
    const int64_t tiles = row_tiles(m, mr);
    for (int64_t t = t0; t < t1; ++t) {
        const int64_t r0 = tile_row(m, tiles, t), h = tile_row(m, tiles, t + 1) - r0;
        for (int64_t k0 = 0; k0 < L.kpad; k0 += kPanelK) {
            const int64_t kc = std::min(kPanelK, L.kpad - k0);
            float* dst = rows + k0 * m + r0 * kc;
            for (int64_t kk = k0; kk < k0 + kc; ++kk) {
                float* d = dst + (kk - k0) * h;
                const int64_t g = kk / L.gpad, kl = kk % L.gpad;
                for (int64_t r = 0; r < h; ++r) d[r] = kl < L.group_size ? x(r0 + r, g * L.group_size + kl) : 0.0f;
            }
        }
    }
}

// GEMV activations: x as fp32 rows [m, kpad], each group padded with zeros to L.gpad.
template <class Reader>
void stage_gemv_rows(const WoLayout& L, const Reader& x, int64_t m, float* rows) {
    for (int64_t r = 0; r < m; ++r)
        for (int64_t g = 0; g < L.groups; ++g) {
            float* d = rows + r * L.kpad + g * L.gpad;
            for (int64_t kl = 0; kl < L.group_size; ++kl) d[kl] = x(r, g * L.group_size + kl);
            std::fill(d + L.group_size, d + L.gpad, 0.0f);
        }
}

// bf16 dot GEMV activations: the bf16 bits of x, two K per uint32 in the
// kernel's order (bf16_pair_k), each group padded with zeros to L.gpad.
void stage_bf16_pairs(const WoLayout& L, const uint16_t* x, int64_t m, uint32_t* pairs) {
    constexpr int kSteps = pack::kWoChunkK / 2;
    int lo[kSteps];
    for (int s = 0; s < kSteps; ++s) lo[s] = bf16_pair_k(L.nbit, s);
    const int half = 16 / L.nbit;
    for (int64_t r = 0; r < m; ++r)
        for (int64_t g = 0; g < L.groups; ++g) {
            const uint16_t* src = x + r * L.k + g * L.group_size;
            const auto bits = [&](int64_t kl) { return kl < L.group_size ? uint32_t{src[kl]} : 0u; };
            uint32_t* d = pairs + (r * L.kpad + g * L.gpad) / 2;
            for (int64_t c = 0; c < L.gpad; c += pack::kWoChunkK)
                for (int s = 0; s < kSteps; ++s) d[c / 2 + s] = bits(c + lo[s]) | bits(c + lo[s] + half) << 16;
        }
}

}  // namespace

Plan make_plan(const WoLayout& L, int64_t m, int32_t x_type) {
    Plan p;
    p.blocks = gemv_ref;
#if defined(__x86_64__) || defined(_M_X64)
    const jao_isa active = core::active_isa();
    // The bf16 dot-product GEMV multiplies two K per instruction where the GEMM's
    // fp32 tiles multiply one: it stays ahead at every m (same A/B: 0.45-0.71 of
    // the GEMM's time at m = 8-64, 0.53-0.74 at 128, 0.53 at 1024).
    if (active >= JAO_ISA_AVX512_BF16 && x_type == JAO_BF16 && bf16_dot_nbit(L.nbit)) {
        p.isa = JAO_ISA_AVX512_BF16;
        p.blocks = gemv_avx512bf16;
        p.kernel = JAO_WO_KERNEL_GEMV;
        p.bf16_pairs = true;
    } else if (active >= JAO_ISA_AVX512) {
        const bool gemm = m > kGemvMaxRowsAvx512;
        p.isa = JAO_ISA_AVX512;
        p.blocks = gemm ? gemm_avx512 : gemv_avx512;
        p.gemm_mr = kGemmMrAvx512;
        p.kernel = gemm ? JAO_WO_KERNEL_GEMM : JAO_WO_KERNEL_GEMV;
    } else if (active >= JAO_ISA_AVX2) {
        const bool gemm = m > kGemvMaxRowsAvx2;
        p.isa = JAO_ISA_AVX2;
        p.blocks = gemm ? gemm_avx2 : gemv_avx2;
        p.gemm_mr = kGemmMrAvx2;
        p.kernel = gemm ? JAO_WO_KERNEL_GEMM : JAO_WO_KERNEL_GEMV;
    }
    // Both fp32 GEMVs (gemv_avx512, gemv_avx2) run the subnormal decode on a staged row.
    // One row only: on AVX2 the 2-row tiles keep 8 or 12 partial sums beside the decode's
    // constants in 16 ymm and spill. Tried (m = 4, 1024 x 768 int4 g32 in L2, one thread,
    // Zen 3, 2026-12-04, best ms): shift decode 0.130, subnormal decode with 3 / 2 partial
    // sums 0.176 / 0.217.
    if ((p.blocks == gemv_avx512 || p.blocks == gemv_avx2) && m == 1 && subnormal_nbit(L.nbit) &&
        subnormal_decode_fast())
        p.stage_xs = stage_subnormal_x;
#elif defined(__aarch64__)
    // One fp32 tier serves every Arm tier (the dot product extensions do not help it).
    const bool gemm = m > kGemvMaxRowsNeon;
    if (core::active_isa() >= JAO_ISA_NEON) {
        p.isa = JAO_ISA_NEON;
        p.blocks = gemm ? gemm_neon : gemv_neon;
        p.gemm_mr = kGemmMrNeon;
        p.kernel = gemm ? JAO_WO_KERNEL_GEMM : JAO_WO_KERNEL_GEMV;
    }
#endif
    return p;
}

int64_t workspace_bytes(const WoLayout& L, int64_t m) {
    return 64 + 4 * (m * (L.kpad + L.groups + L.n) + partial_floats(L, m) + L.kpad);
}

namespace {

// run() once x's type is known: stages the activations, then the kernel on
// OpenMP threads over column blocks, then (y not fp32) the rounding of each
// thread's own columns.
template <class Reader>
void run_with(const WoLayout& L, const uint8_t* payload, int64_t m, const Plan& p, const Work& w, const Reader& xr,
              const void* x, int32_t x_type, void* y, int32_t y_type) {
    float* out = y_type == JAO_F32 ? static_cast<float*>(y) : w.y;
    Act a;
    if (p.kernel == JAO_WO_KERNEL_GEMV) {
        if (p.bf16_pairs) {
            auto* pairs = reinterpret_cast<uint32_t*>(w.rows);
            stage_bf16_pairs(L, static_cast<const uint16_t*>(x), m, pairs);
            a.xpairs = pairs;
        } else if (L.kpad != L.k || x_type != JAO_F32) {
            stage_gemv_rows(L, xr, m, w.rows);
            a.x = w.rows;
        } else {
            a.x = static_cast<const float*>(x);
        }
        if (p.stage_xs && p.stage_xs(L, a.x, w.xs, &a.xs_unscale, w.xsum)) {
            a.xs = w.xs;
            a.xsum = w.xsum;  // the t terms use the staging's sums too
        }
        if (L.has_t() && !a.xsum) {
            for (int64_t r = 0; r < m; ++r)
                for (int64_t g = 0; g < L.groups; ++g) {
                    float sum = 0.0f;
                    for (int64_t kl = 0; kl < L.group_size; ++kl) sum += xr(r, g * L.group_size + kl);
                    w.xsum[r * L.groups + g] = sum;
                }
            a.xsum = w.xsum;
        }
    } else {
        a.apack = w.rows;
        a.partial = w.partial;
    }

    core::CallScope scope;
    // Row units the grid may give to different threads: the GEMM's row tiles, or
    // the GEMV's kGemvUnitRows-row units (rows split only when the column blocks
    // are too few for the team, e.g. a narrow layer at large m now that the GEMV
    // runs there too; ref/wo_kernels.h says why results never depend on the split).
    const bool gemm = p.kernel == JAO_WO_KERNEL_GEMM;
    const int64_t tiles = gemm ? row_tiles(m, p.gemm_mr) : (m + kGemvUnitRows - 1) / kGemvUnitRows;
    const auto unit_row = [&](int64_t t) { return gemm ? tile_row(m, tiles, t) : std::min(m, t * kGemvUnitRows); };
    const core::WorkGrid grid(tiles, L.nblocks, scope.threads());
    // The GEMM packs x (row tiles split across the team) before any tile reads it.
    const auto pack_x = [&](int t, int nt) {
        if (gemm) pack_rows(L, xr, m, p.gemm_mr, tiles * t / nt, tiles * (t + 1) / nt, w.rows);
    };
    // Rows [r0, r1) x blocks [b0, b1), rounded into y when it is not fp32.
    const auto run_blocks = [&](int64_t r0, int64_t r1, int64_t b0, int64_t b1) {
        if (b1 <= b0 || r1 <= r0) return;
        p.blocks(L, payload, a, m, r0, r1, b0, b1, out);
        if (y_type != JAO_F32) {
            const int64_t c0 = b0 * pack::kWoNr, c1 = std::min(L.n, b1 * pack::kWoNr);
            auto* y16 = static_cast<uint16_t*>(y);
            for (int64_t r = r0; r < r1; ++r)
                affine::narrow_from_float(y_type, out + r * L.n + c0, y16 + r * L.n + c0, c1 - c0);
        }
    };
    // GEMV: the columns are balanced at run time (core/column_claims.h).
    std::optional<core::ColumnClaims> claims;
    if (!gemm && core::ColumnClaims::fits(grid)) claims.emplace(grid, L.block_bytes);
    core::run_phases(grid.threads(), !gemm, pack_x, [&](int t, int nt) {
        if (claims && nt == grid.threads()) {
            claims->run_claims(t, nt, [&](core::UnitRange c) { run_blocks(0, m, c.begin, c.end); });
            return;
        }
        // Each thread owns whole row tiles of a contiguous range of 16-column blocks:
        // every output is computed by one tile in the same order whatever the thread count.
        const core::WorkGrid team = grid.for_team(nt);
        const core::UnitRange rows = team.rows_of(t), blocks = team.cols_of(t);
        run_blocks(unit_row(rows.begin), unit_row(rows.end), blocks.begin, blocks.end);
    });
}

}  // namespace

void run(const WoLayout& L, const uint8_t* payload, int64_t m, const void* x, int32_t x_type, void* y, int32_t y_type,
         void* workspace) {
    const Plan p = make_plan(L, m, x_type);
    const Work w = carve(L, m, workspace);
    with_reader(x, x_type, L.k, [&](const auto& xr) { run_with(L, payload, m, p, w, xr, x, x_type, y, y_type); });
}

}  // namespace jao::kernels::wo
