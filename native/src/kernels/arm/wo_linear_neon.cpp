// NEON tier of the weight-only linear: the kernels every tier shares (kernels/wo_gemv_tiles.h, wo_gemm_tiles.h,
// written over vector traits) instantiated with a 16-column block as four
// float32x4_t. Register budget like AVX2's (8 blocks of fp32 in 32 q
// registers), hence its tile shapes: GEMV 2 rows x 1 block (2 blocks for
// one row), GEMM 6 rows x 16 columns (24 accumulator registers).
// Codes decode by shift / and / subtract / scvtf (kLut false): each column's
// code sits in its own 32-bit lane, so a tbl lookup of fp32 bytes would
// first have to spread every index into 4 byte indices (shift, and,
// multiply, or: 4 ops per 4 lanes before the tbl) where and / sub / scvtf
// take 3.
#include <arm_neon.h>

#include <cstring>

#include "kernels/arm/wo_arm.h"
#include "kernels/wo_gemm_tiles.h"
#include "kernels/wo_gemv_tiles.h"

namespace jao::kernels::wo {
namespace {

struct V128x4 {
    struct F {
        float32x4_t v[4];
    };
    struct I {
        uint32x4_t v[4];
    };
    static constexpr bool kLut = false;
    // The splice decode (kernels/wo_decode.h, Decoder) would be one bsl and one subtract here;
    // not taken while no Arm timings exist to measure it.
    static constexpr bool kSplice = false;
    static constexpr int kSpliceGemvMaxRows = 0;
    static constexpr int kGemvMr = 2, kGemvNb1 = 2, kGemvNb = 1;
    static constexpr int kGemvPrefetchMaxBits = 8;  // every width (the x86 measurements do not carry over untimed)
    static constexpr int kGemmMr = 6, kGemmNb = 1;

    static F zero() { return set1(0.0f); }
    static F set1(float x) {
        const float32x4_t d = vdupq_n_f32(x);
        return {{d, d, d, d}};
    }
    static I set1i(int x) {
        const uint32x4_t d = vdupq_n_u32(static_cast<uint32_t>(x));
        return {{d, d, d, d}};
    }
    static F load(const float* p) { return {{vld1q_f32(p), vld1q_f32(p + 4), vld1q_f32(p + 8), vld1q_f32(p + 12)}}; }
    static void store(float* p, F x) {
        for (int i = 0; i < 4; ++i) vst1q_f32(p + 4 * i, x.v[i]);
    }
    // Partial blocks (the last columns of y) through a stack copy: NEON has no masked loads.
    static F load_n(const float* p, int cols) {
        if (cols == 16) return load(p);
        float t[16] = {};
        std::memcpy(t, p, sizeof(float) * static_cast<size_t>(cols));
        return load(t);
    }
    static void store_n(float* p, F x, int cols) {
        if (cols == 16) return store(p, x);
        float t[16];
        store(t, x);
        std::memcpy(p, t, sizeof(float) * static_cast<size_t>(cols));
    }
    template <class Op>
    static F map(F a, F b, Op op) {
        return {{op(a.v[0], b.v[0]), op(a.v[1], b.v[1]), op(a.v[2], b.v[2]), op(a.v[3], b.v[3])}};
    }
    static F add(F a, F b) { return map(a, b, [](float32x4_t x, float32x4_t y) { return vaddq_f32(x, y); }); }
    static F mul(F a, F b) { return map(a, b, [](float32x4_t x, float32x4_t y) { return vmulq_f32(x, y); }); }
    // fma(a, b, c) = a * b + c and fnma(a, b, c) = c - a * b, one rounding each.
    static F fma(F a, F b, F c) {
        for (int i = 0; i < 4; ++i) c.v[i] = vfmaq_f32(c.v[i], a.v[i], b.v[i]);
        return c;
    }
    static F fnma(F a, F b, F c) {
        for (int i = 0; i < 4; ++i) c.v[i] = vfmsq_f32(c.v[i], a.v[i], b.v[i]);
        return c;
    }
    static I load_i(const uint8_t* p) {
        I r;
        for (int i = 0; i < 4; ++i) r.v[i] = vreinterpretq_u32_u8(vld1q_u8(p + 16 * i));
        return r;
    }
    static I u8(const uint8_t* p) {
        const uint8x16_t b = vld1q_u8(p);
        const uint16x8_t lo = vmovl_u8(vget_low_u8(b)), hi = vmovl_high_u8(b);
        return {{vmovl_u16(vget_low_u16(lo)), vmovl_high_u16(lo), vmovl_u16(vget_low_u16(hi)), vmovl_high_u16(hi)}};
    }
    template <int S>
    static I srl(I x) {
        for (int i = 0; i < 4; ++i) x.v[i] = vshrq_n_u32(x.v[i], S);
        return x;
    }
    template <int S>
    static I sll(I x) {
        for (int i = 0; i < 4; ++i) x.v[i] = vshlq_n_u32(x.v[i], S);
        return x;
    }
    static I select(I m, I a, I b) {  // m ? a : b, bitwise
        for (int i = 0; i < 4; ++i) a.v[i] = vbslq_u32(m.v[i], a.v[i], b.v[i]);
        return a;
    }
    static I and_(I a, I b) {
        for (int i = 0; i < 4; ++i) a.v[i] = vandq_u32(a.v[i], b.v[i]);
        return a;
    }
    static I sub(I a, I b) {
        for (int i = 0; i < 4; ++i) a.v[i] = vsubq_u32(a.v[i], b.v[i]);
        return a;
    }
    static F cvt(I x) {  // as signed int32 (u - center may be negative)
        F r;
        for (int i = 0; i < 4; ++i) r.v[i] = vcvtq_f32_s32(vreinterpretq_s32_u32(x.v[i]));
        return r;
    }
    static F lut(I, F table) { return table; }  // unused: kLut is false
    static F bf16(const uint8_t* p) {
        F r;
        const auto* h = reinterpret_cast<const uint16_t*>(p);
        for (int i = 0; i < 4; ++i) r.v[i] = vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(h + 4 * i), 16));
        return r;
    }
};

}  // namespace

JAO_WO_TIER_GEMV(gemv_neon, V128x4)
JAO_WO_TIER_GEMM(gemm_neon, kGemmMrNeon, V128x4)

}  // namespace jao::kernels::wo
