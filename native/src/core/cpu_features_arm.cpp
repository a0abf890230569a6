// AArch64 probe: the kernel's hardware capability bits (getauxval).
#if defined(__aarch64__)
#include <sys/auxv.h>

#include "core/cpu_features.h"
#include "jao/jao_core.h"

#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1 << 13)
#endif

namespace jao::core {

uint64_t supported_isa_mask() noexcept {
    static const uint64_t mask = [] {
        uint64_t m = (1ull << JAO_ISA_SCALAR) | (1ull << JAO_ISA_NEON);  // ASIMD is mandatory on AArch64
        unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
        if (hw & HWCAP_ASIMDDP) {
            m |= 1ull << JAO_ISA_DOTPROD;
            if (hw2 & HWCAP2_I8MM) m |= 1ull << JAO_ISA_I8MM;
        }
        return m;
    }();
    return mask;
}

}  // namespace jao::core
#endif
