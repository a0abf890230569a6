// Scalar tier and plain-tensor reference of the int8 x int8 linear
// (contract: int8_kernels.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/ref/int8_kernels.h"
#include "pack/int8_format.h"

namespace jao::kernels::int8 {
namespace {

constexpr float kEps = 1.1920928955078125e-07f;  // torch.finfo(torch.float32).eps (Int8Tensor's eps)

bool non_finite(float v) {
    uint32_t b;
    std::memcpy(&b, &v, 4);
    return (b & 0x7f800000u) == 0x7f800000u;
}

}  // namespace

void act_qparams(float mn, float mx, const ActQuant& q, float* scale, float* inv, float* zp) {
    // A bf16 model: torchao's choose_qparams_affine runs in bf16, each op rounded
    // (eps = 2^-23 is a bf16 value, so the clamp keeps s a bf16 value).
    const auto model = [&](float v) { return act_value(v, q); };
    const float lo = std::min(model(mn), 0.0f), hi = std::max(model(mx), 0.0f);
    if (!std::isfinite(lo) || !std::isfinite(hi)) {  // only a bf16 model's rounding gets here with a good row
        *scale = *inv = std::numeric_limits<float>::quiet_NaN();
        *zp = 0.0f;
        return;
    }
    const float qmin = static_cast<float>(q.qmin), qmax = static_cast<float>(q.qmax);
    float s, z = 0.0f;
    if (q.asymmetric) {
        s = std::max(model(model(hi - lo) / (qmax - qmin)), kEps);
        z = model(qmin - std::nearbyint(model(lo / s)));  // true division (torchao's zero point)
        z = std::min(std::max(z, qmin), qmax);
    } else {
        const float amax = std::max(-lo, hi);
        s = std::max(model(amax / ((qmax - qmin) / 2.0f)), kEps);
    }
    *scale = s;
    *inv = 1.0f / s;
    *zp = z;
}

void row_stats_ref(const float* x, int64_t k, int64_t r0, int64_t r1, const Act& a) {
    for (int64_t r = r0; r < r1; ++r) {
        const float* row = x + r * k;
        float mn = row[0], mx = row[0];
        int32_t bad = 0;
        for (int64_t i = 0; i < k; ++i) {
            mn = std::min(mn, row[i]);
            mx = std::max(mx, row[i]);
            bad |= non_finite(row[i]);
        }
        a.mn[r] = mn;
        a.mx[r] = mx;
        a.bad[r] = bad;
    }
}

void quantize_ref(const float* x, int64_t k, int64_t r0, int64_t r1, const ActQuant& s, const Act& a) {
    for (int64_t r = r0; r < r1; ++r) {
        int8_t* q = a.q + r * a.stride;
        int32_t sum = 0;
        if (!a.bad[r])
            for (int64_t i = 0; i < k; ++i) {
                q[i] = quantize_one(act_value(x[r * k + i], s), a.inv[r], a.zp[r], s.qmin, s.qmax);
                sum += q[i];
            }
        else
            std::memset(q, 0, static_cast<size_t>(k));
        std::memset(q + k, 0, static_cast<size_t>(a.stride - k));
        a.asum[r] = sum;
    }
}

void epilogue_ref(const Epilogue& e, const Act& a, int64_t r0, int64_t r1, float* y) {
    for (int64_t r = r0; r < r1; ++r)
        for (int64_t col = 0; col < e.n; ++col) {
            float* out = y + r * e.n + col;
            int32_t c;
            std::memcpy(&c, out, 4);
            *out = epilogue_one(c, a.scale[r], a.corr[r], e, col);
        }
}

void tile_ref(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
              float* y) {
    const int64_t steps = kpad / 4, block_bytes = pack::int8_block_bytes(kpad);
    for (int r = 0; r < mr; ++r) {
        const int8_t* q = a.q + (m0 + r) * a.stride;
        for (int64_t b = b0; b < b0 + nb; ++b)
            for (int c = 0; c < 16 && b * 16 + c < e.n; ++c) {
                uint32_t acc = 0;  // wraps like vpdpbusd; the true c fits int32
                for (int64_t j = 0; j < steps; ++j) {
                    const uint8_t* v = w + b * block_bytes + j * 64 + 4 * c;
                    for (int t = 0; t < 4; ++t)
                        acc += static_cast<uint32_t>(static_cast<int32_t>(v[t]) * q[4 * j + t]);
                }
                acc -= 128u * static_cast<uint32_t>(a.asum[m0 + r]);
                const int64_t col = b * 16 + c;
                y[(m0 + r) * e.n + col] =
                    epilogue_one(static_cast<int32_t>(acc), a.scale[m0 + r], a.corr[m0 + r], e, col);
            }
    }
}

void linear_plain_ref(int64_t n, int64_t k, const ActQuant& aq, const int8_t* qdata, const float* w_scale,
                      const float* bias, int64_t m, const float* x, float* y, int8_t* q_out, float* scale_out,
                      int8_t* zp_out) {
    std::vector<float> s(m), inv(m), zp(m);
    std::vector<int> bad(m);
    float tmn = std::numeric_limits<float>::infinity(), tmx = -tmn;
    bool tbad = false;
    for (int64_t r = 0; r < m; ++r) {
        float mn = x[r * k], mx = x[r * k];
        for (int64_t i = 0; i < k; ++i) {
            mn = std::min(mn, x[r * k + i]);
            mx = std::max(mx, x[r * k + i]);
            bad[r] |= !std::isfinite(x[r * k + i]);
        }
        act_qparams(mn, mx, aq, &s[r], &inv[r], &zp[r]);
        tmn = std::min(tmn, mn);
        tmx = std::max(tmx, mx);
        tbad |= bad[r] != 0;
    }
    if (aq.per_tensor) {
        float ts, ti, tz;
        act_qparams(tmn, tmx, aq, &ts, &ti, &tz);
        std::fill(s.begin(), s.end(), ts);
        std::fill(inv.begin(), inv.end(), ti);
        std::fill(zp.begin(), zp.end(), tz);
        std::fill(bad.begin(), bad.end(), tbad);
    }
    std::vector<float> rowsum(n);
    for (int64_t c = 0; c < n; ++c) {
        int64_t sum = 0;
        for (int64_t i = 0; i < k; ++i) sum += qdata[c * k + i];
        rowsum[c] = static_cast<float>(sum);
    }
    Epilogue e{n, w_scale, bias, aq.asymmetric ? rowsum.data() : nullptr, aq.bf16};
    std::vector<int8_t> q(k);
    for (int64_t r = 0; r < m; ++r) {
        for (int64_t i = 0; i < k; ++i)
            q[i] = bad[r] ? 0 : quantize_one(act_value(x[r * k + i], aq), inv[r], zp[r], aq.qmin, aq.qmax);
        if (q_out) std::copy(q.begin(), q.end(), q_out + r * k);
        const float sr = bad[r] ? std::numeric_limits<float>::quiet_NaN() : s[r];
        if (scale_out && (!aq.per_tensor || r == 0)) scale_out[r] = s[r];
        if (zp_out && (!aq.per_tensor || r == 0)) zp_out[r] = static_cast<int8_t>(zp[r]);
        const float corr = zp[r] * sr;
        for (int64_t c = 0; c < n; ++c) {
            int64_t acc = 0;
            for (int64_t i = 0; i < k; ++i) acc += int64_t{q[i]} * qdata[c * k + i];
            y[r * n + c] = epilogue_one(static_cast<int32_t>(acc), sr, corr, e, c);
        }
    }
}

}  // namespace jao::kernels::int8
