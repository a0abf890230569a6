// JAO_INT8_BACKEND_AUTO: which integer matmul engine a pack request gets.
#pragma once

#include <cstdint>

namespace jao::kernels::int8 {

// Resolved backend (JAO_INT8_BACKEND_JAO or _ONEDNN) for an [n, k] weight on this CPU.
int32_t auto_backend(int64_t n, int64_t k);

}  // namespace jao::kernels::int8
