// Packed weights of the int8 x int8 linear (jao_int8.h): header, byte
// geometry, pack and unpack. Format description: README.md in this folder.
#pragma once

#include <cstdint>

#include "core/int_math.h"
#include "jao/jao_int8.h"
#include "pack/packed_header.h"

namespace jao::pack {


constexpr int32_t kInt8TypeId = 66;       // jao linear_8bit_act_8bit_weight (intx 64, weight-only 65; torchao's ids end at 6)
constexpr int32_t kInt8FormatVersion = 2;  // 2: jao blocks end in kInt8BlockPad zero bytes
constexpr int kInt8Nr = 16, kInt8Kr = 4;  // jao backend: 16 columns x 4 K per 64-byte vector
// Zero bytes after each jao block of 16 columns. Without them the blocks lie
// K * 16 bytes apart, a multiple of 4 KiB for every K that is a multiple of
// 256 (4096, 11008, ...), so the 4 weight streams of a GEMV hit the same cache
// sets in step: at M = 1 that cost 4-7 % of the DRAM read rate against the
// intx blocks (2 lines apart), measured interleaved on 4096 x 4096 / 11008;
// 64, 128, 448 or 1088 bytes of padding all measured alike.
constexpr int64_t kInt8BlockPad = 128;

// Bytes from one jao block to the next for activations rows of kpad bytes.
inline int64_t int8_block_bytes(int64_t kpad) { return kpad / kInt8Kr * 64 + kInt8BlockPad; }
// Largest K whose int32 dot products cannot overflow: 128 * 128 * K < 2^31.
constexpr int64_t kInt8MaxK = 131071;
constexpr int64_t kMaxBlobBytes = 1 << 16;
// Every defined jao_int8_act_flag bit (others are rejected at pack and on read).
constexpr int32_t kInt8ActFlags = JAO_INT8_ACT_PER_TENSOR | JAO_INT8_ACT_REDUCE_RANGE | JAO_INT8_ACT_BF16;

// Byte geometry; offsets are from the start of the buffer (header included),
// every section starts on a multiple of 64.
struct Int8Layout {
    int64_t n = 0, k = 0;
    int32_t act_mapping = JAO_ACT_SYMMETRIC;
    int32_t act_flags = 0;
    bool has_bias = false;
    int32_t backend = JAO_INT8_BACKEND_JAO;  // resolved: JAO or ONEDNN

    int64_t kpad = 0;     // K rounded up to 4: row stride of the quantized activations
    int64_t nblocks = 0;  // ceil(n / 16) (jao backend)
    int64_t scale_off = 0, bias_off = 0, rowsum_off = 0;
    int64_t blob_off = 0, blob_bytes = 0;        // oneDNN weights memory descriptor (dnnl_memory_desc_get_blob)
    int64_t weights_off = 0, weights_bytes = 0;  // jao blocks or oneDNN's blocked layout
    int64_t total_bytes = 0;

    bool asymmetric() const { return act_mapping == JAO_ACT_ASYMMETRIC; }
    bool per_tensor() const { return (act_flags & JAO_INT8_ACT_PER_TENSOR) != 0; }
    int qmin() const { return act_flags & JAO_INT8_ACT_REDUCE_RANGE ? -64 : -128; }
    int qmax() const { return act_flags & JAO_INT8_ACT_REDUCE_RANGE ? 63 : 127; }
    bool bf16() const { return (act_flags & JAO_INT8_ACT_BF16) != 0; }
};

// Validates parameters (throws jao::Error naming fn), resolves AUTO and
// computes the geometry (oneDNN: asks oneDNN for this CPU's weight layout).
Int8Layout make_int8_layout(const jao_int8_params& p, const char* fn);

// Validates the header and the payload's size record; does not read the rest.
// Bad header: JAO_CORRUPT_DATA; null / too small buffer: JAO_INVALID_ARGUMENT.
Int8Layout read_int8_header(const void* packed, int64_t packed_size, const char* fn);

// Recomputes the payload CRC32C (JAO_CORRUPT_DATA on mismatch).
void verify_int8_payload(const void* packed, const Int8Layout& L, const char* fn);

// Writes header + payload; w_scale must be finite and > 0.
void pack_int8(const Int8Layout& L, const int8_t* qdata, const float* w_scale, const float* bias, void* dst,
               const char* fn);

// Inverse of pack_int8; any output may be null.
void unpack_int8(const Int8Layout& L, const void* packed, int8_t* qdata, float* w_scale, float* bias);

// Typed views of the sections.
inline const float* int8_scales(const void* p, const Int8Layout& L) {
    return reinterpret_cast<const float*>(static_cast<const uint8_t*>(p) + L.scale_off);
}
inline const float* int8_bias(const void* p, const Int8Layout& L) {
    return L.has_bias ? reinterpret_cast<const float*>(static_cast<const uint8_t*>(p) + L.bias_off) : nullptr;
}
inline const float* int8_rowsums(const void* p, const Int8Layout& L) {
    return reinterpret_cast<const float*>(static_cast<const uint8_t*>(p) + L.rowsum_off);
}
inline const uint8_t* int8_weights(const void* p, const Int8Layout& L) {
    return static_cast<const uint8_t*>(p) + L.weights_off;
}

}  // namespace jao::pack
