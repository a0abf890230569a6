// ATen's reference _dyn_quant_matmul_4bit; see aten_dyn_quant_ref.h. NaN / inf activations
// make ATen's float -> int conversions undefined in C++; they are computed here as torch's
// x86 build computes them (cvt(t)ss2si), so that every host gives the x86 result without UB.
#include "kernels/ref/aten_dyn_quant_ref.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <vector>

namespace jao::kernels::aten {
namespace {

constexpr float kQmin = -128.0f, kQmax = 127.0f;

// (int32_t) of a float as x86 converts it: NaN and values outside int32 give INT32_MIN.
int32_t to_int32_x86(float v) {
    if (!(v >= -2147483648.0f && v < 2147483648.0f)) return INT32_MIN;
    return static_cast<int32_t>(v);
}

// int32_t(lrintf(v)) for a zero point in [-128, 127] or NaN: x86's lrintf gives the
// 64-bit "indefinite" value for NaN, whose low 32 bits are 0.
int32_t zero_point_x86(float zp) { return std::isnan(zp) ? 0 : static_cast<int32_t>(std::lrintf(zp)); }

// a + b wrapping as the x86 instruction does (ATen's int32 addition when a is INT32_MIN).
int32_t add_wrapping(int32_t a, int32_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

// The 4-bit weight at column c of a row of nibble bytes.
int32_t weight_at(const uint8_t* row, int64_t c) {
    const uint8_t b = row[c / 2];
    return static_cast<int32_t>(c % 2 == 0 ? (b & 15) : (b >> 4)) - 8;
}

// sum over [c0, c1) of (q - zero point) * w: exact in int32 for k <= 65536.
int32_t block_dot(const int8_t* q, int32_t neg_zero_point, const uint8_t* w_row, int64_t c0, int64_t c1) {
    int32_t acc = 0;
    for (int64_t c = c0; c < c1; ++c) acc += (q[c] + neg_zero_point) * weight_at(w_row, c);
    return acc;
}

// One output: the f32 steps of ATen's channelwise and groupwise kernels. The channelwise one
// starts from the single product, the groupwise one from 0.0f (which turns a -0 into +0).
float output(const int8_t* q, const RowQuant& rq, const uint8_t* w_row, const float* scales, int64_t k,
             int64_t block_size) {
    float acc;
    if (block_size == k) {
        acc = static_cast<float>(block_dot(q, rq.neg_zero_point, w_row, 0, k)) * scales[0];
    } else {
        acc = 0.0f;
        for (int64_t b = 0; b < k / block_size; ++b)
            acc += static_cast<float>(block_dot(q, rq.neg_zero_point, w_row, b * block_size, (b + 1) * block_size)) *
                   scales[b];
    }
    return acc * rq.inv_scale;
}

}  // namespace

RowQuant quantize_row(const float* x, int64_t k, bool channelwise, int8_t* q) {
    // std::max / std::min with ATen's argument order: a NaN survives only as the last value.
    float mx = -FLT_MAX, mn = FLT_MAX;
    for (int64_t c = 0; c < k; ++c) {
        mx = std::max(x[c], mx);
        mn = std::min(x[c], mn);
    }
    const float rmin = std::min(0.0f, mn), rmax = std::max(0.0f, mx);
    const float scale = rmin == rmax ? 1.0f : (kQmax - kQmin) / (rmax - rmin);
    const float inv_scale = scale != 0.0f ? 1.0f / scale : 0.0f;
    const float dmin = rmin * scale, dmax = rmax * scale;
    const bool from_min = channelwise ? (kQmin + dmin) + (kQmax + dmax) > 0.0f : kQmin + dmin + kQmax + dmax > 0.0f;
    float zp = from_min ? kQmin - dmin : kQmax - dmax;
    zp = std::min(std::max(zp, kQmin), kQmax);
    const int32_t nudged = zero_point_x86(zp);
    for (int64_t c = 0; c < k; ++c) {
        const int32_t v = add_wrapping(to_int32_x86(std::round(x[c] * scale)), nudged);
        q[c] = static_cast<int8_t>(std::clamp(v, int32_t{-128}, int32_t{127}));
    }
    return RowQuant{inv_scale, -nudged};
}

void dyn_quant_matmul_4bit(int64_t m, int64_t n, int64_t k, int64_t block_size, const float* x, const Weights& w,
                           float* y) {
    const int64_t blocks = k / block_size;
    std::vector<int8_t> q(static_cast<size_t>(k));
    for (int64_t i = 0; i < m; ++i) {
        const RowQuant rq = quantize_row(x + i * k, k, block_size == k, q.data());
        for (int64_t j = 0; j < n; ++j) {
            float v = output(q.data(), rq, w.nibbles + j * (k / 2), w.scales + j * blocks, k, block_size);
            if (w.bias) v += w.bias[j];
            y[i * n + j] = std::min(std::max(v, -FLT_MAX), FLT_MAX);
        }
    }
}

}  // namespace jao::kernels::aten
