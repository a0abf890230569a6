/*
 * jao weight-only linear ABI: floating-point activations x quantized weights
 * (1..8 bits), the native core of torchao's Int8WeightOnlyConfig,
 * Int4WeightOnlyConfig, IntxWeightOnlyConfig and UIntXWeightOnlyConfig.
 *
 *   y[m, n] = bias[n] + sum_k x[m, k] * w[n, k]
 *   w[n, k] = s[n, g] * (u[n, k] - center - z[n, g]) + o[n, g],   g = k / group_size
 *
 * u are the stored codes in [0, 2^nbit); `center` maps them to the signed
 * values torchao keeps (2^(nbit-1) for intN, 0 for uintN); z are integer zero
 * points (INT domain, 0 when absent) and o float offsets (the tinygemm FLOAT
 * domain of Int4WeightOnlyConfig, 0 when absent). Every tier accumulates in
 * fp32; tiers may differ by fp32 rounding (not bit-identical, unlike the
 * integer kernels of jao_linear.h), and results never depend on the thread count
 * (bitwise). Packed layout and summation orders: native/src/pack/README.md and
 * native/src/kernels/ref/wo_kernels.h.
 *
 * Usage (caller owns every buffer, DESIGN.md §2):
 *   jao_wo_packed_size(&params, &size)                 -> allocate `size` bytes
 *   jao_wo_pack(&params, codes, scales, zp, offsets, bias, dst, size)
 *   jao_wo_workspace_size(dst, size, m, &ws)           -> allocate `ws` bytes
 *   jao_wo_linear_run(dst, size, m, x, y, workspace, ws)   (any thread, any number of times)
 * The packed buffer is position independent plain bytes with a 64-byte header
 * and a CRC32C of the payload (save / mmap it); jao_wo_unpack gives the plain
 * tensors back on any CPU.
 */
#ifndef JAO_JAO_WEIGHT_ONLY_H
#define JAO_JAO_WEIGHT_ONLY_H

#include <stdint.h>

#include "jao/jao_affine.h"
#include "jao/jao_core.h"
#include "jao/jao_linear.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Byte layouts of packed weight-only linear weights. Values are stable. */
typedef enum jao_wo_layout {
    JAO_WO_LAYOUT_AUTO = 0,  /**< pack request only: the fastest layout for the running CPU */
    JAO_WO_LAYOUT_N16 = 1    /**< 16-column blocks, codes bit-packed per column lane (runs anywhere) */
} jao_wo_layout;

/** Kernel families a weight-only run may use (reported by jao_wo_packed_info). */
typedef enum jao_wo_kernel {
    JAO_WO_KERNEL_GEMV = 1, /**< few rows: one pass over the weights, decoded in registers */
    JAO_WO_KERNEL_GEMM = 2  /**< many rows: weight panels decoded to fp32 in cache, fp32 register tiles */
} jao_wo_kernel;

/** Parameters of one packed weight-only weight. */
typedef struct jao_wo_params {
    int64_t n;               /**< output features, 1 <= n < 2^31 */
    int64_t k;               /**< input features, 1 <= k < 2^31 */
    int32_t weight_nbit;     /**< 1..8: codes in [0, 2^nbit) */
    int32_t center;          /**< 0 <= center < 2^nbit: q = code - center */
    int64_t group_size;      /**< divides k, <= 65536; group_size == k is per channel */
    int32_t scale_dtype;     /**< jao_scale_dtype (scales only; offsets stay fp32) */
    int32_t has_zero_points; /**< 0 or 1: int32 z[n, k/group_size], |z| <= 65535 */
    int32_t has_offsets;     /**< 0 or 1: fp32 o[n, k/group_size] */
    int32_t has_bias;        /**< 0 or 1: fp32 bias[n] */
    int32_t layout;          /**< jao_wo_layout; JAO_WO_LAYOUT_AUTO picks one */
} jao_wo_params;

/** What a packed buffer holds and how a run with `m` rows would execute. */
typedef struct jao_wo_info {
    jao_wo_params params;    /**< as packed (layout resolved) */
    int32_t format_version;  /**< version of the byte format */
    int32_t kernel;          /**< jao_wo_kernel for the queried m */
    int32_t isa;             /**< jao_isa tier the run would use now */
    int64_t workspace_size;  /**< bytes jao_wo_workspace_size returns for m */
} jao_wo_info;

/** Bytes of the packed buffer for these parameters (64-byte header included). */
JAO_API jao_status jao_wo_packed_size(const jao_wo_params* params, int64_t* size);

