// The active ISA tier: the best the CPU supports, capped by JAO_ISA or
// jao_isa_set_cap so tests and benchmarks can run every lower tier.
#pragma once

#include <cstdint>

#include "jao/jao_core.h"

namespace jao::core {

jao_isa active_isa() noexcept;
// Throws jao::Error for unknown or unsupported tiers.
void set_isa_cap(int32_t tier);
const char* isa_name(int32_t tier) noexcept;
bool parse_isa(const char* name, int32_t* tier) noexcept;

}  // namespace jao::core
