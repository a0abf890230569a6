// core::ColumnClaims: concurrent threads claim every column block exactly once,
// in claims of at least kMinClaimBytes (and kMinClaimBlocks) while enough is left.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "core/column_claims.h"

using jao::core::ColumnClaims;
using jao::core::UnitRange;
using jao::core::WorkGrid;

namespace {

int64_t smallest_claim(int64_t block_bytes) {
    const int64_t by_bytes = (ColumnClaims::kMinClaimBytes + block_bytes - 1) / block_bytes;
    return std::max(by_bytes, ColumnClaims::kMinClaimBlocks);
}

}  // namespace

TEST(ColumnClaims, ConcurrentThreadsClaimEveryBlockOnce) {
    for (int threads : {2, 3, 4, 16})
        for (int64_t blocks : {2, 3, 7, 64, 688, 2000})
            for (int64_t block_bytes : {int64_t{1} << 10, int64_t{18} << 10, int64_t{64} << 10, int64_t{1} << 20})
                for (int rep = 0; rep < 3; ++rep) {
                    SCOPED_TRACE(::testing::Message() << threads << " threads, " << blocks << " blocks of "
                                                      << block_bytes << " bytes");
                    const WorkGrid grid(1, blocks, threads);
                    ASSERT_TRUE(ColumnClaims::fits(grid));
                    ColumnClaims claims(grid, block_bytes);
                    std::vector<std::atomic<int>> hits(static_cast<size_t>(blocks));
                    std::atomic<int> bad_ranges{0};
                    std::vector<std::thread> team;
                    const int nt = grid.threads();
                    for (int t = 0; t < nt; ++t)
                        team.emplace_back([&, t] {
                            claims.run_claims(t, nt, [&](UnitRange c) {
                                if (c.begin < 0 || c.end > blocks || c.begin >= c.end) ++bad_ranges;
                                for (int64_t b = c.begin; b < c.end && b >= 0 && b < blocks; ++b)
                                    hits[static_cast<size_t>(b)].fetch_add(1);
                            });
                        });
                    for (std::thread& t : team) t.join();
                    EXPECT_EQ(bad_ranges.load(), 0);
                    for (int64_t b = 0; b < blocks; ++b)
                        EXPECT_EQ(hits[static_cast<size_t>(b)].load(), 1) << "block " << b;
                }
}

TEST(ColumnClaims, ClaimsAreAtLeastTheSmallestClaimWhileEnoughIsLeft) {
    const int64_t blocks = 688;
    for (int64_t block_bytes : {int64_t{1} << 10, int64_t{18} << 10, int64_t{64} << 10, int64_t{176} << 10}) {
        SCOPED_TRACE(::testing::Message() << "blocks of " << block_bytes << " bytes");
        const int64_t least = smallest_claim(block_bytes);
        const WorkGrid grid(1, blocks, 2);
        ColumnClaims claims(grid, block_bytes);
        // Thread 0 claims its whole range, then takes thread 1's from the back: one thread at a time.
        const UnitRange own = grid.cols_of(0), other = grid.cols_of(1);
        UnitRange c;
        int64_t next = own.begin;
        while (claims.next_own(0, &c)) {
            EXPECT_EQ(c.begin, next);
            const int64_t left = own.end - c.begin;
            EXPECT_EQ(c.end - c.begin, std::min(left, std::max(left / 2, least)));  // half of what is left
            next = c.end;
        }
        EXPECT_EQ(next, own.end);
        int64_t end = other.end;
        while (claims.steal(2, &c)) {
            EXPECT_EQ(c.end, end);
            const int64_t left = end - other.begin, half = (left + 1) / 2;
            EXPECT_EQ(c.end - c.begin, std::min(half, least));
            end = c.begin;
        }
        EXPECT_EQ(end, other.begin);
    }
}
