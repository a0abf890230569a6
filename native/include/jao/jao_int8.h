/*
 * jao int8 x int8 linear ABI: the native core of torchao's
 * Int8DynamicActivationInt8WeightConfig (v2, Int8Tensor), bit-exact with torchao.
 *
 * The weight arrives quantized (symmetric int8 qdata [n, k], one fp32 scale per
 * output row; PerTensor = the same scale on every row). Each run quantizes x per
 * row (token) to int8 as torchao does, then:
 *   c[m, n] = sum_k a_q[m, k] * w_q[n, k]                        (exact int32)
 *   y = float(c) * a_scale[m]
 *   ASYMMETRIC only: y = y - float(float(a_zp[m]) * a_scale[m]) * float(rowsum(w_q)[n])
 *   y = y * w_scale[n];  y = y + bias[n]                         (each op rounded to fp32)
 * Activation quantization (eps = 2^-23, torch.finfo(float32).eps; rint = half to even;
 * qmin, qmax = -128, 127, or -64, 63 with JAO_INT8_ACT_REDUCE_RANGE; min and max over
 * the row, or over the whole x [m, k] with JAO_INT8_ACT_PER_TENSOR; every op in fp32; bf16 models: below):
 *   SYMMETRIC:  amax = max(-min(min(x), 0), max(max(x), 0)); s = max(amax / ((qmax - qmin) / 2), eps);
 *               zp = 0; q = clamp(rint(x * (1/s)), qmin, qmax)
 *   ASYMMETRIC: s = max((max(max(x), 0) - min(min(x), 0)) / (qmax - qmin), eps);
 *               zp = clamp(qmin - rint(min(min(x), 0) / s), qmin, qmax);   (true division here)
 *               q = clamp(rint(x * (1/s)) + zp, qmin, qmax)
 * bf16 models (JAO_INT8_ACT_BF16; x and y stay fp32 arrays holding bf16 values):
 * torchao's activations are bf16, so choose_qparams_affine computes in bf16 and
 * the epilogue returns to bf16. With bf() = round to bf16, nearest even:
 *   x = bf(x) (no-op for bf16 input);  min and max as above (bf16 values)
 *   SYMMETRIC:  s = max(bf(amax / ((qmax - qmin) / 2)), eps)
 *   ASYMMETRIC: s = max(bf(bf(max - min) / (qmax - qmin)), eps);  zp = clamp(bf(qmin - rint(bf(min / s))), qmin, qmax)
 *   (eps = 2^-23 is a bf16 value). Int8Tensor asks for an fp32 scale, so 1/s, x * (1/s)
 *   and the rest of the quantization are fp32 ops as above. Epilogue:
 *   y = bf(float(c) * a_scale[m])
 *   ASYMMETRIC: y = bf(y - bf(float(float(a_zp[m]) * a_scale[m]) * float(rowsum(w_q)[n])))
 *   y = bf(y * w_scale[n] + bias[n])   (the product and the sum each rounded to fp32 first)
 *   A row whose bf16 min or max is infinite (|x| >= 3.3961776e38 rounds to inf) gives NaN outputs.
 * Verified bit-exact against the golden act_q / act_scale / act_zero_point and outputs
 * of every da8w8 case, fp32 and bf16 models (native/test/int8_golden_test.cpp)
 * (see ../shared/notes/torchao-semantics.md and ../shared/golden/check_semantics.py).
 *
 * Backends: oneDNN's int8 matmul (weights reordered once, at pack time, into
 * oneDNN's blocked layout for this CPU) or jao's own kernels; both give the
 * exact c, so every backend, tier and thread count give bit-identical y.
 */
#ifndef JAO_JAO_INT8_H
#define JAO_JAO_INT8_H

#include <stdint.h>

#include "jao/jao_affine.h"
#include "jao/jao_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Activation quantization of the int8 linear (per token unless JAO_INT8_ACT_PER_TENSOR). Values are stable. */
typedef enum jao_act_mapping {
    JAO_ACT_SYMMETRIC = 0,  /**< zero point 0, scale amax / 127.5 */
    JAO_ACT_ASYMMETRIC = 1  /**< int8 zero point, scale (max - min) / 255 */
} jao_act_mapping;

/**
 * Options of the activation quantization (bit flags of jao_int8_params.act_flags);
 * 0 is Int8DynamicActivationInt8WeightConfig's default (PerRow). Values are stable.
 */
typedef enum jao_int8_act_flag {
    JAO_INT8_ACT_PER_TENSOR = 1,   /**< one scale / zero point for all of x (granularity=PerTensor()) */
    JAO_INT8_ACT_REDUCE_RANGE = 2, /**< qmin, qmax = -64, 63 (torchao's reduce_range=True) */
    JAO_INT8_ACT_BF16 = 4          /**< a bf16 model: x holds bf16 values (others are rounded to bf16); the
                                        activation scale and the epilogue follow torchao's bf16 arithmetic */
} jao_int8_act_flag;

