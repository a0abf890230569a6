/*
 * jao linear ABI: int8 dynamic activation x intN weight (N = 1..8) packed
 * linear, the native core of torchao's Int8DynamicActivationIntxWeightConfig
 * (opaque formats). y[M,N] = x[M,K] * W[N,K]^T + bias, where
 *  - x is quantized per row (per token) to int8, ASYMMETRIC, exactly as torchao:
 *    scale = max((max(x,0) - min(x,0)) / 255, FLT_MIN),
 *    zp = clamp(-128 - rint(min(x,0) / scale), -128, 127),
 *    q = clamp(rint(x * (1/scale)) + zp, -128, 127)   (rint = half to even);
 *  - W is given already quantized: qdata[N,K] in [-2^(N-1), 2^(N-1)-1], one
 *    scale (and optionally one int8 zero point) per row and group of
 *    group_size consecutive K (group_size == K: per channel, PerAxis(0));
 *  - the integer dot products are exact; the fp32 epilogue is fixed (see
 *    native/src/pack/README.md), so every ISA tier and every thread count
 *    produce bit-identical outputs.
 *
 * Usage (caller owns every buffer, DESIGN.md §2):
 *   jao_intx_packed_size(&params, &size)           -> allocate `size` bytes
 *   jao_intx_pack(&params, qdata, scales, zp, bias, dst, size)
 *   jao_intx_workspace_size(dst, size, m, &ws)     -> allocate `ws` bytes
 *   jao_intx_linear_run(dst, size, m, x, y, workspace, ws)   (any number of times,
 *                                                    from any number of threads)
 *   or jao_intx_linear_run_typed(...) for bf16 / fp16 activations or outputs (same workspace)
 * The packed buffer is position independent plain bytes (save / mmap it);
 * jao_intx_unpack returns the plain tensors from it on any CPU.
 */
#ifndef JAO_JAO_LINEAR_H
#define JAO_JAO_LINEAR_H

#include <stdint.h>

#include "jao/jao_affine.h"
#include "jao/jao_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Storage type of the weight scales inside a packed buffer. Values are stable. */
typedef enum jao_scale_dtype {
    JAO_SCALE_F32 = 0,  /**< fp32 scales, stored as given */
    JAO_SCALE_BF16 = 1  /**< cast to bf16 at pack time, round to nearest even (torch .to(bfloat16)) */
} jao_scale_dtype;

/** Byte layouts of packed intx linear weights. Values are stable (header word 13). */
typedef enum jao_intx_layout {
    JAO_INTX_LAYOUT_AUTO = 0,      /**< pack request only: the fastest layout for the running CPU */
    JAO_INTX_LAYOUT_VNNI_N16K4 = 1 /**< 16-column blocks, 4 K per int32 lane (x86 VNNI/AVX2; runs anywhere) */
} jao_intx_layout;

/** Kernel families a run may use (reported by jao_intx_packed_info). */
typedef enum jao_intx_kernel {
    JAO_INTX_KERNEL_GEMV = 1, /**< M <= 3: one pass over the weights, rows in registers */
    JAO_INTX_KERNEL_GEMM = 2  /**< M >= 4: row panels x column tiles */
} jao_intx_kernel;

/** Parameters of one packed weight. */
typedef struct jao_intx_params {
    int64_t n;               /**< output features, 1 <= n < 2^31 */
    int64_t k;               /**< input features, 1 <= k < 2^31 */
    int32_t weight_nbit;     /**< 1..8 */
    int64_t group_size;      /**< divides k, <= 65536; group_size == k is per channel */
    int32_t scale_dtype;     /**< jao_scale_dtype */
    int32_t has_zero_points; /**< 0 or 1: int8 weight zero points [n, k/group_size] are packed */
    int32_t has_bias;        /**< 0 or 1: fp32 bias [n] is packed */
    int32_t layout;          /**< jao_intx_layout; JAO_INTX_LAYOUT_AUTO picks one */
} jao_intx_params;

