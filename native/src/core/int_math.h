// Integer helpers every layer of the library uses (formats, kernels, KleidiAI packers).
#pragma once

#include <cstdint>

namespace jao {

// v rounded up to a multiple of m (v >= 0, m > 0; callers bound v so it cannot overflow).
inline int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

}  // namespace jao
