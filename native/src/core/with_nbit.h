// Runtime weight bit width -> compile-time template argument, for the kernels
// whose inner loops are unrolled per bit width (intx, weight-only).
#pragma once

#include <type_traits>

namespace jao {

// Calls f(std::integral_constant<int, nbit>{}) for nbit in 1..7, and with 8 for
// any other value (formats validate nbit in [1, 8] before a kernel runs). The
// callee reads the width as decltype(arg)::value.
template <class F>
decltype(auto) with_nbit(int nbit, F&& f) {
    switch (nbit) {
        case 1: return f(std::integral_constant<int, 1>{});
        case 2: return f(std::integral_constant<int, 2>{});
        case 3: return f(std::integral_constant<int, 3>{});
        case 4: return f(std::integral_constant<int, 4>{});
        case 5: return f(std::integral_constant<int, 5>{});
        case 6: return f(std::integral_constant<int, 6>{});
        case 7: return f(std::integral_constant<int, 7>{});
        default: return f(std::integral_constant<int, 8>{});
    }
}

}  // namespace jao
