// core::WorkGrid: every (row tile, column block) goes to exactly one thread,
// columns are split first, rows only when that shortens the busiest thread.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/work_grid.h"

using jao::core::UnitRange;
using jao::core::WorkGrid;

namespace {

// Units of the busiest thread; fails the test unless the grid is covered exactly once.
int64_t busiest(const WorkGrid& g, int64_t rows, int64_t cols) {
    std::vector<int> hits(static_cast<size_t>(rows * cols), 0);
    int64_t most = 0;
    for (int t = 0; t < g.threads(); ++t) {
        const UnitRange r = g.rows_of(t), c = g.cols_of(t);
        EXPECT_LE(0, r.begin);
        EXPECT_LE(r.end, rows);
        EXPECT_LE(0, c.begin);
        EXPECT_LE(c.end, cols);
        for (int64_t i = r.begin; i < r.end; ++i)
            for (int64_t j = c.begin; j < c.end; ++j) ++hits[static_cast<size_t>(i * cols + j)];
        most = std::max(most, (r.end - r.begin) * (c.end - c.begin));
    }
    for (int h : hits) EXPECT_EQ(h, 1);
    return most;
}

}  // namespace

TEST(WorkGrid, CoversEveryUnitOnce) {
    for (int threads : {1, 2, 3, 4, 5, 8, 16})
        for (int64_t rows : {1, 2, 3, 7, 16, 64})
            for (int64_t cols : {1, 2, 3, 5, 16, 688}) {
                SCOPED_TRACE(::testing::Message() << threads << " threads, " << rows << " x " << cols);
                const WorkGrid g(rows, cols, threads);
                EXPECT_GE(g.threads(), 1);
                EXPECT_LE(g.threads(), threads);
                const int64_t most = busiest(g, rows, cols);
                // No worse than splitting the columns alone.
                const int64_t col_only = (cols + std::min<int64_t>(threads, cols) - 1) / std::min<int64_t>(threads, cols);
                EXPECT_LE(most, col_only * rows);
            }
}

TEST(WorkGrid, SplitsColumnsFirst) {
    const WorkGrid wide(16, 688, 2);  // N = 11008, M = 128 in 8-row tiles
    EXPECT_EQ(wide.threads(), 2);
    EXPECT_EQ(wide.rows_of(1).begin, 0);
    EXPECT_EQ(wide.rows_of(1).end, 16);
    EXPECT_EQ(wide.cols_of(0).end, 344);
}

TEST(WorkGrid, SplitsRowsWhenColumnsAreFew) {
    const WorkGrid narrow(64, 1, 2);  // N <= 16, M = 512: one block, two row halves
    ASSERT_EQ(narrow.threads(), 2);
    EXPECT_EQ(narrow.rows_of(0).end, 32);
    EXPECT_EQ(narrow.rows_of(1).begin, 32);
    const WorkGrid uneven(64, 3, 2);  // 3 blocks on 2 threads: 2 + 1 blocks vs 1.5 each by rows
    EXPECT_EQ(busiest(uneven, 64, 3), 96);
    const WorkGrid gemv(1, 1, 8);  // nothing to split
    EXPECT_EQ(gemv.threads(), 1);
}

// A team smaller than the grid was made for (OpenMP started fewer threads) still
// covers every unit once; team members beyond the new grid get nothing.
TEST(WorkGrid, ForTeamCoversEveryUnitWithTheThreadsThatRun) {
    for (int threads : {2, 3, 4, 8})
        for (int64_t rows : {1, 3, 16})
            for (int64_t cols : {1, 2, 5, 688}) {
                const WorkGrid g(rows, cols, threads);
                for (int team = 1; team <= g.threads(); ++team) {
                    SCOPED_TRACE(::testing::Message() << threads << " threads, team " << team << ", " << rows << " x "
                                                      << cols);
                    const WorkGrid t = g.for_team(team);
                    EXPECT_LE(t.threads(), team);
                    busiest(t, rows, cols);
                    for (int extra = t.threads(); extra < team; ++extra) {
                        EXPECT_EQ(t.rows_of(extra).end - t.rows_of(extra).begin, 0);
                        EXPECT_EQ(t.cols_of(extra).end - t.cols_of(extra).begin, 0);
                    }
                }
            }
}
