// Packed weights of the weight-only linear (jao_weight_only.h): geometry,
// header, pack and unpack. Format description: README.md in this folder.
#pragma once

#include <cstdint>
#include <cstring>

#include "affine/float_formats.h"
#include "jao/jao_weight_only.h"
#include "pack/bit_pieces.h"
#include "pack/packed_header.h"

namespace jao::pack {

constexpr int32_t kWoTypeId = 65;  // jao weight-only linear (intx linear is 64; torchao's ids end at 6)
constexpr int32_t kWoFormatVersion = 1;
constexpr int kWoNr = 16;                  // columns per block: one zmm of fp32
constexpr int kWoChunkK = 32;              // K per chunk: a 32-bit word per column per bit of nbit
constexpr int kWoPlaneBytes = 64;          // one plane: 16 columns x 32 bits
constexpr int64_t kWoMaxGroupSize = 65536;
constexpr int32_t kWoMaxZeroPoint = 65535;  // |z|: float(z) and s * z stay exact / finite enough

// Byte geometry of a packed buffer; offsets in bytes, inside a block unless noted.
struct WoLayout {
    int64_t n = 0, k = 0, group_size = 0;
    int nbit = 0, center = 0;
    bool bf16 = false, has_zp = false, has_off = false, has_bias = false;
    int32_t layout = JAO_WO_LAYOUT_N16;

    int64_t groups = 0;       // k / group_size
    int64_t gpad = 0;         // group_size rounded up to 32 (padding codes = center, i.e. weight 0 before o)
    int64_t kpad = 0;         // groups * gpad
    int64_t nblocks = 0;      // ceil(n / 16); the last block's missing columns are zero
    int64_t chunks = 0;       // chunks per group: gpad / 32
    int64_t chunk_bytes = 0;  // 64 * nbit
    int64_t scale_off = 0;    // in a group record, after the codes: 16 fp32 or bf16
    int64_t zp_off = 0;       // 16 int32 zero points (has_zp)
    int64_t off_off = 0;      // 16 fp32 offsets (has_off)
    int64_t group_bytes = 0;  // one group record
    int64_t bias_off = 0;     // after the group records: 16 fp32 (has_bias)
    int64_t block_bytes = 0;
    int64_t payload_bytes = 0;
    int64_t total_bytes = 0;  // header + payload

    // Whether a per-group term t = o - s * z exists (w = s * (u - center) + t).
    bool has_t() const { return has_zp || has_off; }
    const uint8_t* block(const uint8_t* payload, int64_t b) const { return payload + b * block_bytes; }
    const uint8_t* record(const uint8_t* payload, int64_t b, int64_t g) const {
        return payload + b * block_bytes + g * group_bytes;
    }
};

// Validates parameters (throws jao::Error naming `fn`) and computes the geometry.
WoLayout make_wo_layout(const jao_wo_params& p, const char* fn);

// Validates every header word and the buffer size; does not read the payload.
// Bad header: JAO_CORRUPT_DATA; null / too small buffer: JAO_INVALID_ARGUMENT.
WoLayout read_wo_header(const void* packed, int64_t packed_size, const char* fn);

// The public parameters a layout was made from (layout resolved).
jao_wo_params wo_params(const WoLayout& L);

// Writes header + payload; validates code range, finite scales / offsets and |z|.
void pack_wo(const WoLayout& L, const uint8_t* codes, const float* scales, const int32_t* zero_points,
             const float* offsets, const float* bias, void* dst, const char* fn);

// Inverse of pack_wo (scales as stored: bf16 widened). Any output may be null.
void unpack_wo(const WoLayout& L, const void* packed, uint8_t* codes, float* scales, int32_t* zero_points,
               float* offsets, float* bias);

// --- one chunk: 32 K x 16 columns of codes, 64 * nbit bytes ---
// nbit 8: byte [j * 16 + c] (16 columns of one K are one vpmovzxbd load).
// nbit 1..7: pieces (bit_pieces.h); piece of width w: plane p (w planes of 64
// bytes) holds at 32-bit lane c, bits [(j % (32/w)) * w, +w), the piece of K
// j = p * (32/w) + j % (32/w). So one plane load feeds 32/w K steps, each one
// shift (for nbit <= 4, a vpermps through a 16-entry table then decodes it).
inline uint32_t lane_word(const uint8_t* plane, int c) {
    uint32_t w;
    std::memcpy(&w, plane + 4 * c, 4);
    return w;
}

inline unsigned chunk_code(const uint8_t* chunk, int nbit, int c, int j) {
    if (nbit == 8) return chunk[j * 16 + c];
    const BitPieces ps = bit_pieces(nbit);
    unsigned u = 0;
    for (int p = 0; p < ps.count; ++p) {
        const BitPiece& bp = ps.piece[p];
        const int per = 32 / bp.width;
        const uint32_t word = lane_word(chunk + (bp.plane_base + j / per) * kWoPlaneBytes, c);
        u |= ((word >> ((j % per) * bp.width)) & ((1u << bp.width) - 1u)) << bp.shift;
    }
    return u;
}

// ORs code u into a zeroed chunk.
inline void chunk_put(uint8_t* chunk, int nbit, int c, int j, unsigned u) {
    if (nbit == 8) {
        chunk[j * 16 + c] = static_cast<uint8_t>(u);
        return;
    }
    const BitPieces ps = bit_pieces(nbit);
    for (int p = 0; p < ps.count; ++p) {
        const BitPiece& bp = ps.piece[p];
        const int per = 32 / bp.width;
        uint8_t* plane = chunk + (bp.plane_base + j / per) * kWoPlaneBytes;
        uint32_t word = lane_word(plane, c);
        word |= ((u >> bp.shift) & ((1u << bp.width) - 1u)) << ((j % per) * bp.width);
        std::memcpy(plane + 4 * c, &word, 4);
    }
}

// Scale of column c of a group record, widened to fp32.
inline float record_scale(const WoLayout& L, const uint8_t* rec, int c) {
    if (L.bf16) {
        uint16_t b;
        std::memcpy(&b, rec + L.scale_off + 2 * c, 2);
        return affine::bf16_to_float(b);
    }
    float s;
    std::memcpy(&s, rec + L.scale_off + 4 * c, 4);
    return s;
}

// t = o - s * z of column c (one fma, as every tier computes it).
inline float record_t(const WoLayout& L, const uint8_t* rec, int c) {
    float o = 0.0f;
    int32_t z = 0;
    if (L.has_off) std::memcpy(&o, rec + L.off_off + 4 * c, 4);
    if (L.has_zp) std::memcpy(&z, rec + L.zp_off + 4 * c, 4);
    return __builtin_fmaf(-record_scale(L, rec, c), static_cast<float>(z), o);
}

}  // namespace jao::pack
