#include "affine/affine_rows.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "abi/guard.h"
#include "affine/float_formats.h"

namespace jao::affine {
namespace {

bool is_float_type(int32_t t) { return t == JAO_F32 || t == JAO_BF16 || t == JAO_F16; }

// max(s, eps) that keeps NaN (np.maximum semantics).
float clamp_min_keep_nan(float s, float eps) { return std::isnan(s) ? s : std::max(s, eps); }

// The integer stored for q: signed ranges as int8, unsigned as uint8 bits.
int32_t load_q(const int8_t* q, int64_t i, bool is_unsigned) {
    return is_unsigned ? static_cast<int32_t>(static_cast<uint8_t>(q[i])) : q[i];
}

// torch's zero_point.to(torch.int32) on x86 (cvttss2si): truncation, and INT32_MIN for
// NaN and values outside int32. A plain static_cast is undefined behavior there (found
// by fuzz_affine; regression test FuzzRegression.DequantizeWildZeroPoints).
int32_t zero_point_to_int32(float zp) {
    return zp >= -2147483648.0f && zp < 2147483648.0f ? static_cast<int32_t>(zp) : std::numeric_limits<int32_t>::min();
}

struct Group {
    const jao_affine_params& p;
    int64_t row, group;
    int64_t begin() const { return row * p.cols + group * p.group_size; }
    int64_t index() const { return row * (p.cols / p.group_size) + group; }
};

template <class Fn>
void for_each_group(const jao_affine_params& p, Fn&& fn) {
    int64_t groups = p.cols / p.group_size;
    for (int64_t r = 0; r < p.rows; ++r)
        for (int64_t g = 0; g < groups; ++g) fn(Group{p, r, g});
}

}  // namespace

void validate(const jao_affine_params& p, const char* fn) {
    require(p.rows >= 1 && p.cols >= 1, fn, "rows and cols must be >= 1");
    require(p.rows <= std::numeric_limits<int64_t>::max() / p.cols, fn, "rows * cols overflows");
    require(p.group_size >= 1 && p.cols % p.group_size == 0, fn,
            [&] {
                return "group_size " + std::to_string(p.group_size) + " must divide cols " + std::to_string(p.cols);
            });
    require(is_float_type(p.input_type) && is_float_type(p.scale_type), fn, "unknown float type");
    require(p.mapping >= JAO_MAPPING_SYMMETRIC && p.mapping <= JAO_MAPPING_ASYMMETRIC, fn, "unknown mapping type");
    require(p.quant_min >= -128 && p.quant_max <= 255 && p.quant_min < p.quant_max &&
                (p.quant_min >= 0 || p.quant_max <= 127),
            fn, "quant_min/quant_max must be an int8 or uint8 sub-range with quant_min < quant_max");
    require(std::isfinite(p.eps) && p.eps >= 0, fn, "eps must be finite and >= 0");
    require(p.zero_point_domain >= JAO_ZP_INT && p.zero_point_domain <= JAO_ZP_NONE, fn, "unknown zero-point domain");
    require(p.zero_point_domain != JAO_ZP_FLOAT || p.mapping == JAO_MAPPING_ASYMMETRIC, fn,
            "the FLOAT zero-point domain needs ASYMMETRIC mapping");
}

void choose_qparams(const jao_affine_params& p, const void* x, float* scales, float* zero_points) {
    const int32_t D = p.input_type;
    auto R = [D](float v) { return round_to(D, v); };
    const float qmin = static_cast<float>(p.quant_min), qmax = static_cast<float>(p.quant_max);
    const int32_t mid_zp = static_cast<int32_t>((p.quant_max + p.quant_min + 1) / 2.0);  // Python int(): truncation
    const float mid = static_cast<float>((p.quant_max + p.quant_min + 1) / 2.0);        // FLOAT domain midpoint
    const bool float_domain = p.zero_point_domain == JAO_ZP_FLOAT;
    for_each_group(p, [&](const Group& g) {
        float mn = std::numeric_limits<float>::infinity(), mx = -mn;
        for (int64_t i = g.begin(), e = i + p.group_size; i < e; ++i) {
            float v = load_as_float(D, x, i);
            mn = std::min(mn, v);
            mx = std::max(mx, v);
        }
        bool widen = p.preserve_zero && !float_domain;  // tinygemm keeps the raw [min, max]
        float lo = widen ? std::min(mn, 0.0f) : mn;
        float hi = widen ? std::max(mx, 0.0f) : mx;
        float s;
        float zp = static_cast<float>(mid_zp);
        if (p.mapping == JAO_MAPPING_SYMMETRIC) {
            float amax = std::max(-lo, hi);
            s = R(amax / static_cast<float>((p.quant_max - p.quant_min) / 2.0));
            s = R(std::max(s, p.eps));
        } else if (p.mapping == JAO_MAPPING_SYMMETRIC_NO_CLIPPING_ERR) {
            float smin = R(lo / qmin), smax = R(hi / qmax);
            s = smin > smax ? smin : smax;
            s = R(clamp_min_keep_nan(s, p.eps));
        } else if (float_domain) {
            s = R(R(hi - lo) / (qmax - qmin));
            s = R(std::max(s, p.eps));
            zp = R(lo + R(s * mid));
        } else {
            s = R(R(hi - lo) / (qmax - qmin));
            s = R(clamp_min_keep_nan(s, p.eps));
            zp = R(qmin - round_half_even(R(lo / s)));
            zp = std::clamp(zp, qmin, qmax);
        }
        scales[g.index()] = round_to(p.scale_type, s);
        if (zero_points) zero_points[g.index()] = zp;
    });
}

void quantize(const jao_affine_params& p, const void* x, const float* scales, const float* zero_points, int8_t* q) {
    const int32_t Dm = promote(p.input_type, p.scale_type);
    const float qmin = static_cast<float>(p.quant_min), qmax = static_cast<float>(p.quant_max);
    if (p.zero_point_domain == JAO_ZP_FLOAT) {
        // tinygemm: min_val = zp - s * mid in promote(zp, scale) dtype (zp is in the input dtype), then
        // q = round((x - min_val) / s) computed in promote(x, that) dtype, true division
        const float mid = static_cast<float>((p.quant_max + p.quant_min + 1) / 2.0);
        const int32_t Dq = promote(p.input_type, p.scale_type), Dx = promote(p.input_type, Dq);
        for_each_group(p, [&](const Group& g) {
            float s = scales[g.index()];
            float min_val = round_to(Dq, zero_points[g.index()] - round_to(p.scale_type, s * mid));
            for (int64_t i = g.begin(), e = i + p.group_size; i < e; ++i) {
                float v = round_to(Dx, round_to(Dx, load_as_float(p.input_type, x, i) - min_val) / s);
                v = round_half_even(v);
                v = std::isnan(v) ? std::clamp(0.0f, qmin, qmax) : std::clamp(v, qmin, qmax);
                q[i] = static_cast<int8_t>(static_cast<int32_t>(v));
            }
        });
        return;
    }
    if (p.zero_point_domain == JAO_ZP_NONE) zero_points = nullptr;
    for_each_group(p, [&](const Group& g) {
        float recip = round_to(p.scale_type, 1.0f / scales[g.index()]);
        float zp = zero_points ? zero_points[g.index()] : 0.0f;
        for (int64_t i = g.begin(), e = i + p.group_size; i < e; ++i) {
            float v = round_half_even(round_to(Dm, load_as_float(p.input_type, x, i) * recip));
            if (zero_points) v = round_to(Dm, v + zp);
            v = std::isnan(v) ? std::clamp(0.0f, qmin, qmax) : std::clamp(v, qmin, qmax);
            q[i] = static_cast<int8_t>(static_cast<int32_t>(v));  // uint8 ranges keep their bits
        }
    });
}

void dequantize(const jao_affine_params& p, const int8_t* q, const float* scales, const float* zero_points,
                int32_t out, void* y) {
    const bool is_unsigned = p.quant_min >= 0;
    const int32_t Dp = promote(out, p.scale_type);
    if (p.zero_point_domain == JAO_ZP_FLOAT) {  // (q - mid) * scale + zero, each step in the output dtype
        const float mid = static_cast<float>((p.quant_max + p.quant_min + 1) / 2.0);
        for_each_group(p, [&](const Group& g) {
            float s = scales[g.index()], zp = zero_points[g.index()];
            for (int64_t i = g.begin(), e = i + p.group_size; i < e; ++i) {
                float d = round_to(out, static_cast<float>(load_q(q, i, is_unsigned)) - mid);
                d = round_to(out, d * s);
                store_from_float(out, y, i, round_to(out, d + zp));
            }
        });
        return;
    }
    if (p.zero_point_domain == JAO_ZP_NONE) zero_points = nullptr;
    for_each_group(p, [&](const Group& g) {
        float s = scales[g.index()];
        int64_t zp = zero_points ? zero_point_to_int32(zero_points[g.index()]) : 0;
        for (int64_t i = g.begin(), e = i + p.group_size; i < e; ++i) {
            float d = round_to(out, static_cast<float>(load_q(q, i, is_unsigned) - zp));  // int64: no overflow
            store_from_float(out, y, i, round_to(out, round_to(Dp, d * s)));
        }
    });
}

void fake_quantize_backward(const jao_affine_params& p, const void* x, const float* scales, const float* zero_points,
                            const float* grad_y, void* grad_x) {
    const int32_t Dm = promote(p.input_type, p.scale_type);
    const float qmin = static_cast<float>(p.quant_min), qmax = static_cast<float>(p.quant_max);
    if (p.zero_point_domain == JAO_ZP_NONE) zero_points = nullptr;
    for_each_group(p, [&](const Group& g) {
        float s = scales[g.index()];
        float recip = round_to(p.scale_type, 1.0f / s);
        float zp = zero_points ? zero_points[g.index()] : 0.0f;
        for (int64_t i = g.begin(), e = i + p.group_size; i < e; ++i) {
            float v = round_half_even(round_to(Dm, load_as_float(p.input_type, x, i) * recip));
            if (zero_points) v = round_to(Dm, v + zp);
            bool passes = v >= qmin && v <= qmax;  // clamp's backward mask (NaN fails it)
            float gx = passes ? round_to(p.input_type, round_to(p.input_type, grad_y[i] * s) * recip) : 0.0f;
            store_from_float(p.input_type, grad_x, i, gx);
        }
    });
}

}  // namespace jao::affine
