// Driver of the intx linear: picks the tier (active ISA) and the tile shape
// (by M), quantizes the activations into the workspace (bf16 / fp16 ones widened
// to fp32 there first) and runs the tiles on OpenMP threads split over N, and
// over M too when N has too few blocks (core/work_grid.h), into fp32 staging
// rounded afterwards when y is bf16 / fp16. Compiled on every architecture; the
// x86 tier kernels live in intx_*_{avx2,avx512vnni}.cpp here, the Arm ones in
// kernels/arm (declared in kernels/arm/intx_arm.h).
#pragma once

#include <cstdint>

#include "kernels/arm/intx_arm.h"
#include "kernels/ref/intx_kernels.h"

namespace jao::kernels::intx {

struct Plan {
    jao_isa isa = JAO_ISA_SCALAR;
    QuantizeRowsFn quantize = nullptr;
    TileFn tile = nullptr;
    int kernel = JAO_INTX_KERNEL_GEMV;  // jao_intx_kernel
    int tile_m = 1;                     // rows per tile
    int tile_blocks = 1;                // 16-column blocks per tile
    int64_t panel_rows = 1;             // rows whose activations stay cache resident per weight pass
};

Plan make_plan(const IntxLayout& L, int64_t m);

// Workspace bytes of run for m rows: the quantized activations (workspace_bytes) followed by
// fp32 staging for x and y of up to 64 rows (16-bit types run in slices of 64 rows). The same
// for every activation / output type, tier and thread count, so it may be sized before any of
// them is known.
int64_t run_workspace_bytes(const IntxLayout& L, int64_t m);

// y[m, n] = linear(x[m, k]), x and y of any jao_float_type: a 16-bit x is widened to fp32
// (exactly) before the quantizer, a 16-bit y rounded to nearest even from the fp32 result, so
// results are bitwise those of an fp32 run on the widened x; workspace of run_workspace_bytes(L, m) bytes.
void run(const IntxLayout& L, const uint8_t* payload, int64_t m, const void* x, int32_t x_type, void* y,
         int32_t y_type, void* workspace);

// Sets the outputs of rows whose input holds NaN or ±inf to NaN (torchao's result for them).
void propagate_non_finite_rows(const IntxLayout& L, int64_t m, const float* x, float* y);

#if defined(__x86_64__) || defined(_M_X64)
void quantize_rows_avx2(const IntxLayout& L, const float* x, int64_t m0, int64_t m1, const Act& a);
void tile_avx2(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y);
void quantize_rows_avx512vnni(const IntxLayout& L, const float* x, int64_t m0, int64_t m1, const Act& a);
void tile_avx512vnni(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
                     float* y);
// One row x blocks [b0, b0+nb) of 1..7-bit weights, GFNI unpacking (the CPU must
// have GFNI): what tile_avx512vnni runs for mr = 1 there.
void gemv_avx512gfni(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int64_t b0, int nb,
                     float* y);
#endif

}  // namespace jao::kernels::intx
