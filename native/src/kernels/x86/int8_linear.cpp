#include "kernels/x86/int8_linear.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <string>

#include "abi/guard.h"
#include "core/column_claims.h"
#include "core/isa.h"
#include "core/parallel.h"
#include "core/threads.h"
#include "core/work_grid.h"
#include "kernels/staged_slices.h"
#include "onednn/int8_matmul.h"

namespace jao::kernels::int8 {
namespace {

int64_t aligned(int64_t v) { return round_up(v, 64); }

// Workspace: 64 bytes of alignment slack, q [m, stride], eight per-row arrays,
// then the jao tiles' 8-row panels (Act::panel) or oneDNN's scratchpad.
constexpr int kRowArrays = 8;

// Row stride of the quantized activations: K rounded up to the jao tiles' 4-K
// steps, plain K for oneDNN (its primitive is made for dense rows).
int64_t act_stride(const Int8Layout& L) { return L.backend == JAO_INT8_BACKEND_ONEDNN ? L.k : L.kpad; }

// One row runs the GEMV, which reads the quantized row itself.
int64_t panel_bytes(const Int8Layout& L, int64_t m) {
    return L.backend == JAO_INT8_BACKEND_JAO && m > 1 ? aligned(round_up(m, kPanelRows) * L.kpad * kPanelBytesPerK) : 0;
}

int64_t act_bytes(const Int8Layout& L, int64_t m) {
    return aligned(m * act_stride(L)) + kRowArrays * aligned(4 * m) + panel_bytes(L, m);
}

Act carve(const Int8Layout& L, int64_t m, void* workspace, uint8_t** rest) {
    auto* p = reinterpret_cast<uint8_t*>(aligned(reinterpret_cast<intptr_t>(workspace)));
    Act a;
    a.q = reinterpret_cast<int8_t*>(p);
    a.stride = act_stride(L);
    p += aligned(m * a.stride);
    float** floats[] = {&a.scale, &a.inv, &a.zp, &a.corr, &a.mn, &a.mx};
    for (float** f : floats) {
        *f = reinterpret_cast<float*>(p);
        p += aligned(4 * m);
    }
    a.asum = reinterpret_cast<int32_t*>(p);
    p += aligned(4 * m);
    a.bad = reinterpret_cast<int32_t*>(p);
    p += aligned(4 * m);
    if (panel_bytes(L, m)) a.panel = reinterpret_cast<int32_t*>(p);
    p += panel_bytes(L, m);
    *rest = p;
    return a;
}

ActQuant act_quant(const Int8Layout& L) { return {L.asymmetric(), L.per_tensor(), L.bf16(), L.qmin(), L.qmax()}; }

// Per-row quantization parameters of rows [r0, r1) from the row statistics
// (PerTensor: every row gets the parameters of the whole tensor). bad[r]
// stays the row's own flag: quantize skips exactly the rows it cannot convert.
void qparams(const Int8Layout& L, int64_t m, int64_t r0, int64_t r1, const Act& a) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    float tmn = 0, tmx = 0;
    int32_t tbad = 0;
    if (L.per_tensor()) {
        tmn = a.mn[0];
        tmx = a.mx[0];
        for (int64_t r = 0; r < m; ++r) {  // O(m), redundantly per thread: no second barrier
            tmn = std::min(tmn, a.mn[r]);
            tmx = std::max(tmx, a.mx[r]);
            tbad |= a.bad[r];
        }
    }
    for (int64_t r = r0; r < r1; ++r) {
        const float mn = L.per_tensor() ? tmn : a.mn[r], mx = L.per_tensor() ? tmx : a.mx[r];
        const int32_t bad = L.per_tensor() ? tbad : a.bad[r];
        float s, inv, zp;
        act_qparams(mn, mx, act_quant(L), &s, &inv, &zp);
        a.scale[r] = bad ? nan : s;
        a.inv[r] = inv;
        a.zp[r] = zp;
        a.corr[r] = zp * a.scale[r];
    }
}

// Quantization as thread tid of a run_on_threads team of nt threads. Per token
// a thread needs only its own rows' statistics; PerTensor waits for every
// row's (one team_barrier, taken by all threads or none: the flag is the same
// for all).
void quantize_phase(const Tier& t, const Int8Layout& L, int64_t m, const float* x, const Act& a, int tid, int nt) {
    const int64_t r0 = m * tid / nt, r1 = m * (tid + 1) / nt;
    if (r1 > r0) t.stats(x, L.k, r0, r1, a);
    if (L.per_tensor()) core::team_barrier(nt);
    if (r1 > r0) {
        qparams(L, m, r0, r1, a);
        t.quantize(x, L.k, r0, r1, act_quant(L), a);
        if (t.panel && a.panel) t.panel(a, L.kpad / 4, r0, r1);
    }
}

Epilogue epilogue_of(const Int8Layout& L, const void* packed) {
    return {L.n, pack::int8_scales(packed, L), pack::int8_bias(packed, L),
            L.asymmetric() ? pack::int8_rowsums(packed, L) : nullptr, L.bf16()};
}

void run_jao(const Tier& t, const Int8Layout& L, const void* packed, int64_t m, const float* x, float* y, const Act& a,
             int threads) {
    const Epilogue e = epilogue_of(L, packed);
    const uint8_t* w = pack::int8_weights(packed, L);
    const int mr = m >= 8 ? 8 : static_cast<int>(m);  // rows per tile call (multiple of 8 keeps panels aligned)
    // Blocks per tile call: one row tile (m <= 8) takes a thread's whole claim at
    // once (the tier walks it as streams of consecutive blocks, kernels/stream_prefetch.h);
    // more row tiles keep 2 blocks (2 x 16 x K bytes, <= 352 KB for K = 11008) in L2
    // while every row tile reads them, so the weights leave DRAM once per call
    // (row panels re-streamed them 8 times at K = 11008, M = 128).
    const int64_t nbt = m <= mr ? L.nblocks : 2;
    const core::WorkGrid grid((m + mr - 1) / mr, L.nblocks, threads);
    // One row tile (m < 8): the columns are balanced at run time (core/column_claims.h).
    std::optional<core::ColumnClaims> claims;
    if (m <= mr && core::ColumnClaims::fits(grid)) claims.emplace(grid, pack::int8_block_bytes(L.kpad));
    const auto quantize = [&](int tid, int n_t) { quantize_phase(t, L, m, x, a, tid, n_t); };
    core::run_phases(grid.threads(), m * L.k <= core::kSerialPassElems, quantize, [&](int tid, int n_t) {
        if (claims && n_t == grid.threads()) {
            claims->run_claims(tid, n_t, [&](core::UnitRange c) {
                for (int64_t b = c.begin; b < c.end; b += nbt)
                    t.tile(w, L.kpad, e, a, 0, mr, b, static_cast<int>(std::min<int64_t>(nbt, c.end - b)), y);
            });
            return;
        }
        // Each thread owns whole row tiles of a contiguous range of 16-column
        // blocks: every output is computed by one tile call, whatever the thread count.
        const core::WorkGrid team = grid.for_team(n_t);
        const core::UnitRange rows = team.rows_of(tid), blocks = team.cols_of(tid);
        const int64_t m0 = rows.begin * mr, m1 = std::min(m, rows.end * mr);
        for (int64_t b = blocks.begin; b < blocks.end; b += nbt) {
            const int nb = static_cast<int>(std::min<int64_t>(nbt, blocks.end - b));
            for (int64_t r = m0; r < m1; r += mr)
                t.tile(w, L.kpad, e, a, r, static_cast<int>(std::min<int64_t>(mr, m1 - r)), b, nb, y);
        }
    });
}

void run_onednn(const Tier& t, const Int8Layout& L, const void* packed, int64_t m, const float* x, float* y,
                const Act& a, void* scratch, int threads) {
    // The passes around oneDNN are cheap (~1 ns per element): a parallel region
    // (and its barrier) pays only from ~64K elements per thread on.
    constexpr int64_t kElemsPerThread = 65536;
    const int nt = static_cast<int>(std::min<int64_t>(threads, std::max<int64_t>(1, m * L.k / kElemsPerThread)));
    core::run_on_threads(nt, [&](int tid, int n_t) { quantize_phase(t, L, m, x, a, tid, n_t); });
    // c lands in y itself (int32 and fp32 have the same size); the epilogue converts it in place.
    onednn::int8_matmul(L.k, L.n, m, a.q, a.stride, pack::int8_weights(packed, L), reinterpret_cast<int32_t*>(y),
                        scratch, threads);
    const Epilogue e = epilogue_of(L, packed);
    const int ne = static_cast<int>(std::min<int64_t>({threads, m, std::max<int64_t>(1, m * L.n / kElemsPerThread)}));
    core::run_on_threads(ne, [&](int tid, int n_t) {
        const int64_t r0 = m * tid / n_t, r1 = m * (tid + 1) / n_t;
        if (r1 > r0) t.epilogue(e, a, r0, r1, y);
    });
}

}  // namespace

