// The 64-byte header every packed buffer starts with (DESIGN §3): 16
// little-endian int32 words, word 15 = CRC32C of bytes 0..59. Shared by the
// intx and int8 formats so both read and seal headers the same way.
#pragma once

#include <cstdint>
#include <cstring>

#include "pack/crc32c.h"

namespace jao::pack {

constexpr int64_t kHeaderBytes = 64;
constexpr int32_t kTorchaoMagic = 6712;  // torchao PackedWeightsHeader::magic
constexpr int kHeaderCrcWord = 15;

inline int32_t load_word(const uint8_t* h, int i) {
    int32_t w;
    std::memcpy(&w, h + 4 * i, 4);  // little-endian hosts only (x86_64, aarch64)
    return w;
}

inline void store_word(uint8_t* h, int i, int32_t w) { std::memcpy(h + 4 * i, &w, 4); }

inline uint32_t header_crc(const uint8_t* h) { return crc32c(h, 60); }

inline bool header_crc_ok(const uint8_t* h) { return static_cast<uint32_t>(load_word(h, kHeaderCrcWord)) == header_crc(h); }

// Writes word 15 once words 0..14 are final.
inline void seal_header(uint8_t* h) { store_word(h, kHeaderCrcWord, static_cast<int32_t>(header_crc(h))); }

inline int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

}  // namespace jao::pack
