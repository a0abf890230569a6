// Reports the linked oneDNN version: the smallest call that proves the link.
#include <dnnl.h>

#include "abi/guard.h"

extern "C" JAO_API jao_status jao_onednn_version(int32_t* major, int32_t* minor, int32_t* patch) {
    return jao::abi::guarded("jao_onednn_version", [&] {
        jao::require(major && minor && patch, "jao_onednn_version", "output pointers must not be null");
        const dnnl_version_t* v = dnnl_version();
        *major = v->major;
        *minor = v->minor;
        *patch = v->patch;
    });
}
