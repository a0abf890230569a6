// ATen's fallback buffer of _dyn_quant_pack_4bit_weight (jao_aten.h): float32
// [nibble bytes as floats | scales | bias?], at any alignment. Shape rules, sizes with
// overflow checks, packing, and decoding with checks of the nibble floats.
#pragma once

#include <cstdint>

namespace jao::aten {

struct FallbackShape {
    int64_t n, k, block_size;
    int32_t has_bias;  // 0 or 1
};

// Float counts of the three sections; validates the shape (JAO_INVALID_ARGUMENT).
struct FallbackSections {
    int64_t nibbles, scales, bias;
};
FallbackSections sections(const FallbackShape& s, const char* fn);

// Bytes of the buffer (validates; fails when they do not fit int64).
int64_t packed_size(const FallbackShape& s, const char* fn);

// weights uint8 [n][k/2]; scales [n][k/bs] of scale_type (JAO_KAI_SCALE_F32 / _BF16);
// bias f32 [n] when s.has_bias. dst holds packed_size(s) bytes.
void pack(const FallbackShape& s, const uint8_t* weights, const void* scales, int32_t scale_type, const float* bias,
          uint8_t* dst, const char* fn);

// The sections of a buffer of packed_size(s) bytes read back. Nibble floats that are
// not integers in [0, 255] give JAO_CORRUPT_DATA.
void read_nibbles(const FallbackShape& s, const uint8_t* src, uint8_t* weights, const char* fn);
void read_scales(const FallbackShape& s, const uint8_t* src, float* scales, const char* fn);
void read_bias(const FallbackShape& s, const uint8_t* src, float* bias, const char* fn);

}  // namespace jao::aten
