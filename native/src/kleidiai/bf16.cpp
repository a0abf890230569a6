// f32 -> bf16 as the KleidiAI callers do it: torchao truncates, torch/ATen round to
// nearest even (shared with the affine primitives).
#include "affine/float_formats.h"
#include "kleidiai/kai_packers.h"

namespace jao::kai {

uint16_t bf16_truncate(float f) { return static_cast<uint16_t>(affine::bits_of(f) >> 16); }
uint16_t bf16_nearest_even(float f) { return affine::bf16_bits_rne(f); }

}  // namespace jao::kai
