// C entry points of jao_core.h: version, capabilities, ISA cap, threads, read bandwidth.
#include "abi/guard.h"
#include "core/cpu_features.h"
#include "core/isa.h"
#include "core/read_bandwidth.h"
#include "core/threads.h"

#ifndef JAO_VERSION
#error "JAO_VERSION must be defined by the build"
#endif

extern "C" {

JAO_API int32_t jao_abi_version(void) { return JAO_ABI_VERSION; }

JAO_API const char* jao_version_string(void) { return JAO_VERSION; }

JAO_API uint64_t jao_isa_supported_mask(void) { return jao::core::supported_isa_mask(); }

JAO_API int32_t jao_isa_active(void) { return jao::core::active_isa(); }

JAO_API jao_status jao_isa_set_cap(int32_t tier) {
    return jao::abi::guarded("jao_isa_set_cap", [&] { jao::core::set_isa_cap(tier); });
}

JAO_API const char* jao_isa_name(int32_t tier) { return jao::core::isa_name(tier); }

JAO_API jao_status jao_isa_parse(const char* name, int32_t* tier) {
    return jao::abi::guarded("jao_isa_parse", [&] {
        jao::require(name != nullptr && tier != nullptr, "jao_isa_parse", "arguments must not be null");
        if (!jao::core::parse_isa(name, tier))
            jao::fail(JAO_INVALID_ARGUMENT, std::string("jao_isa_parse: unknown ISA tier '") + name +
                                                "' (known: scalar, avx2, avx512, avx512_vnni, neon, dotprod, i8mm)");
    });
}

JAO_API int32_t jao_threads_get(void) { return jao::core::max_threads(); }

JAO_API jao_status jao_threads_set(int32_t n) {
    return jao::abi::guarded("jao_threads_set", [&] { jao::core::set_max_threads(n); });
}

JAO_API jao_status jao_measure_read_bandwidth(int64_t bytes, int32_t threads, int32_t repeats, double* gbs) {
    return jao::abi::guarded("jao_measure_read_bandwidth", [&] {
        jao::require(gbs != nullptr, "jao_measure_read_bandwidth", "gbs must not be null");
        *gbs = jao::core::measure_read_bandwidth(bytes, threads, repeats);
    });
}

JAO_API jao_status jao_measure_read_passes(int64_t bytes, int32_t threads, int32_t passes, double* gbs) {
    return jao::abi::guarded("jao_measure_read_passes", [&] {
        jao::require(gbs != nullptr, "jao_measure_read_passes", "gbs must not be null");
        jao::core::measure_read_passes(bytes, threads, passes, gbs);
    });
}

}
