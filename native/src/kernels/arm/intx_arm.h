// Arm tiers of the intx linear (contract: kernels/ref/intx_kernels.h), picked
// by the driver (kernels/x86/intx_linear.cpp) from the active ISA:
//   neon     intx_linear_neon.cpp     umull + uadalp (Armv8.0 Advanced SIMD)
//   dotprod  intx_linear_dotprod.cpp  udot by element (FEAT_DotProd)
//   i8mm     intx_linear_i8mm.cpp     ummla on row pairs (FEAT_I8MM), udot for a single row
// Every tier quantizes with quantize_rows_neon (the dot product extensions
// do not help there). Shared tile template and the integer identity that lets
// all of them multiply unsigned by unsigned: intx_tile_arm.h.
#pragma once

#if defined(__aarch64__)
#include <cstdint>

#include "kernels/ref/intx_kernels.h"

namespace jao::kernels::intx {

void quantize_rows_neon(const IntxLayout& L, const float* x, int64_t m0, int64_t m1, const Act& a);
void tile_neon(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y);
void tile_dotprod(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
                  float* y);
void tile_i8mm(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y);

}  // namespace jao::kernels::intx
#endif
