// NEON activation quantization of the intx linear (torchao per-token
// ASYMMETRIC int8), used by every Arm tier. Bit-identical to
// quantize_rows_ref: min / max are exact in any order, act_qparams is the
// reference's own, and per value the same IEEE steps run in the same order
// (x * inv, round half to even, + zp, clamp) - frintn is nearbyint under the
// default rounding mode.
#include <arm_neon.h>

#include <algorithm>
#include <cstring>

#include "kernels/arm/intx_arm.h"

namespace jao::kernels::intx {
namespace {

struct Quantizer {
    float32x4_t inv, zp, lo = vdupq_n_f32(-128.0f), hi = vdupq_n_f32(127.0f);

    // q of 4 values, as int32.
    int32x4_t q4(const float* x) const {
        float32x4_t t = vrndnq_f32(vmulq_f32(vld1q_f32(x), inv));
        t = vminq_f32(vmaxq_f32(vaddq_f32(t, zp), lo), hi);
        return vcvtq_s32_f32(t);  // already integral
    }

    // u = q + 128 of 16 values; adds their q to sum (lanes >= valid excluded).
    uint8x16_t u16(const float* x, int valid, int32x4_t& sum) const {
        int32x4_t q[4];
        for (int i = 0; i < 4; ++i) {
            q[i] = q4(x + 4 * i);
            const int32_t idx[4] = {4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3};
            const uint32x4_t keep = vcltq_s32(vld1q_s32(idx), vdupq_n_s32(valid));
            sum = vaddq_s32(sum, vandq_s32(q[i], vreinterpretq_s32_u32(keep)));
        }
        const int8x16_t b = vcombine_s8(vmovn_s16(vcombine_s16(vmovn_s32(q[0]), vmovn_s32(q[1]))),
                                        vmovn_s16(vcombine_s16(vmovn_s32(q[2]), vmovn_s32(q[3]))));
        return veorq_u8(vreinterpretq_u8_s8(b), vdupq_n_u8(0x80));
    }
};

void min_max(const float* x, int64_t k, float* mn, float* mx) {
    float32x4_t vmn = vdupq_n_f32(x[0]), vmx = vmn;
    int64_t i = 0;
    for (; i + 4 <= k; i += 4) {
        const float32x4_t v = vld1q_f32(x + i);
        vmn = vminq_f32(vmn, v);
        vmx = vmaxq_f32(vmx, v);
    }
    float lo = vminvq_f32(vmn), hi = vmaxvq_f32(vmx);
    for (; i < k; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
    }
    *mn = lo;
    *mx = hi;
}

}  // namespace

void quantize_rows_neon(const IntxLayout& L, const float* x, int64_t m0, int64_t m1, const Act& a) {
    for (int64_t m = m0; m < m1; ++m) {
        const float* xr = x + m * L.k;
        uint8_t* qr = a.q + m * L.kpad;
        float* info = a.info + m * a.info_stride;
        float mn, mx;
        min_max(xr, L.k, &mn, &mx);
        const auto [inv, zp] = set_row_qparams(info, mn, mx);
        const Quantizer qz{vdupq_n_f32(inv), vdupq_n_f32(zp)};
        for (int64_t g = 0; g < L.groups; ++g) {
            const float* xg = xr + g * L.group_size;
            uint8_t* qg = qr + g * L.gpad;
            int32x4_t sum = vdupq_n_s32(0);
            int64_t j = 0;
            for (; j + 16 <= L.group_size; j += 16) vst1q_u8(qg + j, qz.u16(xg + j, 16, sum));
            if (j < L.group_size) {  // tail through a zero-padded copy (never reads past the row)
                const int left = static_cast<int>(L.group_size - j);
                float buf[16] = {};
                uint8_t out[16];
                std::memcpy(buf, xg + j, sizeof(float) * static_cast<size_t>(left));
                vst1q_u8(out, qz.u16(buf, left, sum));
                std::memcpy(qg + j, out, static_cast<size_t>(left));
            }
            if (L.gpad > L.group_size) std::memset(qg + L.group_size, 0, static_cast<size_t>(L.gpad - L.group_size));
            set_info_int(info, kInfoA + g,
                         vaddvq_s32(sum) - static_cast<int32_t>(zp) * static_cast<int32_t>(L.group_size));
        }
    }
}

}  // namespace jao::kernels::intx
