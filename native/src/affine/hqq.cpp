// HQQ scale-only (torchao _choose_qparams_and_quantize_scale_only_hqq): iterative
// least-squares refinement of symmetric per-group scales, in float32.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "affine/affine_rows.h"
#include "affine/float_formats.h"

namespace jao::affine {

void hqq_scale_only(const jao_affine_params& p, const void* x, float* scales, int8_t* q) {
    constexpr int kIters = 20;
    constexpr float kTol = 1e-5f, kEps = FLT_EPSILON;
    const int64_t groups = p.rows * (p.cols / p.group_size), g = p.group_size;
    const float qmin = static_cast<float>(p.quant_min), qmax = static_cast<float>(p.quant_max);
    const float qabs = static_cast<float>(std::max(std::abs(p.quant_min), std::abs(p.quant_max)));
    std::vector<float> w(static_cast<size_t>(p.rows * p.cols));
    for (size_t i = 0; i < w.size(); ++i) w[i] = load_as_float(p.input_type, x, static_cast<int64_t>(i));
    auto quant = [&](float v, float s) { return std::clamp(round_half_even(v / s), qmin, qmax); };

    std::vector<float> scale(static_cast<size_t>(groups)), prev(static_cast<size_t>(groups));
    for (int64_t b = 0; b < groups; ++b) {
        float amax = 0;
        for (int64_t i = 0; i < g; ++i) amax = std::max(amax, std::abs(w[b * g + i]));
        scale[b] = std::max(amax / (qabs == 0 ? 1.0f : qabs), kEps);
    }
    prev = scale;
    for (int it = 0; it < kIters; ++it) {
        float rel = 0;
        for (int64_t b = 0; b < groups; ++b) {
            double num = 0, den = 0;
            for (int64_t i = 0; i < g; ++i) {
                float v = w[b * g + i], qv = quant(v, scale[b]);
                num += static_cast<double>(v) * qv;
                den += static_cast<double>(qv) * qv;
            }
            float s = den > 0 ? static_cast<float>(static_cast<float>(num) / static_cast<float>(den)) : prev[b];
            scale[b] = std::abs(std::max(s, kEps));
            rel = std::max(rel, std::abs(scale[b] - prev[b]) / std::max(prev[b], kEps));
        }
        if (rel < kTol) break;
        prev = scale;
    }
    for (int64_t b = 0; b < groups; ++b) {
        // One byte per value: int8 for signed ranges, uint8 bits for unsigned ones, and NaN
        // (a NaN input or scale) gives 0 clamped into the range, as jao_affine_quantize does.
        // Converting float 128..255 or NaN straight to int8 is undefined behavior (found by
        // fuzz_affine; regression test FuzzRegression.HqqUnsignedRangeAndNaN).
        for (int64_t i = 0; i < g; ++i) {
            const float v = quant(w[b * g + i], scale[b]);
            q[b * g + i] = static_cast<int8_t>(static_cast<int32_t>(std::isnan(v) ? std::clamp(0.0f, qmin, qmax) : v));
        }
        scales[b] = round_to(p.scale_type, scale[b]);
    }
}

}  // namespace jao::affine
