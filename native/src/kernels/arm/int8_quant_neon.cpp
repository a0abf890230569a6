// NEON activation quantization of the int8 x int8 linear, used by every Arm
// tier: the row statistics here, the quantization through the shared skeleton
// (kernels/int8_quantize.h) with NEON traits. Bit-identical to row_stats_ref /
// quantize_ref: min / max of a finite row are exact in any order (rows with
// NaN / inf are flagged bad), and per value the same IEEE steps run in the
// same order (bf16 rounding for bf16 models, x * inv, round half to even
// (frintn), + zp, clamp). Rows go 4 values at a time, the last 4 through a
// padded copy, so no read passes the row.
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/int8_arm.h"
#include "kernels/int8_quantize.h"

namespace jao::kernels::int8 {
namespace {

// p[0..3], or its first `left` (< 4) values padded with `fill`.
float32x4_t load4(const float* p, int64_t left, float fill) {
    if (left >= 4) return vld1q_f32(p);
    float t[4] = {fill, fill, fill, fill};
    std::memcpy(t, p, sizeof(float) * static_cast<size_t>(left));
    return vld1q_f32(t);
}

// Lanes below `left` (all when left >= 4).
uint32x4_t lanes_below(int64_t left) {
    const int32x4_t lane = {0, 1, 2, 3};
    return vcltq_s32(lane, vdupq_n_s32(static_cast<int32_t>(left < 4 ? left : 4)));
}

// Vector traits of int8_quantize.h: 4 lanes.
struct Neon {
    using F = float32x4_t;
    using I = int32x4_t;
    static constexpr int kLanes = 4;
    static F set1(float v) { return vdupq_n_f32(v); }
    static I set1_i(int32_t v) { return vdupq_n_s32(v); }
    static F load(const float* p, int64_t left) { return load4(p, left, 0.0f); }
    static F round_bf16(F v) { return round_bf16_neon(v); }
    static F mul(F a, F b) { return vmulq_f32(a, b); }
    static F add(F a, F b) { return vaddq_f32(a, b); }
    static F rint(F v) { return vrndnq_f32(v); }
    // maxNum / minNum: a NaN lane takes the bound, as fmax / fmin in quantize_one.
    static F min(F a, F b) { return vminnmq_f32(a, b); }
    static F max(F a, F b) { return vmaxnmq_f32(a, b); }
    static I to_int(F v, int64_t left) {
        return vandq_s32(vcvtq_s32_f32(v), vreinterpretq_s32_u32(lanes_below(left)));  // v is integral
    }
    static I add_i(I a, I b) { return vaddq_s32(a, b); }
    static int32_t reduce_add(I v) { return vaddvq_s32(v); }
    static void store_q(int8_t* q, I iv, int64_t left) {
        int8_t bytes[8];
        vst1_s8(bytes, vmovn_s16(vcombine_s16(vmovn_s32(iv), vdup_n_s16(0))));
        std::memcpy(q, bytes, static_cast<size_t>(left < 4 ? left : 4));
    }
};

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

void quantize_neon(const float* x, int64_t k, int64_t r0, int64_t r1, const ActQuant& s, const Act& a) {
    quantize_rows<Neon>(x, k, r0, r1, s, a);
}

}  // namespace jao::kernels::int8
