// core::read_words (the read probe's loop on any buffer): every word is read
// exactly once, whatever the length (whole 256 KiB blocks, a partial last
// block, quarters that are not multiples of the vector width) and team size.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "core/read_bandwidth.h"

namespace {

TEST(ReadWords, SumsEveryWordOnceAtAnyLengthAndTeam) {
    std::mt19937_64 rng(3);
    constexpr int64_t kBlock = 32768;  // words of a 256 KiB block
    for (int64_t count : {int64_t{0}, int64_t{1}, int64_t{3}, int64_t{17}, int64_t{4095}, kBlock - 1, kBlock,
                          kBlock + 5, 3 * kBlock + 1234, 7 * kBlock}) {
        // Each word's bit pattern is distinct: a word read twice or skipped changes the sum.
        std::vector<uint64_t> words(static_cast<size_t>(count));
        for (auto& w : words) w = rng() >> 8;
        const uint64_t want = std::accumulate(words.begin(), words.end(), uint64_t{0});
        for (int32_t threads : {1, 2, 3})
            EXPECT_EQ(jao::core::read_words(words.data(), count, threads), want)
                << "count " << count << " threads " << threads;
    }
}

}  // namespace
