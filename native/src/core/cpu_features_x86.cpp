// x86 probe: CPUID for the instructions, XGETBV for the OS saving their
// register state (an OS without AVX-512 state support must not get AVX-512
// kernels even if CPUID lists them).
#if defined(__x86_64__)
#include <cpuid.h>

#include <atomic>

#include "core/cpu_features.h"
#include "jao/jao_core.h"

namespace jao::core {
namespace {

struct Regs {
    unsigned a = 0, b = 0, c = 0, d = 0;
};

Regs cpuid(unsigned leaf, unsigned sub) {
    Regs r;
    __cpuid_count(leaf, sub, r.a, r.b, r.c, r.d);
    return r;
}

uint64_t xgetbv0() {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<uint64_t>(hi) << 32) | lo;
}

bool bit(unsigned value, int i) { return (value >> i) & 1u; }

uint64_t probe() {
    uint64_t mask = 1ull << JAO_ISA_SCALAR;
    if (__get_cpuid_max(0, nullptr) < 7) return mask;
    Regs l1 = cpuid(1, 0);
    if (!bit(l1.c, 27)) return mask;  // OSXSAVE: XGETBV usable
    uint64_t xcr0 = xgetbv0();
    bool os_avx = (xcr0 & 0x6) == 0x6;          // XMM + YMM state
    bool os_avx512 = (xcr0 & 0xe6) == 0xe6;     // + opmask, ZMM_Hi256, Hi16_ZMM
    Regs l7 = cpuid(7, 0);
    bool avx2 = bit(l7.b, 5), fma = bit(l1.c, 12), f16c = bit(l1.c, 29);
    if (os_avx && avx2 && fma && f16c) mask |= 1ull << JAO_ISA_AVX2;
    bool avx512 = bit(l7.b, 16) && bit(l7.b, 17) && bit(l7.b, 30) && bit(l7.b, 31);  // F DQ BW VL
    if (os_avx512 && avx512 && (mask & (1ull << JAO_ISA_AVX2))) {
        mask |= 1ull << JAO_ISA_AVX512;
        if (bit(l7.c, 11)) {
            mask |= 1ull << JAO_ISA_AVX512_VNNI;
            if (bit(cpuid(7, 1).a, 5)) mask |= 1ull << JAO_ISA_AVX512_BF16;  // tiers are ordered: only above VNNI
        }
    }
    return mask;
}

bool probe_gfni() {
    if (!(supported_isa_mask() >> JAO_ISA_AVX512 & 1)) return false;
    return bit(cpuid(7, 0).c, 8);
}

std::atomic<bool> gfni_allowed{true};

}  // namespace

uint64_t supported_isa_mask() noexcept {
    static const uint64_t mask = probe();
    return mask;
}

bool gfni_usable() noexcept {
    static const bool present = probe_gfni();
    return present && gfni_allowed.load(std::memory_order_relaxed);
}

void allow_gfni(bool allowed) noexcept { gfni_allowed.store(allowed, std::memory_order_relaxed); }

}  // namespace jao::core
#endif
