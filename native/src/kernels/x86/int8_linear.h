// Driver of the int8 x int8 linear: quantizes the activations into the
// workspace (tier by the active ISA), then runs jao's tiles or oneDNN's
// matmul + the epilogue pass. Compiled on every architecture; the tier kernels
// live in int8_linear_{avx2,avx512vnni}.cpp and kernels/arm (int8_arm.h).
#pragma once

#include <cstdint>

#include "kernels/arm/int8_arm.h"
#include "kernels/ref/int8_kernels.h"
#include "pack/int8_format.h"

namespace jao::kernels::int8 {

using pack::Int8Layout;

struct Tier {
    jao_isa isa = JAO_ISA_SCALAR;
    RowStatsFn stats = row_stats_ref;
    QuantizeFn quantize = quantize_ref;
    EpilogueFn epilogue = epilogue_ref;
    TileFn tile = tile_ref;
    // Fills Act::panel from q for rows [r0, r1) (tiers whose tiles read panels; else null).
    void (*panel)(const Act& a, int64_t steps, int64_t r0, int64_t r1) = nullptr;
};
Tier active_tier();

// Workspace bytes for m rows (oneDNN's scratchpad included) and its carving.
int64_t workspace_bytes(const Int8Layout& L, int64_t m);

// Throws JAO_UNSUPPORTED when a oneDNN buffer's layout is not this CPU's.
void check_runnable(const Int8Layout& L, const void* packed, const char* fn);

// Workspace bytes of run(): workspace_bytes plus the fp32 staging of 16-bit rows.
int64_t run_workspace_bytes(const Int8Layout& L, int64_t m);

// y[m, n] = linear(x[m, k]) for x and y of any jao_float_type: a 16-bit x is widened
// exactly and a 16-bit y rounded to nearest even from the fp32 result, in slices of
// kStagedRows rows (kernels/staged_slices.h), so y is the fp32 run on the widened x.
void run(const Int8Layout& L, const void* packed, int64_t m, const void* x, int32_t x_type, void* y, int32_t y_type,
         void* workspace);

// Quantizes x into the workspace's Act (exposed for tests and benchmarks).
Act quantize_activations(const Int8Layout& L, int64_t m, const float* x, void* workspace, int threads);

#if defined(__x86_64__) || defined(_M_X64)
void row_stats_avx2(const float* x, int64_t k, int64_t r0, int64_t r1, const Act& a);
void quantize_avx2(const float* x, int64_t k, int64_t r0, int64_t r1, const ActQuant& s, const Act& a);
void epilogue_avx2(const Epilogue& e, const Act& a, int64_t r0, int64_t r1, float* y);
void tile_avx2(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y);
void panel_rows_avx2(const Act& a, int64_t steps, int64_t r0, int64_t r1);
void row_stats_avx512vnni(const float* x, int64_t k, int64_t r0, int64_t r1, const Act& a);
void quantize_avx512vnni(const float* x, int64_t k, int64_t r0, int64_t r1, const ActQuant& s, const Act& a);
void epilogue_avx512vnni(const Epilogue& e, const Act& a, int64_t r0, int64_t r1, float* y);
void tile_avx512vnni(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0,
                     int nb, float* y);
void panel_rows_avx512vnni(const Act& a, int64_t steps, int64_t r0, int64_t r1);
#endif

}  // namespace jao::kernels::int8
