// What the CPU and OS support, probed once: the source of truth for dispatch.
#pragma once

#include <cstdint>

namespace jao::core {

// Bit mask of supported jao_isa tiers (bit i = tier i).
uint64_t supported_isa_mask() noexcept;

}  // namespace jao::core
