// ATen's fallback buffer of _dyn_quant_pack_4bit_weight; see dyn_quant_fallback.h.
#include "aten/dyn_quant_fallback.h"

#include <cmath>
#include <string>

#include "affine/float_formats.h"
#include "jao/jao_kleidiai.h"
#include "kleidiai/kai_layout.h"

namespace jao::aten {
namespace {

using kai::checked_mul;
using kai::load;
using kai::store;

// a + b, failing (not wrapping) when the sum leaves int64.
int64_t checked_add(int64_t a, int64_t b, const char* fn) {
    int64_t r;
    require(!__builtin_add_overflow(a, b, &r), fn, "packed size overflows int64");
    return r;
}

// Byte offset of float element i of the buffer.
int64_t at(int64_t i) { return i * static_cast<int64_t>(sizeof(float)); }

// The byte a stored nibble float stands for; ATen's .to(kByte) of anything else is not a
// buffer it built.
uint8_t nibble_byte(float v, int64_t i, const char* fn) {
    if (!(v >= 0.0f && v <= 255.0f && v == std::floor(v)))
        fail(JAO_CORRUPT_DATA, std::string(fn) + ": weight element " + std::to_string(i) + " is " +
                                   std::to_string(v) + ", not an integer in [0, 255]");
    return static_cast<uint8_t>(v);
}

}  // namespace

FallbackSections sections(const FallbackShape& s, const char* fn) {
    kai::require_dim(s.n, "n", fn);
    kai::require_dim(s.k, "k", fn);
    require(s.k % 2 == 0, fn, "k must be even (two nibbles per byte)");
    require(s.block_size >= 1 && s.block_size <= s.k && s.k % s.block_size == 0, fn,
            "block_size must divide k");
    require(s.block_size == s.k || s.block_size % 32 == 0, fn,
            "block_size must be k (channelwise) or a multiple of 32 (ATen's reference matmul accepts no other)");
    require(s.has_bias == 0 || s.has_bias == 1, fn, "has_bias must be 0 or 1");
    const int64_t nk = checked_mul(s.n, s.k, fn);  // < 2^62: n, k <= 2^31 - 1
    return FallbackSections{nk / 2, nk / s.block_size, s.has_bias ? s.n : 0};
}

int64_t packed_size(const FallbackShape& s, const char* fn) {
    const FallbackSections c = sections(s, fn);
    const int64_t floats = checked_add(checked_add(c.nibbles, c.scales, fn), c.bias, fn);
    return checked_mul(floats, static_cast<int64_t>(sizeof(float)), fn);
}

void pack(const FallbackShape& s, const uint8_t* weights, const void* scales, int32_t scale_type, const float* bias,
          uint8_t* dst, const char* fn) {
    require(scale_type == JAO_KAI_SCALE_F32 || scale_type == JAO_KAI_SCALE_BF16, fn, "unknown scale_type");
    const FallbackSections c = sections(s, fn);
    for (int64_t i = 0; i < c.nibbles; ++i) store(dst + at(i), static_cast<float>(weights[i]));
    // jao_kai_scale_type has jao_float_type's values: bf16 widens exactly.
    for (int64_t i = 0; i < c.scales; ++i) store(dst + at(c.nibbles + i), affine::load_as_float(scale_type, scales, i));
    for (int64_t i = 0; i < c.bias; ++i) store(dst + at(c.nibbles + c.scales + i), bias[i]);
}

void read_nibbles(const FallbackShape& s, const uint8_t* src, uint8_t* weights, const char* fn) {
    const FallbackSections c = sections(s, fn);
    for (int64_t i = 0; i < c.nibbles; ++i) weights[i] = nibble_byte(load<float>(src + at(i)), i, fn);
}

void read_scales(const FallbackShape& s, const uint8_t* src, float* scales, const char* fn) {
    const FallbackSections c = sections(s, fn);
    for (int64_t i = 0; i < c.scales; ++i) scales[i] = load<float>(src + at(c.nibbles + i));
}

void read_bias(const FallbackShape& s, const uint8_t* src, float* bias, const char* fn) {
    const FallbackSections c = sections(s, fn);
    for (int64_t i = 0; i < c.bias; ++i) bias[i] = load<float>(src + at(c.nibbles + c.scales + i));
}

}  // namespace jao::aten
