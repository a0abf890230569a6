#include "kernels/x86/wo_linear.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

#include "core/isa.h"
#include "core/threads.h"

namespace jao::kernels::wo {
namespace {

// GEMV up to this many rows: above it, decoding each weight once into an fp32
// panel and running register tiles is cheaper than re-decoding per row tile.
constexpr int64_t kGemvMaxRows = 4;

struct Work {
    float* rows;  // [m, kpad]: padded x (GEMV) or packed row tiles (GEMM)
    float* xsum;  // [m, groups]
};

Work carve(const WoLayout& L, int64_t m, void* workspace) {
    auto p = reinterpret_cast<uintptr_t>(workspace);
    p = (p + 63) & ~uintptr_t{63};
    Work w;
    w.rows = reinterpret_cast<float*>(p);
    w.xsum = w.rows + m * L.kpad;
    return w;
}

// Row tiles [t0, t1) of x into the GEMM layout of Act::apack: every K slice
// of every tile contiguous, and the slices of all tiles of one K slice next to
// each other (one contiguous m x 256 block per K slice, however large K is).
void pack_rows(const WoLayout& L, const float* x, int64_t m, int mr, int64_t t0, int64_t t1, float* rows) {
    const int64_t tiles = row_tiles(m, mr);
    for (int64_t t = t0; t < t1; ++t) {
        const int64_t r0 = tile_row(m, tiles, t), h = tile_row(m, tiles, t + 1) - r0;
        for (int64_t k0 = 0; k0 < L.kpad; k0 += kPanelK) {
            const int64_t kc = std::min(kPanelK, L.kpad - k0);
            float* dst = rows + k0 * m + r0 * kc;
            for (int64_t kk = k0; kk < k0 + kc; ++kk) {
                float* d = dst + (kk - k0) * h;
                const int64_t g = kk / L.gpad, kl = kk % L.gpad;
                if (kl < L.group_size) {
                    const float* src = x + r0 * L.k + g * L.group_size + kl;
                    for (int64_t r = 0; r < h; ++r) d[r] = src[r * L.k];
                } else {
                    for (int64_t r = 0; r < h; ++r) d[r] = 0.0f;
                }
            }
        }
    }
}

}  // namespace

Plan make_plan(const WoLayout& L, int64_t m) {
    Plan p;
    p.blocks = gemv_ref;
#if defined(__x86_64__) || defined(_M_X64)
    const jao_isa active = core::active_isa();
    const bool gemm = m > kGemvMaxRows;
    if (active >= JAO_ISA_AVX512) {
        p.isa = JAO_ISA_AVX512;
        p.blocks = gemm ? gemm_avx512 : gemv_avx512;
        p.gemm_mr = kGemmMrAvx512;
        p.kernel = gemm ? JAO_WO_KERNEL_GEMM : JAO_WO_KERNEL_GEMV;
    } else if (active >= JAO_ISA_AVX2) {
        p.isa = JAO_ISA_AVX2;
        p.blocks = gemm ? gemm_avx2 : gemv_avx2;
        p.gemm_mr = kGemmMrAvx2;
        p.kernel = gemm ? JAO_WO_KERNEL_GEMM : JAO_WO_KERNEL_GEMV;
    }
#elif defined(__aarch64__)
    // One fp32 tier serves every Arm tier (the dot product extensions do not help it).
    const bool gemm = m > kGemvMaxRows;
    if (core::active_isa() >= JAO_ISA_NEON) {
        p.isa = JAO_ISA_NEON;
        p.blocks = gemm ? gemm_neon : gemv_neon;
        p.gemm_mr = kGemmMrNeon;
        p.kernel = gemm ? JAO_WO_KERNEL_GEMM : JAO_WO_KERNEL_GEMV;
    }
#endif
    return p;
}

int64_t workspace_bytes(const WoLayout& L, int64_t m) { return 64 + 4 * m * (L.kpad + L.groups); }

void run(const WoLayout& L, const uint8_t* payload, int64_t m, const float* x, float* y, void* workspace) {
    const Plan p = make_plan(L, m);
    const Work w = carve(L, m, workspace);
    Act a;
    a.x = x;
    if (p.kernel == JAO_WO_KERNEL_GEMV) {
        if (L.kpad != L.k) {
            for (int64_t r = 0; r < m; ++r)
                for (int64_t g = 0; g < L.groups; ++g) {
                    float* d = w.rows + r * L.kpad + g * L.gpad;
                    std::memcpy(d, x + r * L.k + g * L.group_size, static_cast<size_t>(L.group_size) * 4);
                    std::fill(d + L.group_size, d + L.gpad, 0.0f);
                }
            a.x = w.rows;
        }
        if (L.has_t()) {
            for (int64_t r = 0; r < m; ++r)
                for (int64_t g = 0; g < L.groups; ++g) {
                    const float* xr = x + r * L.k + g * L.group_size;
                    float sum = 0.0f;
                    for (int64_t kl = 0; kl < L.group_size; ++kl) sum += xr[kl];
                    w.xsum[r * L.groups + g] = sum;
                }
            a.xsum = w.xsum;
        }
    } else {
        a.apack = w.rows;
    }

    core::CallScope scope;
    const int threads = static_cast<int>(std::min<int64_t>(scope.threads(), L.nblocks));
#pragma omp parallel num_threads(threads)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        if (p.kernel == JAO_WO_KERNEL_GEMM) {
            const int64_t tiles = row_tiles(m, p.gemm_mr);
            pack_rows(L, x, m, p.gemm_mr, tiles * t / nt, tiles * (t + 1) / nt, w.rows);
#pragma omp barrier
        }
        // Each thread owns a contiguous range of 16-column blocks: every output
        // is computed by one thread in the same order whatever the thread count.
        const int64_t b0 = L.nblocks * t / nt, b1 = L.nblocks * (t + 1) / nt;
        if (b1 > b0) p.blocks(L, payload, a, m, b0, b1, y);
    }
}

}  // namespace jao::kernels::wo
