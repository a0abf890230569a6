// Arm tiers of the int8 x int8 linear (contract: kernels/ref/int8_kernels.h),
// picked by the driver (kernels/x86/int8_linear.cpp) from the active ISA:
//   neon     int8_linear_neon.cpp     smull + sadalp (Armv8.0 Advanced SIMD); the epilogue pass
//   dotprod  int8_linear_dotprod.cpp  sdot by element (FEAT_DotProd)
//   i8mm     int8_linear_i8mm.cpp     smmla on row pairs (FEAT_I8MM), sdot for a single row
// Every tier quantizes with int8_quant_neon.cpp and runs oneDNN's epilogue
// pass with epilogue_neon. Tile template: int8_tile_arm.h.
#pragma once

#if defined(__aarch64__)
#include <arm_neon.h>

#include <cstdint>

#include "kernels/ref/int8_kernels.h"

namespace jao::kernels::int8 {

// affine::round_bf16 on 4 lanes: round to nearest even, NaN quieted and truncated.
inline float32x4_t round_bf16_neon(float32x4_t v) {
    const uint32x4_t u = vreinterpretq_u32_f32(v), high = vdupq_n_u32(0xffff0000u);
    const uint32x4_t lsb = vandq_u32(vshrq_n_u32(u, 16), vdupq_n_u32(1));
    const uint32x4_t r = vandq_u32(vaddq_u32(u, vaddq_u32(lsb, vdupq_n_u32(0x7fff))), high);
    const uint32x4_t nan = vorrq_u32(vandq_u32(u, high), vdupq_n_u32(0x00400000));
    return vreinterpretq_f32_u32(vbslq_u32(vceqq_f32(v, v), r, nan));
}

void row_stats_neon(const float* x, int64_t k, int64_t r0, int64_t r1, const Act& a);
void quantize_neon(const float* x, int64_t k, int64_t r0, int64_t r1, const ActQuant& s, const Act& a);
void epilogue_neon(const Epilogue& e, const Act& a, int64_t r0, int64_t r1, float* y);
void tile_neon(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y);
void tile_dotprod(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0,
                  int nb, float* y);
void tile_i8mm(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y);

}  // namespace jao::kernels::int8
#endif
