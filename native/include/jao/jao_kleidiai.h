/*
 * Packers for Arm KleidiAI's packed operand layouts, byte-identical to KleidiAI
 * (495f652, v1.30.0-10) on any host, plus the buffers torchao and ATen build around
 * them, unpackers back to plain tensors, and a matmul that consumes the packed operands
 * (last section). Layout rules: notes/kleidiai-layouts.md and
 * testdata/golden-kleidiai/README.md (checked byte for byte against it).
 *
 * Conventions (DESIGN.md §2):
 *  - `..._packed_size` validates the parameters and writes the byte size of the buffer;
 *    `..._pack` fills a caller-owned buffer of at least that size (`dst_size` bytes;
 *    bytes past the packed size are left untouched; on failure the contents of dst
 *    are unspecified); `..._unpack` reads one back.
 *  - Every parameter is validated natively: bad shapes, (nr, kr, sr) combinations
 *    KleidiAI has no kernel for, out-of-range quantized values, too small buffers and
 *    null pointers give JAO_INVALID_ARGUMENT (see jao_last_error()); no call crashes.
 *  - Quantized weights are passed unpacked, one int8 value per byte, row-major [n][k]
 *    (4-bit values in [-8, 7]); bf16 values are raw bits (the upper half of an f32).
 *  - Rows n..roundup(n, nr)-1 of the last RHS panel repeat row n-1 (weights, scales,
 *    bias, row sum), as KleidiAI does. `bias` may be NULL (packed as zeros).
 *  - Unpack outputs may each be NULL to skip them. Unpacking does not verify row sums.
 *
 * Supported parameters (those of KleidiAI's kernels):
 *  - 4-bit RHS (qsi4c32p, qsi4cxp): nr % 4 == 0 with 4 <= nr <= 256, kr in {4, 8, 16}, sr = 2.
 *  - 8-bit RHS (qsi8cxp): nr % 4 == 0 with 4 <= nr <= 256, kr in {4, 8, 16}, sr = 1.
 *  - LHS (qai8dxp): 1 <= mr <= 256, kr in {4, 8, 16}, sr in {1, 2}.
 *  - Shapes: 1 <= n, m, k <= 2^31 - 1.
 */
#ifndef JAO_JAO_KLEIDIAI_H
#define JAO_JAO_KLEIDIAI_H

#include "jao/jao_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/** f32 -> bf16 rounding policies. Values are stable. */
typedef enum jao_kai_bf16_rounding {
    JAO_KAI_BF16_TRUNCATE = 0,    /**< keep the upper 16 bits (torchao's KleidiAI path) */
    JAO_KAI_BF16_NEAREST_EVEN = 1 /**< round to nearest even, NaN kept (torch .to(bfloat16), ATen) */
} jao_kai_bf16_rounding;

/** Scale element types accepted by the ATen entry points. Same values as jao_float_type. */
typedef enum jao_kai_scale_type {
    JAO_KAI_SCALE_F32 = 0,
    JAO_KAI_SCALE_BF16 = 1
} jao_kai_scale_type;

/** Size of torchao's packed-weights header in front of the KleidiAI bytes. */
#define JAO_KAI_TORCHAO_HEADER_SIZE 64
/** torchao PackedWeightsHeader magic and its type id linear_8bit_act_xbit_weight_kleidi_ai. */
#define JAO_KAI_TORCHAO_MAGIC 6712
#define JAO_KAI_TORCHAO_TYPE_KLEIDI 3

/** Converts `count` f32 values to bf16 bits with the given jao_kai_bf16_rounding. */
JAO_API jao_status jao_kai_bf16_from_f32(int64_t count, const float* src, int32_t rounding, uint16_t* dst);

/* ---------------------------------------------------------------- RHS qsi4c32p, bf16 scales
 * kai_rhs_pack_nxk_qsi4c32p_qsu4c32s1s0 with scale_dt = bf16 (lhs_zero_point 1,
 * rhs_zero_point 8). Per-block 4-bit weights with bf16 scales; bl is the block length:
 * bl % 32 == 0, k % bl == 0, bl % kr == 0. Panel of nr rows = for each block nr*bl/2
 * data bytes then nr bf16 scales; then nr f32 row sums (sum of q*scale in KleidiAI's
 * order) and nr f32 bias values. */

