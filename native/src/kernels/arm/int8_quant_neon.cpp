// NEON activation quantization of the int8 x int8 linear, used by every Arm
// tier. Bit-identical to row_stats_ref / quantize_ref where it matters:
// min / max of a finite row are exact in any order (rows with NaN / inf are
// flagged bad; their q is zero and their scale NaN whatever min / max say),
// and per value the same IEEE steps run in the same order (x * inv, round
// half to even, + zp, clamp) - frintn is nearbyint under the default
// rounding mode. Rows go 4 values at a time, the last 4 through a padded
// copy, so no read passes the row and no scalar tail repeats the reference.
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/int8_arm.h"

namespace jao::kernels::int8 {
namespace {

// p[0..3], or its first `left` (< 4) values padded with `fill`.
float32x4_t load4(const float* p, int64_t left, float fill) {
    if (left >= 4) return vld1q_f32(p);
    float t[4] = {fill, fill, fill, fill};
    std::memcpy(t, p, sizeof(float) * static_cast<size_t>(left));
    return vld1q_f32(t);
}

}  // namespace

void row_stats_neon(const float* x, int64_t k, int64_t r0, int64_t r1, const Act& a) {
    const uint32x4_t exp_mask = vdupq_n_u32(0x7f800000u);
    for (int64_t r = r0; r < r1; ++r) {
        const float* row = x + r * k;
        float32x4_t mn = vdupq_n_f32(row[0]), mx = mn;
        uint32x4_t bad = vdupq_n_u32(0);
        for (int64_t i = 0; i < k; i += 4) {
            const float32x4_t v = load4(row + i, k - i, row[0]);  // row[0] changes neither min, max nor bad
            mn = vminq_f32(mn, v);
            mx = vmaxq_f32(mx, v);
            bad = vorrq_u32(bad, vceqq_u32(vandq_u32(vreinterpretq_u32_f32(v), exp_mask), exp_mask));
        }
        a.mn[r] = vminvq_f32(mn);
        a.mx[r] = vmaxvq_f32(mx);
        a.bad[r] = vmaxvq_u32(bad) != 0;
    }
}

void quantize_neon(const float* x, int64_t k, int64_t r0, int64_t r1, int qmin, int qmax, const Act& a) {
    const float32x4_t lo = vdupq_n_f32(static_cast<float>(qmin)), hi = vdupq_n_f32(static_cast<float>(qmax));
    const int32x4_t lane = {0, 1, 2, 3};
    for (int64_t r = r0; r < r1; ++r) {
        const float* row = x + r * k;
        int8_t* q = a.q + r * a.stride;
        const float32x4_t inv = vdupq_n_f32(a.inv[r]), zp = vdupq_n_f32(a.zp[r]);
        // Lanes below `valid` are kept; a bad row keeps none, so its q and sum are zero.
        const int64_t valid = a.bad[r] ? 0 : k;
        int32x4_t sum = vdupq_n_s32(0);
        for (int64_t i = 0; i < k; i += 4) {
            float32x4_t v = vrndnq_f32(vmulq_f32(load4(row + i, k - i, 0.0f), inv));
            v = vminq_f32(vmaxq_f32(vaddq_f32(v, zp), lo), hi);
            const int64_t left = valid - i < 4 ? valid - i : 4;
            const uint32x4_t keep = vcltq_s32(lane, vdupq_n_s32(static_cast<int32_t>(left < 0 ? 0 : left)));
            const int32x4_t iv = vandq_s32(vcvtq_s32_f32(v), vreinterpretq_s32_u32(keep));  // v is integral
            sum = vaddq_s32(sum, iv);
            int8_t bytes[8];
            vst1_s8(bytes, vmovn_s16(vcombine_s16(vmovn_s32(iv), vdup_n_s16(0))));
            std::memcpy(q + i, bytes, static_cast<size_t>(k - i < 4 ? k - i : 4));
        }
        std::memset(q + k, 0, static_cast<size_t>(a.stride - k));
        a.asum[r] = vaddvq_s32(sum);
    }
}

}  // namespace jao::kernels::int8
