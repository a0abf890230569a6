// bf16 / fp16 conversions and "round to the compute dtype" policies used by
// the affine primitives to reproduce torch's per-op rounding.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "jao/jao_affine.h"

namespace jao::affine {

inline uint32_t bits_of(float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

inline float float_of(uint32_t u) {
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

// bf16 round to nearest even (torch's .to(bfloat16)); NaN stays NaN.
inline uint16_t bf16_bits_rne(float f) {
    uint32_t u = bits_of(f);
    if (std::isnan(f)) return static_cast<uint16_t>((u >> 16) | 0x40);
    u += 0x7fff + ((u >> 16) & 1);
    return static_cast<uint16_t>(u >> 16);
}

inline float bf16_to_float(uint16_t b) { return float_of(static_cast<uint32_t>(b) << 16); }

inline float round_bf16(float f) { return bf16_to_float(bf16_bits_rne(f)); }

// IEEE binary16 from float, round to nearest even (incl. subnormals, overflow to inf, NaN kept).
// Portable bit arithmetic: GCC 12 has no C++ half type on AArch64.
inline uint16_t f16_bits_rne(float f) {
    uint32_t u = bits_of(f);
    uint16_t sign = static_cast<uint16_t>((u >> 16) & 0x8000);
    uint32_t a = u & 0x7fffffff;
    if (a >= 0x7f800000) return static_cast<uint16_t>(sign | (a > 0x7f800000 ? 0x7e00 : 0x7c00));
    if (a >= 0x477ff000) return static_cast<uint16_t>(sign | 0x7c00);  // rounds to >= 65520: inf
    if (a < 0x38800000) {                                               // half subnormal or zero
        // value / 2^-24 rounded to nearest even, with the float's exact significand
        int shift = 126 - static_cast<int>(a >> 23);                    // 113 + 13 = exponent gap
        if (shift > 24) return sign;
        uint32_t mant = (a & 0x7fffff) | 0x800000;
        uint32_t q = mant >> shift, rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1))) ++q;
        return static_cast<uint16_t>(sign | q);
    }
    uint32_t h = ((a - 0x38000000) >> 13);                              // rebias 127 -> 15
    uint32_t rem = a & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) ++h;
    return static_cast<uint16_t>(sign | h);
}

inline float f16_to_float(uint16_t h) {
    uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16, e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e == 0x1f) return float_of(sign | 0x7f800000 | (m << 13));
    if (e != 0) return float_of(sign | ((e + 112) << 23) | (m << 13));
    return float_of(sign) + (sign ? -1.0f : 1.0f) * static_cast<float>(m) * 0x1p-24f;  // subnormal: exact
}

inline float round_f16(float f) { return f16_to_float(f16_bits_rne(f)); }

// Rounds an fp32 op result to the dtype the op is computed in.
inline float round_to(int32_t type, float f) {
    switch (type) {
        case JAO_BF16: return round_bf16(f);
        case JAO_F16: return round_f16(f);
        default: return f;
    }
}

// torch's type promotion of two floating operands (bf16 op f16 -> f32).
inline int32_t promote(int32_t a, int32_t b) { return a == b ? a : JAO_F32; }

// Reads element i of a buffer of the given floating type.
inline float load_as_float(int32_t type, const void* p, int64_t i) {
    switch (type) {
        case JAO_BF16: return bf16_to_float(static_cast<const uint16_t*>(p)[i]);
        case JAO_F16: return f16_to_float(static_cast<const uint16_t*>(p)[i]);
        default: return static_cast<const float*>(p)[i];
    }
}

// Writes f (already rounded to type) as element i of a buffer of that type.
inline void store_from_float(int32_t type, void* p, int64_t i, float f) {
    switch (type) {
        case JAO_BF16: static_cast<uint16_t*>(p)[i] = bf16_bits_rne(f); break;
        case JAO_F16: static_cast<uint16_t*>(p)[i] = f16_bits_rne(f); break;
        default: static_cast<float*>(p)[i] = f;
    }
}

// count bf16 / fp16 values (type JAO_BF16 or JAO_F16) widened to fp32, exactly.
inline void widen_to_float(int32_t type, const uint16_t* src, float* dst, int64_t count) {
    if (type == JAO_BF16)
        for (int64_t i = 0; i < count; ++i) dst[i] = bf16_to_float(src[i]);
    else
        for (int64_t i = 0; i < count; ++i) dst[i] = f16_to_float(src[i]);
}

// count fp32 values rounded to bf16 / fp16 bits (type JAO_BF16 or JAO_F16), nearest even, NaN kept.
inline void narrow_from_float(int32_t type, const float* src, uint16_t* dst, int64_t count) {
    if (type == JAO_BF16)
        for (int64_t i = 0; i < count; ++i) dst[i] = bf16_bits_rne(src[i]);
    else
        for (int64_t i = 0; i < count; ++i) dst[i] = f16_bits_rne(src[i]);
}

// torch.round: half to even (the default FE_TONEAREST mode of nearbyint).
inline float round_half_even(float f) { return std::nearbyint(f); }

}  // namespace jao::affine
