#include "core/isa.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "abi/guard.h"
#include "core/cpu_features.h"

namespace jao::core {
namespace {

constexpr struct {
    jao_isa tier;
    const char* name;
} kTiers[] = {
    {JAO_ISA_SCALAR, "scalar"}, {JAO_ISA_AVX2, "avx2"},       {JAO_ISA_AVX512, "avx512"},
    {JAO_ISA_AVX512_VNNI, "avx512_vnni"}, {JAO_ISA_AVX512_BF16, "avx512_bf16"}, {JAO_ISA_NEON, "neon"},
    {JAO_ISA_DOTPROD, "dotprod"}, {JAO_ISA_I8MM, "i8mm"},
};

bool same_arch(int32_t a, int32_t b) { return (a == JAO_ISA_SCALAR || b == JAO_ISA_SCALAR) || ((a >= 16) == (b >= 16)); }

constexpr int32_t kNoCap = -1;

// Best supported tier, or best <= cap when capped (tiers of one architecture
// are ordered by value; a cap is always a supported tier of this architecture).
jao_isa best_under(int32_t cap) {
    uint64_t mask = supported_isa_mask();
    jao_isa best = JAO_ISA_SCALAR;
    for (const auto& t : kTiers)
        if ((mask >> t.tier & 1) && (cap == kNoCap || (t.tier <= cap && same_arch(t.tier, cap)))) best = t.tier;
    return best;
}

int32_t initial_cap() {
    const char* env = std::getenv("JAO_ISA");
    int32_t tier = kNoCap;
    if (env == nullptr || *env == '\0') return kNoCap;
    if (!parse_isa(env, &tier) || !(supported_isa_mask() >> tier & 1)) {
        std::fprintf(stderr, "jao: ignoring JAO_ISA=%s (unknown or not supported by this CPU)\n", env);
        return kNoCap;
    }
    return tier;
}

std::atomic<int32_t>& cap() {
    static std::atomic<int32_t> value{initial_cap()};
    return value;
}

}  // namespace

jao_isa active_isa() noexcept { return best_under(cap().load(std::memory_order_relaxed)); }

void set_isa_cap(int32_t tier) {
    const char* name = isa_name(tier);
    if (name == nullptr) fail(JAO_INVALID_ARGUMENT, "jao_isa_set_cap: unknown ISA tier " + std::to_string(tier));
    if (!(supported_isa_mask() >> tier & 1))
        fail(JAO_UNSUPPORTED, std::string("jao_isa_set_cap: this CPU does not support ") + name);
    cap().store(tier, std::memory_order_relaxed);
}

const char* isa_name(int32_t tier) noexcept {
    for (const auto& t : kTiers)
        if (t.tier == tier) return t.name;
    return nullptr;
}

bool parse_isa(const char* name, int32_t* tier) noexcept {
    if (name == nullptr) return false;
    for (const auto& t : kTiers)
        if (std::strcmp(t.name, name) == 0) {
            *tier = t.tier;
            return true;
        }
    return false;
}

}  // namespace jao::core