/** Integer matmul engines of the int8 linear. Values are stable. */
typedef enum jao_int8_backend {
    /**
     * Pack request only, resolved from measurements (native/bench/jao_bench_int8.cpp,
     * kernels/int8_backend_choice.cpp): JAO on AVX-512 VNNI CPUs (its full path was
     * faster than the oneDNN one in 16 of 19 measured shape x M points: by 16-24 % at
     * M = 1, -1 to +8 % at M = 128), ONEDNN below AVX-512 VNNI when oneDNN has VNNI there
     * (AVX-VNNI), JAO on x86 CPUs without any VNNI (see ONEDNN); on Arm JAO when dotprod or
     * i8mm is active (not measured: no Arm timings exist), ONEDNN on NEON-only cores.
     */
    JAO_INT8_BACKEND_AUTO = 0,
    /**
     * oneDNN matmul s8 x s8 -> s32, blocked weights. JAO_UNSUPPORTED (pack and run) on x86
     * CPUs without VNNI (AVX2-only, AVX-512 Skylake): oneDNN's kernels there sum u8 x s8
     * pairs in saturating int16, so its results would not be exact.
     */
    JAO_INT8_BACKEND_ONEDNN = 1,
    JAO_INT8_BACKEND_JAO = 2     /**< jao's own kernels: VNNI / AVX2, Arm i8mm / dotprod / NEON, scalar */
} jao_int8_backend;

/** Parameters of one packed int8 weight. */
typedef struct jao_int8_params {
    int64_t n;            /**< output features, 1 <= n < 2^31 */
    int64_t k;            /**< input features, 1 <= k <= 131071 (larger: JAO_UNSUPPORTED, the int32 sums could wrap) */
    int32_t act_mapping;  /**< jao_act_mapping */
    int32_t has_bias;     /**< 0 or 1 */
    int32_t backend;      /**< jao_int8_backend */
    int32_t act_flags;    /**< jao_int8_act_flag bits; 0 = per token, full int8 range. Fills what was
                               the struct's tail padding: size and offsets are unchanged */
} jao_int8_params;

/** What a packed buffer holds and how a run with `m` rows would execute. */
typedef struct jao_int8_info {
    jao_int8_params params;  /**< as packed (backend resolved) */
    int32_t format_version;  /**< version of the byte format */
    int32_t isa;             /**< jao_isa tier the run would use now */
    int64_t workspace_size;  /**< bytes jao_int8_workspace_size returns for m */
} jao_int8_info;

/** Bytes of the packed buffer for these parameters (header included). */
JAO_API jao_status jao_int8_packed_size(const jao_int8_params* params, int64_t* size);

/**
 * Packs qdata [n, k] int8, w_scale [n] fp32 (finite, > 0) and bias [n] (non-NULL
 * exactly when has_bias) into dst (4-byte aligned; every call taking a packed
 * buffer requires that alignment). A oneDNN-backed buffer holds oneDNN's blocked
 * layout for this CPU: running it on a CPU whose oneDNN wants another layout
 * returns JAO_UNSUPPORTED (jao_int8_unpack still works: repack from its output).
 */
JAO_API jao_status jao_int8_pack(const jao_int8_params* params, const int8_t* qdata, const float* w_scale,
                                 const float* bias, void* dst, int64_t dst_size);

/** Bytes of workspace jao_int8_linear_run and jao_int8_linear_run_typed need for m rows. */
JAO_API jao_status jao_int8_workspace_size(const void* packed, int64_t packed_size, int64_t m, int64_t* size);

/**
 * y[m, n] = linear(x[m, k]), m >= 1; NaN/inf rows of x give NaN rows of y (with
 * JAO_INT8_ACT_PER_TENSOR any NaN/inf in x makes all of y NaN). Thread safe.
 */
JAO_API jao_status jao_int8_linear_run(const void* packed, int64_t packed_size, int64_t m, const float* x, float* y,
                                       void* workspace, int64_t workspace_size);

/**
 * jao_int8_linear_run with activations and outputs of any jao_float_type: x [m, k] of x_type,
 * y [m, n] of y_type (JAO_F32, JAO_BF16 or JAO_F16; anything else is JAO_INVALID_ARGUMENT).
 * 16-bit activations widen to fp32 exactly, so y is bitwise jao_int8_linear_run's result on the
 * widened x (bf16 models: pack with JAO_INT8_ACT_BF16, and the bf16 y is then torchao's); a 16-bit
 * y is that fp32 result rounded to nearest even (NaN stays NaN). Workspace: jao_int8_workspace_size.
 */
JAO_API jao_status jao_int8_linear_run_typed(const void* packed, int64_t packed_size, int64_t m, const void* x,
                                             int32_t x_type, void* y, int32_t y_type, void* workspace,
                                             int64_t workspace_size);

/** Reads the header and the tier a run with m rows (>= 1) would use. */
JAO_API jao_status jao_int8_packed_info(const void* packed, int64_t packed_size, int64_t m, jao_int8_info* info);

/** Validates the header and the CRC32C of the payload. */
JAO_API jao_status jao_int8_verify(const void* packed, int64_t packed_size);

/** Unpacks qdata [n, k], w_scale [n] and bias [n] (zeros when none); any may be NULL. */
JAO_API jao_status jao_int8_unpack(const void* packed, int64_t packed_size, int8_t* qdata, float* w_scale,
                                   float* bias);

#ifdef __cplusplus
}
#endif

#endif
