// JAO_INT8_BACKEND_AUTO: which integer matmul engine a pack request gets.
#pragma once

#include <cstdint>

namespace jao::kernels::int8 {

// Resolved backend (JAO_INT8_BACKEND_JAO or _ONEDNN) on this CPU (its active tier).
int32_t auto_backend();

}  // namespace jao::kernels::int8