JAO_API jao_status jao_kai_rhs_qsi4c32p_packed_size(int64_t n, int64_t k, int64_t bl, int32_t nr, int32_t kr,
                                                    int32_t sr, int64_t* size);

/** qvals int8 [n][k] in [-8, 7]; scales_bf16 [n][k/bl]; bias f32 [n] or NULL. */
JAO_API jao_status jao_kai_rhs_qsi4c32p_pack(int64_t n, int64_t k, int64_t bl, int32_t nr, int32_t kr, int32_t sr,
                                             const int8_t* qvals, const uint16_t* scales_bf16, const float* bias,
                                             void* dst, int64_t dst_size);

JAO_API jao_status jao_kai_rhs_qsi4c32p_unpack(int64_t n, int64_t k, int64_t bl, int32_t nr, int32_t kr, int32_t sr,
                                               const void* src, int64_t src_size, int8_t* qvals,
                                               uint16_t* scales_bf16, float* bias);

/* ---------------------------------------------------------------- RHS qsi4cxp, per channel
 * kai_rhs_pack_nxk_qsi4cxp_qs4cxs1s0: 4-bit weights, one f32 scale per row. Panel = the
 * nibble data over roundup(k, 32) (padding q = 0), nr int32 sums (16 * sum q), nr f32
 * scales (scale / 16), nr f32 bias. Any k >= 1. */

JAO_API jao_status jao_kai_rhs_qsi4cxp_packed_size(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                                   int64_t* size);

/** qvals int8 [n][k] in [-8, 7]; scales f32 [n]; bias f32 [n] or NULL. */
JAO_API jao_status jao_kai_rhs_qsi4cxp_pack(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                            const int8_t* qvals, const float* scales, const float* bias, void* dst,
                                            int64_t dst_size);

/** scales are read back as stored * 16 (exact unless scale / 16 underflowed). */
JAO_API jao_status jao_kai_rhs_qsi4cxp_unpack(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                              const void* src, int64_t src_size, int8_t* qvals, float* scales,
                                              float* bias);

/* ---------------------------------------------------------------- RHS qsi8cxp, per channel
 * kai_rhs_pack_nxk_qsi8cxp_qsi8cx_neon (lhs_zero_point 1): int8 weights, one f32 scale per
 * row. Panel = int8 data over roundup(k, 32) in kr chunks (padding 0), nr int32 sums,
 * nr f32 scales, nr f32 bias. */

JAO_API jao_status jao_kai_rhs_qsi8cxp_packed_size(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                                   int64_t* size);

/** qvals int8 [n][k] (full range); scales f32 [n]; bias f32 [n] or NULL. */
JAO_API jao_status jao_kai_rhs_qsi8cxp_pack(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                            const int8_t* qvals, const float* scales, const float* bias, void* dst,
                                            int64_t dst_size);

JAO_API jao_status jao_kai_rhs_qsi8cxp_unpack(int64_t n, int64_t k, int32_t nr, int32_t kr, int32_t sr,
                                              const void* src, int64_t src_size, int8_t* qvals, float* scales,
                                              float* bias);

/* ---------------------------------------------------------------- LHS qai8dxp (activations)
 * kai_lhs_quant_pack_qai8dxp_f32: each row of x is quantized to asymmetric int8 exactly as
 * KleidiAI does, then packed in panels of mr rows: mr*roundup(k, 32) int8 values, mr int32
 * (-zero_point), mr f32 (1/scale). Padding columns repeat column k-1. The rows
 * m..roundup(m, mr)-1 of the last panel, which KleidiAI leaves unwritten, are zero-filled. */

JAO_API jao_status jao_kai_lhs_qai8dxp_packed_size(int64_t m, int64_t k, int32_t mr, int32_t kr, int32_t sr,
                                                   int64_t* size);

