// LHS qai8dxp: kai_lhs_quant_pack_qai8dxp_f32. Each row is quantized on its own to
// asymmetric int8 with KleidiAI's f32 arithmetic (every step below is one f32 operation;
// the zero point rounds half to even, the values half away from zero), then packed in
// panels of mr rows: mr*k32 int8 values (chunks of kl = kr/sr, row after row), mr int32
// -zero_point, mr f32 1/scale. Columns k..k32-1 repeat the value of column k-1.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kleidiai/kai_layout.h"
#include "kleidiai/kai_packers.h"

namespace jao::kai {
namespace {

Panels panels(const LhsShape& s) { return {s.m, s.mr, s.mr * (round_up(s.k, 32) + 8)}; }

}  // namespace

RowQuant choose_row_quant(const float* x, int64_t k) {
    float rmin = 0.0f, rmax = 0.0f;  // the range always includes 0
    for (int64_t i = 0; i < k; ++i) {
        rmin = std::fmin(rmin, x[i]);
        rmax = std::fmax(rmax, x[i]);
    }
    const float scale = rmin == rmax ? 1.0f : 255.0f / (rmax - rmin);
    const float inv_scale = 1.0f / scale;
    const float dmin = rmin * scale;
    const float dmax = rmax * scale;
    const float err_min = -128.0f + dmin;
    const float err_max = 127.0f + dmax;
    float zp = err_min + err_max > 0.0f ? -128.0f - dmin : 127.0f - dmax;
    zp = std::fmax(-128.0f, std::fmin(zp, 127.0f));  // NaN (inf input) becomes -128
    return {scale, inv_scale, static_cast<int32_t>(std::nearbyint(zp))};
}

int8_t quantize_value(float x, const RowQuant& rq) {
    float v = std::round(x * rq.scale);  // half away from zero (vcvtaq on NEON)
    if (std::isnan(v)) v = 0.0f;          // NEON converts NaN to 0
    v = std::fmax(-512.0f, std::fmin(v, 512.0f));
    const int32_t q = static_cast<int32_t>(v) + rq.zero_point;
    return static_cast<int8_t>(std::clamp(q, -128, 127));
}

void validate(const LhsShape& s, const char* fn) {
    require_dim(s.m, "m", fn);
    require_dim(s.k, "k", fn);
    require(s.mr >= 1 && s.mr <= 256, fn, [&] { return "mr must be in [1, 256], got " + std::to_string(s.mr); });
    require(one_of(s.kr, {4, 8, 16}) && one_of(s.sr, {1, 2}), fn,
            [&] {
                return "(kr, sr) must be (4|8|16, 1|2), got (" + std::to_string(s.kr) + ", " + std::to_string(s.sr) +
                       ")";
            });
}

int64_t packed_size(const LhsShape& s, const char* fn) {
    validate(s, fn);
    return panels(s).size(fn);
}

void pack(const LhsShape& s, const float* x, int64_t x_row_stride, uint8_t* dst) {
    const Panels pn = panels(s);
    const int64_t k32 = round_up(s.k, 32), kl = s.kr / s.sr;
    std::vector<int8_t> q(static_cast<size_t>(k32));
    for (int64_t row = 0; row < s.m; ++row) {
        const float* xr = x + row * x_row_stride;
        const RowQuant rq = choose_row_quant(xr, s.k);
        for (int64_t c = 0; c < s.k; ++c) q[c] = quantize_value(xr[c], rq);
        std::fill(q.begin() + s.k, q.end(), q[s.k - 1]);
        uint8_t* panel = dst + (row / s.mr) * pn.stride;
        const int64_t r = row % s.mr;
        for (int64_t c = 0; c < k32; ++c) panel[byte_interleave(c, r, s.mr, kl)] = static_cast<uint8_t>(q[c]);
        store<int32_t>(panel + s.mr * k32 + 4 * r, -rq.zero_point);
        store<float>(panel + s.mr * k32 + 4 * s.mr + 4 * r, rq.inv_scale);
    }
    // Rows m..roundup(m, mr)-1, never written by KleidiAI: zeros, so the bytes are defined.
    for (int64_t row = s.m; row < pn.count() * s.mr; ++row) {
        uint8_t* panel = dst + (row / s.mr) * pn.stride;
        const int64_t r = row % s.mr;
        for (int64_t c = 0; c < k32; ++c) panel[byte_interleave(c, r, s.mr, kl)] = 0;
        std::memset(panel + s.mr * k32 + 4 * r, 0, 4);
        std::memset(panel + s.mr * k32 + 4 * s.mr + 4 * r, 0, 4);
    }
}

void unpack(const LhsShape& s, const uint8_t* src, int8_t* q, int32_t* neg_zero_point, float* inv_scale) {
    const Panels pn = panels(s);
    const int64_t k32 = round_up(s.k, 32), kl = s.kr / s.sr;
    for (int64_t row = 0; row < s.m; ++row) {
        const uint8_t* panel = src + (row / s.mr) * pn.stride;
        const int64_t r = row % s.mr;
        if (q)
            for (int64_t c = 0; c < s.k; ++c) q[row * s.k + c] = static_cast<int8_t>(panel[byte_interleave(c, r, s.mr, kl)]);
        if (neg_zero_point) neg_zero_point[row] = load<int32_t>(panel + s.mr * k32 + 4 * r);
        if (inv_scale) inv_scale[row] = load<float>(panel + s.mr * k32 + 4 * s.mr + 4 * r);
    }
}

}  // namespace jao::kai
