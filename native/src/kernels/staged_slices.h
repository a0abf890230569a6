// Typed runs (bf16 / fp16 activations or outputs) of the fp32 linear drivers
// (intx, int8): 16-bit rows run in slices of at most kStagedRows rows through
// fp32 staging placed after the driver's own workspace (x [rows, k] widened
// exactly, y [rows, n] before rounding to nearest even), so the staging stays a
// few MiB at any M. A row's result does not depend on the rows it shares a call
// with (every tile shape and M split gives the same bits), and the GEMMs
// re-stream the weights per activation panel of about this many rows anyway.
#pragma once

#include <algorithm>
#include <cstdint>

#include "affine/float_formats.h"
#include "core/parallel.h"
#include "jao/jao_affine.h"

namespace jao::kernels {

constexpr int64_t kStagedRows = 64;

inline int64_t element_bytes(int32_t type) { return type == JAO_F32 ? 4 : 2; }

// Bytes of staging a typed run of m rows adds to a driver workspace (64 of alignment slack).
inline int64_t staging_bytes(int64_t m, int64_t k, int64_t n) { return 64 + 4 * std::min(m, kStagedRows) * (k + n); }

// The fp32 staging of a slice: xs [kStagedRows, k] then ys [kStagedRows, n], 64-byte
// aligned after the first `used` bytes of the workspace.
struct Staging {
    float* xs;
    float* ys;
};
inline Staging staging_of(void* workspace, int64_t used, int64_t m, int64_t k) {
    const auto end = reinterpret_cast<uintptr_t>(workspace) + static_cast<uintptr_t>(used);
    auto* xs = reinterpret_cast<float*>((end + 63) & ~uintptr_t{63});
    return {xs, xs + std::min(m, kStagedRows) * k};
}

// Converts count elements between fp32 and a 16-bit type on up to max_threads
// threads. Conversion is per element, so any split gives the same bits; below
// ~16K elements per thread (a few us) a parallel region costs more than it saves.
template <bool kWiden>
void convert_parallel(int64_t count, int32_t type, const void* src, void* dst, int max_threads) {
    constexpr int64_t kMinPerThread = int64_t{1} << 14;
    const int nt = static_cast<int>(std::clamp<int64_t>(count / kMinPerThread, 1, max_threads));
    core::run_on_threads(nt, [&](int t, int n_t) {
        const int64_t i0 = count * t / n_t, i1 = count * (t + 1) / n_t;
        if constexpr (kWiden)
            affine::widen_to_float(type, static_cast<const uint16_t*>(src) + i0, static_cast<float*>(dst) + i0, i1 - i0);
        else
            affine::narrow_from_float(type, static_cast<const float*>(src) + i0, static_cast<uint16_t*>(dst) + i0,
                                      i1 - i0);
    });
}

// Runs the m rows of a typed call slice by slice: run_slice(x_rows, rows, y_f32) gets
// the slice's activations as given (x_type; widening them is its job, so a driver can
// fuse it into its own parallel region) and the fp32 rows to write, y itself when y
// is fp32, else ys, which is then rounded into y.
template <class RunSlice>
void run_staged_slices(int64_t m, int64_t k, int64_t n, const void* x, int32_t x_type, void* y, int32_t y_type,
                       float* ys, int threads, RunSlice&& run_slice) {
    for (int64_t r0 = 0; r0 < m; r0 += kStagedRows) {
        const int64_t rows = std::min(kStagedRows, m - r0);
        const void* xr = static_cast<const uint8_t*>(x) + r0 * k * element_bytes(x_type);
        void* yr = static_cast<uint8_t*>(y) + r0 * n * element_bytes(y_type);
        float* yf = y_type == JAO_F32 ? static_cast<float*>(yr) : ys;
        run_slice(xr, rows, yf);
        if (y_type != JAO_F32) convert_parallel<false>(rows * n, y_type, yf, yr, threads);
    }
}

}  // namespace jao::kernels
