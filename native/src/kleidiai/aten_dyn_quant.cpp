// ATen's _dyn_quant_pack_4bit_weight buffer on its KleidiAI path (aten/src/ATen/native/
// kleidiai): the plain KleidiAI RHS bytes, no header, packed for nr = 8, kr = 16, sr = 2
// (the 1x8x32 dotprod GEMV / 4x8x32 i8mm GEMM pair) from ATen's unsigned nibbles
// (q + 8, low nibble = even k). block_size == k: channelwise qsi4cxp with f32 scales;
// otherwise groupwise qsi4c32p with bf16 scales.
#include <algorithm>
#include <string>
#include <vector>

#include "jao/jao_kleidiai.h"
#include "kleidiai/kai_layout.h"
#include "kleidiai/kai_packers.h"

namespace jao::kai {
namespace {

void decode_nibbles(const uint8_t* w, int64_t k, int8_t* q) {
    for (int64_t j = 0; j < k / 2; ++j) {
        q[2 * j] = static_cast<int8_t>((w[j] & 15) - 8);
        q[2 * j + 1] = static_cast<int8_t>((w[j] >> 4) - 8);
    }
}

void encode_nibbles(const int8_t* q, int64_t k, uint8_t* w) {
    for (int64_t j = 0; j < k / 2; ++j)
        w[j] = static_cast<uint8_t>(((q[2 * j] + 8) & 15) | (((q[2 * j + 1] + 8) & 15) << 4));
}

}  // namespace

bool aten_channelwise(const AtenShape& s) { return s.block_size == s.k; }

namespace {
constexpr int32_t kNr = 8, kKr = 16, kSr = 2;
}  // namespace

Qsi4cxpShape aten_channel_shape(const AtenShape& s) { return {s.n, s.k, kNr, kKr, kSr}; }
Qsi4c32pShape aten_group_shape(const AtenShape& s) { return {s.n, s.k, s.block_size, kNr, kKr, kSr}; }

void validate(const AtenShape& s, const char* fn) {
    require_dim(s.n, "n", fn);
    require_dim(s.k, "k", fn);
    require(s.k % 2 == 0, fn, "k must be even (two nibbles per byte)");
    require(s.block_size >= 1 && s.block_size <= s.k, fn, "block_size must be in [1, k]");
    if (aten_channelwise(s)) validate(aten_channel_shape(s), fn);
    else {
        require(s.block_size % 32 == 0 && s.k % s.block_size == 0, fn,
                "groupwise block_size must be a multiple of 32 dividing k (ATen uses its fallback format otherwise)");
        validate(aten_group_shape(s), fn);
    }
}

int64_t packed_size(const AtenShape& s, const char* fn) {
    validate(s, fn);
    return aten_channelwise(s) ? packed_size(aten_channel_shape(s), fn) : packed_size(aten_group_shape(s), fn);
}

void pack(const AtenShape& s, const uint8_t* weights, const void* scales, int32_t scale_type, const float* bias,
          uint8_t* dst, const char* fn) {
    const int64_t kb = s.k / 2;
    if (aten_channelwise(s)) {
        require(scale_type == JAO_KAI_SCALE_F32, fn, "channelwise (block_size == k) scales must be f32");
        const float* sc = static_cast<const float*>(scales);
        pack(aten_channel_shape(s), [&](int64_t row, int8_t* q, float* scale, float* b) {
            decode_nibbles(weights + row * kb, s.k, q);
            *scale = sc[row];
            *b = bias ? bias[row] : 0.0f;
        }, dst);
    } else {
        require(scale_type == JAO_KAI_SCALE_BF16, fn,
                "groupwise scales must be bf16 (ATen uses its fallback format for f32 ones)");
        const uint16_t* sc = static_cast<const uint16_t*>(scales);
        const int64_t nb = s.k / s.block_size;
        pack(aten_group_shape(s), [&](int64_t row, int8_t* q, uint16_t* scale, float* b) {
            decode_nibbles(weights + row * kb, s.k, q);
            std::copy(sc + row * nb, sc + (row + 1) * nb, scale);
            *b = bias ? bias[row] : 0.0f;
        }, dst);
    }
}

void unpack(const AtenShape& s, const uint8_t* src, uint8_t* weights, void* scales, float* bias) {
    std::vector<int8_t> q(weights ? static_cast<size_t>(s.n * s.k) : 0);
    if (aten_channelwise(s))
        unpack(aten_channel_shape(s), src, weights ? q.data() : nullptr, static_cast<float*>(scales), bias);
    else
        unpack(aten_group_shape(s), src, weights ? q.data() : nullptr, static_cast<uint16_t*>(scales), bias);
    if (weights)
        for (int64_t row = 0; row < s.n; ++row) encode_nibbles(q.data() + row * s.k, s.k, weights + row * s.k / 2);
}

}  // namespace jao::kai