/** x f32 [m] rows of k values, row i at x + i * x_row_stride (x_row_stride >= k, in elements). */
JAO_API jao_status jao_kai_lhs_qai8dxp_pack(int64_t m, int64_t k, int32_t mr, int32_t kr, int32_t sr, const float* x,
                                            int64_t x_row_stride, void* dst, int64_t dst_size);

/** Writes q int8 [m][k], neg_zero_point int32 [m] and inv_scale f32 [m]
 * (x ~ (q + neg_zero_point) * inv_scale). */
JAO_API jao_status jao_kai_lhs_qai8dxp_unpack(int64_t m, int64_t k, int32_t mr, int32_t kr, int32_t sr,
                                              const void* src, int64_t src_size, int8_t* q, int32_t* neg_zero_point,
                                              float* inv_scale);

/* ---------------------------------------------------------------- torchao kleidi weights
 * torchao's linear_8bit_act_xbit_weight KleidiAI path (pytorch/ao 36027d8): a 64-byte header
 * (16 LE int32: 6712, 3, weight_nbit 4, has_weight_zeros 0, has_bias, nr, kr, sr, 0 x 8)
 * then the qsi4c32p bytes of the problem padded to even n (padding rows q = -8, scale 0,
 * bias 0). f32 scales are truncated to bf16. (nr, kr, sr) in {(8,16,2), (4,16,2), (8,8,2)}
 * (the kernels torchao ships); group_size % 32 == 0, k % group_size == 0. has_bias in the
 * header is 1 when bias is not NULL. */

JAO_API jao_status jao_kai_torchao_qsi4c32p_packed_size(int64_t n, int64_t k, int64_t group_size, int32_t nr,
                                                        int32_t kr, int32_t sr, int64_t* size);

/** qvals int8 [n][k] in [-8, 7]; scales f32 [n][k/group_size]; bias f32 [n] or NULL. */
JAO_API jao_status jao_kai_torchao_qsi4c32p_pack(int64_t n, int64_t k, int64_t group_size, int32_t nr, int32_t kr,
                                                 int32_t sr, const int8_t* qvals, const float* scales,
                                                 const float* bias, void* dst, int64_t dst_size);

/** Reads nr, kr, sr and has_bias from the header (a bad header gives JAO_CORRUPT_DATA).
 * scales f32 [n][k/group_size] get the stored (truncated) bf16 values; bias gets zeros when
 * the buffer has none. */
JAO_API jao_status jao_kai_torchao_qsi4c32p_unpack(int64_t n, int64_t k, int64_t group_size, const void* src,
                                                   int64_t src_size, int8_t* qvals, float* scales, float* bias);

/* ---------------------------------------------------------------- ATen _dyn_quant_pack_4bit_weight
 * The buffer ATen builds when it uses KleidiAI: the plain KleidiAI RHS bytes, no header,
 * nr = 8, kr = 16, sr = 2. weights are ATen's uint8 [n][k/2] nibbles (q + 8, low nibble =
 * even k; the same bytes as [n, k/bl, bl/2]). block_size == k: channelwise qsi4cxp, scales
 * f32 [n] (scale_type JAO_KAI_SCALE_F32). block_size < k: groupwise qsi4c32p,
 * block_size % 32 == 0, k % block_size == 0, scales bf16 [n][k/block_size]
 * (JAO_KAI_SCALE_BF16, already rounded by the caller: torch rounds to nearest even).
 * Other combinations are not KleidiAI buffers in ATen (it uses its fallback format, see
 * jao_aten.h): JAO_INVALID_ARGUMENT. k must be even. */

JAO_API jao_status jao_kai_aten_dyn_quant_4bit_packed_size(int64_t n, int64_t k, int64_t block_size, int64_t* size);

JAO_API jao_status jao_kai_aten_dyn_quant_4bit_pack(int64_t n, int64_t k, int64_t block_size, const uint8_t* weights,
                                                    const void* scales, int32_t scale_type, const float* bias,
                                                    void* dst, int64_t dst_size);