Tier active_tier() {
    Tier t;
#if defined(__x86_64__) || defined(_M_X64)
    const jao_isa active = core::active_isa();
    if (active >= JAO_ISA_AVX512_VNNI)
        t = {JAO_ISA_AVX512_VNNI, row_stats_avx512vnni, quantize_avx512vnni, epilogue_avx512vnni, tile_avx512vnni,
             panel_rows_avx512vnni};
    else if (active >= JAO_ISA_AVX2)
        t = {JAO_ISA_AVX2, row_stats_avx2, quantize_avx2, epilogue_avx2, tile_avx2, panel_rows_avx2};
#elif defined(__aarch64__)
    // NEON quantization and epilogue at every Arm tier; the tile by tier.
    const jao_isa active = core::active_isa();
    if (active >= JAO_ISA_NEON) t = {JAO_ISA_NEON, row_stats_neon, quantize_neon, epilogue_neon, tile_neon, nullptr};
    if (active >= JAO_ISA_I8MM) {
        t.isa = JAO_ISA_I8MM;
        t.tile = tile_i8mm;
    } else if (active >= JAO_ISA_DOTPROD) {
        t.isa = JAO_ISA_DOTPROD;
        t.tile = tile_dotprod;
    }
#endif
    return t;
}

int64_t workspace_bytes(const Int8Layout& L, int64_t m) {
    int64_t bytes = 64 + act_bytes(L, m);
    if (L.backend == JAO_INT8_BACKEND_ONEDNN) bytes += aligned(onednn::int8_scratchpad_bytes(L.k, L.n, m));
    return bytes;
}

