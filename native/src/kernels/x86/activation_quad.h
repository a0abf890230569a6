// The broadcast operand of the x86 dot-product tiles: 4 consecutive quantized
// activations (one vpdpbusd / vpmaddubsw step of 4 K) read as one int32 from
// any alignment.
#pragma once

#include <cstdint>
#include <cstring>

namespace jao::kernels {

inline int32_t load_quad(const uint8_t* p) {
    int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

}  // namespace jao::kernels