/** weights uint8 [n][k/2]; scales as in pack (f32 [n] or bf16 [n][k/block_size]); bias f32 [n]. */
JAO_API jao_status jao_kai_aten_dyn_quant_4bit_unpack(int64_t n, int64_t k, int64_t block_size, const void* src,
                                                      int64_t src_size, uint8_t* weights, void* scales,
                                                      float* bias);

/* ---------------------------------------------------------------- matmul over the packed operands
 * y[i][j] = clamp(sum_k (q[i][k] + neg_zero_point[i]) * inv_scale[i] * w_q[j][k] * w_scale[j][k / bl]
 *                 + bias[j], clamp_min, clamp_max)
 * (KleidiAI's matmul_clamp_f32_qai8dxp_*), with lhs_packed from jao_kai_lhs_qai8dxp_pack(m, k, mr,
 * kr, sr) and rhs_packed from the RHS pack of the same format with (n, k, [bl,] nr, kr, sr): both
 * operands share kr and sr. Computed as KleidiAI does: int32 sums of q * w (per block for
 * qsi4c32p), the zero point added once through the packed row sums, then the f32 scales.
 * Results are bit-identical at every ISA tier (jao_isa_active(): scalar, neon, dotprod, i8mm)
 * and for any thread count; they match KleidiAI's kernels within f32 rounding (its summation
 * order inside a kernel is its own).
 *  - Parameters as for the packers, plus: kr / sr in {4, 8, 16} (KleidiAI has no matmul with
 *    kr / sr = 2), k <= 65536 (the int32 sums cannot overflow), clamp_min <= clamp_max.
 *  - lhs_size / rhs_size: bytes readable at the pointers, at least the packed sizes.
 *  - y: m rows of n f32, row i at y + i * y_row_stride (y_row_stride >= n, in elements).
 * Bytes of the LHS padding rows (rows m..roundup(m, mr)-1) are never read. */

JAO_API jao_status jao_kai_matmul_f32_qai8dxp_qsi4c32p(int64_t m, int64_t n, int64_t k, int64_t bl, int32_t mr,
                                                      int32_t nr, int32_t kr, int32_t sr, const void* lhs_packed,
                                                      int64_t lhs_size, const void* rhs_packed, int64_t rhs_size,
                                                      float* y, int64_t y_row_stride, float clamp_min,
                                                      float clamp_max);

JAO_API jao_status jao_kai_matmul_f32_qai8dxp_qsi4cxp(int64_t m, int64_t n, int64_t k, int32_t mr, int32_t nr,
                                                     int32_t kr, int32_t sr, const void* lhs_packed,
                                                     int64_t lhs_size, const void* rhs_packed, int64_t rhs_size,
                                                     float* y, int64_t y_row_stride, float clamp_min,
                                                     float clamp_max);

JAO_API jao_status jao_kai_matmul_f32_qai8dxp_qsi8cxp(int64_t m, int64_t n, int64_t k, int32_t mr, int32_t nr,
                                                     int32_t kr, int32_t sr, const void* lhs_packed,
                                                     int64_t lhs_size, const void* rhs_packed, int64_t rhs_size,
                                                     float* y, int64_t y_row_stride, float clamp_min,
                                                     float clamp_max);

/** ATen's _dyn_quant_matmul_4bit on its KleidiAI path: x f32 [m][k] (row stride k) is quantized
 * per row with qai8dxp (the same quantization as ATen's), multiplied with the buffer of
 * jao_kai_aten_dyn_quant_4bit_pack(n, k, block_size) (packed_size bytes readable), y f32 [m][n]
 * (row stride n), no clamp. k <= 65536. */
JAO_API jao_status jao_kai_aten_dyn_quant_matmul_4bit(int64_t m, int64_t n, int64_t k, int64_t block_size,
                                                     const float* x, const void* packed, int64_t packed_size,
                                                     float* y);

#ifdef __cplusplus
}
#endif

#endif
