/*
 * ATen's fallback format of _dyn_quant_pack_4bit_weight / _dyn_quant_matmul_4bit: the buffer
 * torch builds when KleidiAI is not available (every x86 build, and Arm builds for the
 * combinations KleidiAI has no kernel for), and ATen's reference matmul over it. The KleidiAI
 * buffer of the same ops is in jao_kleidiai.h ("ATen _dyn_quant_pack_4bit_weight").
 *
 * Format: a float32 array (little-endian), the concatenation of
 *   [n * k / 2]            the nibble bytes of ATen's uint8 weights [n][k/2], each as a float
 *                          (an integer in [0, 255]; byte j of row r holds q[r][2j] + 8 in its
 *                          low nibble and q[r][2j+1] + 8 in its high one),
 *   [n * k / block_size]   the scales, row-major [n][k/block_size] (block_size == k: one per
 *                          row), bf16 scales widened exactly,
 *   [n]                    the bias, only when there is one.
 * Nothing in the buffer says whether it holds a bias: ATen infers it from the element count,
 * jao takes it as has_bias (0 or 1) so that every size is checked.
 *
 * Conventions as in jao_kleidiai.h: `..._packed_size` validates and writes the byte size;
 * `..._pack` fills a caller-owned buffer of at least dst_size >= packed size bytes (bytes past
 * the packed size untouched); sizes are bytes; bad shapes, null pointers, too small buffers and
 * sizes that overflow give JAO_INVALID_ARGUMENT, a buffer whose nibble floats are not integers
 * in [0, 255] gives JAO_CORRUPT_DATA (see jao_last_error()); no call crashes.
 *
 * Shapes (those ATen's reference matmul accepts): 1 <= n, k, m <= 2^31 - 1, k even,
 * k % block_size == 0, and block_size == k (channelwise) or block_size % 32 == 0 (groupwise).
 */
#ifndef JAO_JAO_ATEN_H
#define JAO_JAO_ATEN_H

#include "jao/jao_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of the fallback buffer of an [n][k] weight in blocks of block_size along k, with a
 * bias when has_bias is 1 (0: none): 4 * (n * k / 2 + n * k / block_size + (has_bias ? n : 0)). */
JAO_API jao_status jao_aten_dyn_quant_4bit_fallback_packed_size(int64_t n, int64_t k, int64_t block_size,
                                                                int32_t has_bias, int64_t* size);

/** Builds the buffer as ATen's _dyn_quant_pack_4bit_weight does without KleidiAI.
 *  weights     uint8 [n][k/2], ATen's nibbles (any byte value is a valid pair of nibbles)
 *  scales      [n][k/block_size], f32 or bf16 bits as scale_type says (jao_kai_scale_type of jao_kleidiai.h;
 *              both are accepted at every block size, as ATen widens any dtype to float)
 *  bias        f32 [n], or NULL for a buffer without bias
 *  dst         dst_size bytes, at least jao_aten_dyn_quant_4bit_fallback_packed_size(n, k,
 *              block_size, bias != NULL); any alignment. */
JAO_API jao_status jao_aten_dyn_quant_4bit_fallback_pack(int64_t n, int64_t k, int64_t block_size,
                                                         const uint8_t* weights, const void* scales,
                                                         int32_t scale_type, const float* bias, void* dst,
                                                         int64_t dst_size);

/** Reads a buffer back. src holds src_size >= packed size bytes of a buffer packed with
 * (n, k, block_size, has_bias). Outputs may each be NULL to skip them: weights uint8 [n][k/2],
 * scales f32 [n][k/block_size] (bf16 scales come back widened), bias f32 [n] (must be NULL
 * when has_bias is 0). A nibble float that is not an integer in [0, 255] (NaN, inf, 3.5, -1,
 * 256) gives JAO_CORRUPT_DATA; scales and bias are returned as stored. */
JAO_API jao_status jao_aten_dyn_quant_4bit_fallback_unpack(int64_t n, int64_t k, int64_t block_size,
                                                           int32_t has_bias, const void* src, int64_t src_size,
                                                           uint8_t* weights, float* scales, float* bias);

/** ATen's _dyn_quant_matmul_4bit reference kernel (f32 in, f32 out), bit-exact:
 *  x f32 [m][k] (row stride k); each row is quantized to asymmetric int8 with ATen's rules
 *  (range widened to include 0, scale 255 / (max - min), zero point rounded half-even, values
 *  rounded half away from zero); per block the int32 dot product of (q - zero point) with the
 *  4-bit weights, accumulated in f32 as sum(f32(dot) * scale) in block order (channelwise: the
 *  single product), times the f32 reciprocal of the row's scale, plus bias[j] when has_bias,
 *  clamped to [-FLT_MAX, FLT_MAX] (NaN kept). Single-threaded scalar code.
 *  packed      packed_size >= jao_aten_dyn_quant_4bit_fallback_packed_size(n, k, block_size,
 *              has_bias) bytes of a fallback buffer (corrupt nibble floats: JAO_CORRUPT_DATA)
 *  y           f32 [m][n] (row stride n)
 *  k <= 65536, so the int32 block sums cannot overflow. */
JAO_API jao_status jao_aten_dyn_quant_matmul_4bit_fallback(int64_t m, int64_t n, int64_t k, int64_t block_size,
                                                           int32_t has_bias, const float* x, const void* packed,
                                                           int64_t packed_size, float* y);

#ifdef __cplusplus
}
#endif

#endif