/**
 * Packs a quantized weight. codes: [n, k] uint8 in [0, 2^nbit); scales: [n, k/group_size]
 * fp32 (finite; cast to bf16 here when params->scale_dtype is BF16); zero_points:
 * [n, k/group_size] int32, non-NULL exactly when has_zero_points; offsets:
 * [n, k/group_size] fp32 (finite), non-NULL exactly when has_offsets; bias: [n] fp32,
 * non-NULL exactly when has_bias. dst_size >= jao_wo_packed_size.
 */
JAO_API jao_status jao_wo_pack(const jao_wo_params* params, const uint8_t* codes, const float* scales,
                               const int32_t* zero_points, const float* offsets, const float* bias, void* dst,
                               int64_t dst_size);

/**
 * Bytes of workspace jao_wo_linear_run and jao_wo_linear_run_typed need for m rows (any
 * alignment accepted). Depends only on the packed parameters and m, never on the ISA tier,
 * the thread count or the activation types, so one size stays valid whatever
 * jao_isa_set_cap / jao_threads_set do.
 */
JAO_API jao_status jao_wo_workspace_size(const void* packed, int64_t packed_size, int64_t m, int64_t* size);

/**
 * y[m, n] = x[m, k] * w^T + bias with the packed weight; m >= 1. The header is
 * validated on every call (bad header: JAO_CORRUPT_DATA; small buffer or
 * workspace: JAO_INVALID_ARGUMENT). NaN/inf in x propagate as IEEE arithmetic does.
 * Thread safe; uses jao_threads_get() threads.
 */
JAO_API jao_status jao_wo_linear_run(const void* packed, int64_t packed_size, int64_t m, const float* x, float* y,
                                     void* workspace, int64_t workspace_size);

/**
 * jao_wo_linear_run with activations and outputs of any jao_float_type: x [m, k] of x_type,
 * y [m, n] of y_type (JAO_F32, JAO_BF16 or JAO_F16; y rounded from the fp32 result to nearest
 * even). Computed in fp32 like jao_wo_linear_run, except on the avx512_bf16 tier for JAO_BF16
 * activations and 1-, 2- or 4-bit codes: a bf16 dot-product GEMV at every m (vdpbf16ps; the
 * products are exact, the fp32 sums are ordered differently, subnormal bf16 inputs count as 0),
 * with about half the vector instructions per weight of the fp32 GEMV.
 */
JAO_API jao_status jao_wo_linear_run_typed(const void* packed, int64_t packed_size, int64_t m, const void* x,
                                           int32_t x_type, void* y, int32_t y_type, void* workspace,
                                           int64_t workspace_size);

/**
 * Reads the header and the kernel/tier a run with m rows (>= 1) would use now:
 * SIMD tiers (isa JAO_ISA_AVX2; JAO_ISA_AVX512 for every AVX-512 tier; JAO_ISA_NEON
 * for every Arm tier) run GEMV up to a tier's row bound (4 on AVX2 and NEON, 32 on AVX-512) and
 * GEMM above; the scalar tier is GEMV for all m.
 * Reports fp32 activations (jao_wo_linear_run_typed with bf16 ones may use the avx512_bf16 GEMV:
 * jao_wo_packed_info_typed).
 */
JAO_API jao_status jao_wo_packed_info(const void* packed, int64_t packed_size, int64_t m, jao_wo_info* info);

/**
 * jao_wo_packed_info for a jao_wo_linear_run_typed whose activations are x_type (JAO_F32, JAO_BF16 or
 * JAO_F16; anything else is JAO_INVALID_ARGUMENT): with bf16 ones, 1-, 2- or 4-bit codes and an
 * avx512_bf16 CPU the kernel is the bf16 dot-product GEMV at every m and isa reports JAO_ISA_AVX512_BF16.
 */
JAO_API jao_status jao_wo_packed_info_typed(const void* packed, int64_t packed_size, int64_t m, int32_t x_type,
                                           jao_wo_info* info);

/** Validates the header and the CRC32C of the payload. */
JAO_API jao_status jao_wo_verify(const void* packed, int64_t packed_size);

/**
 * Unpacks to the plain tensors given to jao_wo_pack (checksum verified). Any
 * output may be NULL to skip it; absent zero points / offsets / bias read as zeros.
 */
JAO_API jao_status jao_wo_unpack(const void* packed, int64_t packed_size, uint8_t* codes, float* scales,
                                 int32_t* zero_points, float* offsets, float* bias);

#ifdef __cplusplus
}
#endif

#endif
