/* jao core ABI: version, status and errors, CPU capabilities, threads, oneDNN. */
#ifndef JAO_JAO_CORE_H
#define JAO_JAO_CORE_H

#include <stdint.h>

#if defined(_WIN32)
#define JAO_API __declspec(dllexport)
#else
#define JAO_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** ABI version; bumped on every incompatible change of any jao_* declaration. */
#define JAO_ABI_VERSION 1

/** Result of every fallible call. Values are stable. */
typedef enum jao_status {
    JAO_OK = 0,
    JAO_INVALID_ARGUMENT = 1, /**< a null pointer, bad shape, bad parameter or too small buffer */
    JAO_UNSUPPORTED = 2,      /**< valid request this build or CPU cannot serve */
    JAO_OUT_OF_MEMORY = 3,
    JAO_CORRUPT_DATA = 4,     /**< a packed buffer or file failed its header or checksum checks */
    JAO_INTERNAL = 5          /**< a bug in jao: please report the message */
} jao_status;

/**
 * Instruction-set tiers, ordered within each architecture: a higher tier
 * implies every lower one of the same architecture. Values are stable.
 */
typedef enum jao_isa {
    JAO_ISA_SCALAR = 0,
    JAO_ISA_AVX2 = 1,         /**< AVX2 + FMA + F16C */
    JAO_ISA_AVX512 = 2,       /**< AVX-512 F/BW/DQ/VL */
    JAO_ISA_AVX512_VNNI = 3,  /**< AVX-512 + VNNI (vpdpbusd) */
    JAO_ISA_AVX512_BF16 = 4,  /**< + AVX512_BF16 (vdpbf16ps): every CPU with it has VNNI (Zen 4+, Cooper Lake+) */
    JAO_ISA_NEON = 16,        /**< AArch64 Advanced SIMD */
    JAO_ISA_DOTPROD = 17,     /**< + SDOT/UDOT (FEAT_DotProd) */
    JAO_ISA_I8MM = 18         /**< + SMMLA/USMMLA (FEAT_I8MM) */
} jao_isa;

/** Returns JAO_ABI_VERSION of the loaded library. */
JAO_API int32_t jao_abi_version(void);

/** Returns the library version as "major.minor.patch" (static storage). */
JAO_API const char* jao_version_string(void);

/**
 * Returns the message of the calling thread's last failed call, or "" when
 * none has failed. Valid until the thread's next jao call.
 */
JAO_API const char* jao_last_error(void);

/** Returns a short stable name for a status code ("invalid argument", ...). */
JAO_API const char* jao_status_name(int32_t status);

/**
 * Bit mask of the tiers this CPU and OS support (bit i set = tier i usable),
 * probed once with CPUID+XGETBV on x86 and getauxval on AArch64.
 */
JAO_API uint64_t jao_isa_supported_mask(void);

/** The tier kernels run with now: the best supported one, capped (see jao_isa_set_cap). */
JAO_API int32_t jao_isa_active(void);

/**
 * Caps the tier used by kernels at `tier` (for tests and benchmarks). The cap
 * starts from the JAO_ISA environment variable when set. Fails with
 * JAO_INVALID_ARGUMENT for an unknown tier and JAO_UNSUPPORTED for a tier of
 * another architecture or one this CPU lacks.
 */
JAO_API jao_status jao_isa_set_cap(int32_t tier);

/** Name of a tier ("avx512_vnni", ...), or NULL for an unknown value. */
JAO_API const char* jao_isa_name(int32_t tier);

/** Parses a tier name as accepted by JAO_ISA; writes the tier to *tier. */
JAO_API jao_status jao_isa_parse(const char* name, int32_t* tier);

/** Number of threads one jao call may use (default: the number of online CPUs). */
JAO_API int32_t jao_threads_get(void);

/** Sets the number of threads one jao call may use; 1 <= n <= 4096. */
JAO_API jao_status jao_threads_set(int32_t n);

/**
 * Measures the sustained read bandwidth of this machine in GB/s (1e9 bytes/s): the
 * best of `repeats` passes of `threads` threads reading a freshly allocated and filled
 * buffer of `bytes` (use a multiple of the last-level cache, e.g. 512 MiB, to measure
 * DRAM). This is the roof of weight-streaming (M = 1) kernels; measure it in the same
 * run as the kernels it is compared with. 2^20 <= bytes <= 2^36, 1 <= threads <= 4096,
 * 1 <= repeats <= 1000; JAO_OUT_OF_MEMORY when the buffer cannot be allocated.
 */
JAO_API jao_status jao_measure_read_bandwidth(int64_t bytes, int32_t threads, int32_t repeats, double* gbs);

/**
 * The passes of jao_measure_read_bandwidth one by one: gbs[i] = GB/s of pass i, for
 * 0 <= i < passes (1 <= passes <= 1000; gbs holds `passes` doubles). Benchmarks that
 * report a kernel's median call compare it with the median pass.
 */
JAO_API jao_status jao_measure_read_passes(int64_t bytes, int32_t threads, int32_t passes, double* gbs);

/** Writes the version of the linked oneDNN (proves the link) into the three outputs. */
JAO_API jao_status jao_onednn_version(int32_t* major, int32_t* minor, int32_t* patch);

#ifdef __cplusplus
}
#endif

#endif