void check_runnable(const Int8Layout& L, const void* packed, const char* fn) {
    if (L.backend != JAO_INT8_BACKEND_ONEDNN) return;
    onednn::require_exact_int8_matmul(fn);
    const onednn::WeightsLayout& want = onednn::int8_weights_layout(L.k, L.n);
    const auto* blob = static_cast<const uint8_t*>(packed) + L.blob_off;
    if (static_cast<int64_t>(want.blob.size()) != L.blob_bytes || want.bytes != L.weights_bytes ||
        std::memcmp(want.blob.data(), blob, want.blob.size()) != 0)
        fail(JAO_UNSUPPORTED, std::string(fn) +
                                  ": the buffer holds oneDNN weights in a layout this CPU's oneDNN does not use "
                                  "(packed on another CPU or oneDNN version); unpack it (jao_int8_unpack) and repack here");
}

Act quantize_activations(const Int8Layout& L, int64_t m, const float* x, void* workspace, int threads) {
    uint8_t* rest;
    const Act a = carve(L, m, workspace, &rest);
    const Tier t = active_tier();
    core::run_on_threads(threads, [&](int tid, int n_t) { quantize_phase(t, L, m, x, a, tid, n_t); });
    return a;
}

namespace {

// The driver workspace of a typed run: its slices carve it for kStagedRows and
// m % kStagedRows rows, and oneDNN's scratchpad need not grow with the rows.
int64_t sliced_workspace_bytes(const Int8Layout& L, int64_t m) {
    int64_t bytes = workspace_bytes(L, m);
    if (m > kStagedRows) {
        bytes = std::max(bytes, workspace_bytes(L, kStagedRows));
        if (m % kStagedRows != 0) bytes = std::max(bytes, workspace_bytes(L, m % kStagedRows));
    }
    return bytes;
}

}  // namespace

int64_t run_workspace_bytes(const Int8Layout& L, int64_t m) {
    return sliced_workspace_bytes(L, m) + staging_bytes(m, L.k, L.n);
}

void run(const Int8Layout& L, const void* packed, int64_t m, const void* x, int32_t x_type, void* y, int32_t y_type,
         void* workspace) {
    core::CallScope scope;
    const Tier t = active_tier();
    const auto run_f32 = [&](int64_t rows, const float* xf, float* yf) {
        uint8_t* scratch;
        const Act a = carve(L, rows, workspace, &scratch);
        if (L.backend == JAO_INT8_BACKEND_ONEDNN)
            run_onednn(t, L, packed, rows, xf, yf, a, scratch, scope.threads());
        else
            run_jao(t, L, packed, rows, xf, yf, a, scope.threads());
    };
    if (x_type == JAO_F32 && y_type == JAO_F32) {
        run_f32(m, static_cast<const float*>(x), static_cast<float*>(y));
        return;
    }
    const Staging st = staging_of(workspace, sliced_workspace_bytes(L, m), m, L.k);
    run_staged_slices(m, L.k, L.n, x, x_type, y, y_type, st.ys, scope.threads(),
                      [&](const void* xr, int64_t rows, float* yf) {
                          const float* xf = static_cast<const float*>(xr);
                          if (x_type != JAO_F32) {
                              convert_parallel<true>(rows * L.k, x_type, xr, st.xs, scope.threads());
                              xf = st.xs;
                          }
                          run_f32(rows, xf, yf);
                      });
}

}  // namespace jao::kernels::int8