/** What a packed buffer holds and how a run with `m` rows would execute. */
typedef struct jao_intx_info {
    jao_intx_params params;  /**< as packed (layout resolved) */
    int32_t format_version;  /**< header word 8 */
    int32_t kernel;          /**< jao_intx_kernel for the queried m */
    int32_t isa;             /**< jao_isa tier the run would use now */
    int32_t tile_m;          /**< rows per register tile */
    int32_t tile_n;          /**< columns per register tile */
    int64_t workspace_size;  /**< bytes jao_intx_workspace_size returns for m */
} jao_intx_info;

/** Bytes of the packed buffer for these parameters (64-byte header included). */
JAO_API jao_status jao_intx_packed_size(const jao_intx_params* params, int64_t* size);

/**
 * Packs quantized weights. qdata: [n, k] int8 values in [-2^(nbit-1), 2^(nbit-1) - 1];
 * scales: [n, k/group_size] fp32 (cast to bf16 here when params->scale_dtype is BF16);
 * zero_points: [n, k/group_size] int8, non-NULL exactly when params->has_zero_points;
 * bias: [n] fp32, non-NULL exactly when params->has_bias. dst_size must be at
 * least jao_intx_packed_size (the extra bytes are left untouched).
 */
JAO_API jao_status jao_intx_pack(const jao_intx_params* params, const int8_t* qdata, const float* scales,
                                 const int8_t* zero_points, const float* bias, void* dst, int64_t dst_size);

/**
 * Bytes of workspace jao_intx_linear_run and jao_intx_linear_run_typed need for m rows (any
 * alignment accepted). Depends only on the packed parameters and m, never on the ISA tier, the
 * thread count or the activation / output types, so one size stays valid whatever
 * jao_isa_set_cap / jao_threads_set do.
 */
JAO_API jao_status jao_intx_workspace_size(const void* packed, int64_t packed_size, int64_t m, int64_t* size);

/**
 * y[m, n] = linear(x[m, k]) with the packed weight. The header is validated on
 * every call (not the payload checksum: see jao_intx_verify); a bad header
 * returns JAO_CORRUPT_DATA, a small buffer JAO_INVALID_ARGUMENT. m >= 1.
 * Thread safe; uses jao_threads_get() threads shared with concurrent calls.
 */
JAO_API jao_status jao_intx_linear_run(const void* packed, int64_t packed_size, int64_t m, const float* x,
                                       float* y, void* workspace, int64_t workspace_size);

/**
 * jao_intx_linear_run with activations and outputs of any jao_float_type: x [m, k] of x_type,
 * y [m, n] of y_type (JAO_F32, JAO_BF16 or JAO_F16; anything else is JAO_INVALID_ARGUMENT).
 * 16-bit activations widen to fp32 exactly, so y is bitwise jao_intx_linear_run's result on the
 * widened x at every tier and thread count (NaN / inf rows included); a 16-bit y is that fp32
 * result rounded to nearest even (NaN stays NaN). Workspace: jao_intx_workspace_size.
 */
JAO_API jao_status jao_intx_linear_run_typed(const void* packed, int64_t packed_size, int64_t m, const void* x,
                                             int32_t x_type, void* y, int32_t y_type, void* workspace,
                                             int64_t workspace_size);

/** Reads the header of a packed buffer and the kernel/tier a run with m rows (>= 1) would use. */
JAO_API jao_status jao_intx_packed_info(const void* packed, int64_t packed_size, int64_t m, jao_intx_info* info);

/** Validates the header and the CRC32C of the payload (e.g. after loading a file). */
JAO_API jao_status jao_intx_verify(const void* packed, int64_t packed_size);

/**
 * Unpacks to the plain tensors given to jao_intx_pack (checksum verified):
 * qdata [n, k]; scales [n, k/group_size] as fp32 (bf16 ones widened exactly);
 * zero_points [n, k/group_size] (zeros when none were packed) and bias [n]
 * (zeros when none was packed) may be NULL to skip them.
 */
JAO_API jao_status jao_intx_unpack(const void* packed, int64_t packed_size, int8_t* qdata, float* scales,
                                   int8_t* zero_points, float* bias);

#ifdef __cplusplus
}
#endif

#endif
