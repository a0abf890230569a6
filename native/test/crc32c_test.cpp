// CRC32C: the known answer, and equality with a bit-by-bit reference on random lengths
// and alignments (covers whichever path — SSE4.2 or tables — this CPU takes).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "pack/crc32c.h"

namespace {

uint32_t bitwise_crc32c(const uint8_t* p, size_t n) {
    uint32_t c = ~0u;
    for (size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int b = 0; b < 8; ++b) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1u)));
    }
    return ~c;
}

}  // namespace

TEST(Crc32c, KnownAnswerAndReference) {
    const char* check = "123456789";
    EXPECT_EQ(jao::pack::crc32c(check, 9), 0xE3069283u);
    std::mt19937 rng(3);
    std::vector<uint8_t> buf(4099);
    for (auto& b : buf) b = static_cast<uint8_t>(rng());
    for (size_t off : {0, 1, 3, 7}) {
        for (size_t len : {0, 1, 7, 8, 9, 63, 64, 1000, 4091}) {
            EXPECT_EQ(jao::pack::crc32c(buf.data() + off, len), bitwise_crc32c(buf.data() + off, len)) << off << "+" << len;
        }
    }
    uint32_t split = jao::pack::crc32c(buf.data() + 100, 1000, jao::pack::crc32c(buf.data(), 100));
    EXPECT_EQ(split, jao::pack::crc32c(buf.data(), 1100));
}
