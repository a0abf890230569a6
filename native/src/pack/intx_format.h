// Packed weights of the int8-dynamic-activation x intN-weight linear
// (jao_linear.h): the 64-byte header, the byte layout, pack and unpack.
// Format description: README.md in this folder.
#pragma once

#include <cstdint>
#include <cstring>

#include "affine/float_formats.h"
#include "jao/jao_linear.h"
#include "pack/header_words.h"

namespace jao::pack {

constexpr int32_t kIntxMagic = kTorchaoMagic;
constexpr int32_t kIntxTypeId = 64;         // jao's linear_8bit_act_xbit_weight (torchao's ids end at 6)
constexpr int32_t kIntxFormatVersion = 1;
constexpr int kNr = 16;                     // columns per block (one zmm of int32)
constexpr int kKr = 4;                      // K per int32 lane (vpdpbusd)
constexpr int kSr = 1;
constexpr int kChunkK = 32;                 // K per chunk: 8 vectors of 16 columns x 4 K
constexpr int kVecBytes = kNr * kKr;        // 64 unpacked weights per vector
constexpr int64_t kMaxGroupSize = 32768;    // keeps every per-group integer sum inside int32

// Byte geometry of a packed buffer; all offsets in bytes.
struct IntxLayout {
    int64_t n = 0, k = 0, group_size = 0;
    int nbit = 0;
    bool bf16 = false, has_zp = false, has_bias = false;
    int32_t layout = JAO_INTX_LAYOUT_VNNI_N16K4;

    int64_t groups = 0;        // k / group_size
    int64_t gpad = 0;          // group_size rounded up to kChunkK (padding weights are 0)
    int64_t kpad = 0;          // groups * gpad: row length of the quantized activations
    int64_t nblocks = 0;       // ceil(n / 16)
    int64_t chunks = 0;        // chunks per group: gpad / 32
    int64_t chunk_bytes = 0;   // 64 * nbit
    int64_t scale_off = 0;     // in a group record: after the weights
    int64_t zp_off = 0;        // in a group record: after the scales (if has_zp)
    int64_t wsum_off = 0;      // in a group record: 16 int32 sum_k q (exact_zp mode only)
    int64_t group_bytes = 0;   // one group record of one block
    int64_t w1_off = 0;        // in a block: 16 fp32 sum_g scale*sum_k q (after the group records)
    int64_t bias_off = 0;      // in a block: 16 fp32 bias (if has_bias)
    int64_t block_bytes = 0;
    int64_t payload_bytes = 0;
    int64_t total_bytes = 0;   // header + payload

    // Zero-point modes (numerics in kernels/ref/intx_kernels.h):
    //  nbit <= 7: zero points fold into the unpacked weights (q - zw fits s8);
    //  nbit == 8: exact per-group int32 correction with stored weight sums.
    bool exact_zp() const { return has_zp && nbit == 8; }
    bool folded_zp() const { return has_zp && nbit < 8; }
    int weight_offset() const { return nbit == 8 ? 0 : 1 << (nbit - 1); }  // stored u = q + offset (mod 256)
};

// Validates parameters (throws jao::Error naming `fn`) and computes the geometry.
IntxLayout make_layout(const jao_intx_params& p, const char* fn);

// Validates every header word of a packed buffer and its size; does not read the payload.
// Bad header: JAO_CORRUPT_DATA; null / too small buffer: JAO_INVALID_ARGUMENT.
IntxLayout read_header(const void* packed, int64_t packed_size, const char* fn);

// Recomputes the payload CRC32C (JAO_CORRUPT_DATA on mismatch).
void verify_payload(const void* packed, const IntxLayout& L, const char* fn);

// Writes header + payload. Inputs as jao_intx_pack; validated here (qdata range).
void pack_intx(const IntxLayout& L, const int8_t* qdata, const float* scales, const int8_t* zero_points,
               const float* bias, void* dst, const char* fn);

// Inverse of pack_intx; zero_points and bias may be null.
void unpack_intx(const IntxLayout& L, const void* packed, int8_t* qdata, float* scales, int8_t* zero_points,
                 float* bias);

// --- bit packing of one chunk: 8 vectors x 64 bytes of unsigned u in [0, 2^nbit) ---
// Bits of u are split into pieces of width 4/2/1 (8 for nbit 8); a piece of
// width w stores 8/w vectors per 64-byte plane, vector v of the piece in
// plane v/(8/w) at bit (v%(8/w))*w. See README.md.
struct BitPiece {
    int width, shift;  // width w, bit offset of the piece inside u
    int plane_base;    // first 64-byte plane of this piece inside the chunk
};
struct BitPieces {
    int count;
    BitPiece piece[3];
};
constexpr BitPieces bit_pieces(int nbit) {
    switch (nbit) {
        case 1: return {1, {{1, 0, 0}, {}, {}}};
        case 2: return {1, {{2, 0, 0}, {}, {}}};
        case 3: return {2, {{2, 0, 0}, {1, 2, 2}, {}}};
        case 4: return {1, {{4, 0, 0}, {}, {}}};
        case 5: return {2, {{4, 0, 0}, {1, 4, 4}, {}}};
        case 6: return {2, {{4, 0, 0}, {2, 4, 4}, {}}};
        case 7: return {3, {{4, 0, 0}, {2, 4, 4}, {1, 6, 6}}};
        default: return {1, {{8, 0, 0}, {}, {}}};
    }
}

// Scalar decoder of vector v (0..7) of a chunk into 64 unsigned values.
inline void decode_vector(const uint8_t* chunk, int nbit, int v, uint8_t out[kVecBytes]) {
    const BitPieces ps = bit_pieces(nbit);
    for (int i = 0; i < kVecBytes; ++i) out[i] = 0;
    for (int p = 0; p < ps.count; ++p) {
        const BitPiece& bp = ps.piece[p];
        const int per = 8 / bp.width;
        const uint8_t* plane = chunk + (bp.plane_base + v / per) * kVecBytes;
        const int s = (v % per) * bp.width;
        const unsigned mask = (1u << bp.width) - 1u;
        for (int i = 0; i < kVecBytes; ++i) out[i] |= static_cast<uint8_t>(((plane[i] >> s) & mask) << bp.shift);
    }
}

// bf16 conversions are the affine primitives' own (one implementation of torch's rounding).
inline float bf16_to_f32(uint16_t b) { return affine::bf16_to_float(b); }
inline uint16_t f32_to_bf16_rne(float f) { return affine::bf16_bits_rne(f); }

}  // namespace jao::pack
