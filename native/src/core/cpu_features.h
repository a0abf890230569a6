// What the CPU and OS support, probed once: the source of truth for dispatch.
#pragma once

#include <cstdint>

namespace jao::core {

// Bit mask of supported jao_isa tiers (bit i = tier i).
uint64_t supported_isa_mask() noexcept;

#if defined(__x86_64__)
// GFNI with AVX-512 (vgf2p8affineqb on zmm) is present and allowed: kernels of
// the AVX-512 VNNI tier use it inside the tier when true (it is no tier of its
// own; Cascade Lake has VNNI without it).
bool gfni_usable() noexcept;
// Tests: allowed = false runs the paths a CPU without GFNI takes (default true).
void allow_gfni(bool allowed) noexcept;
#endif

}  // namespace jao::core
