// How a linear kernel spreads its (row tiles x column blocks) grid over threads.
//
// Splitting the columns is the first choice: every weight byte then leaves
// memory once per call and each thread streams its own columns. When there are
// too few column blocks for the threads (small N, e.g. a 16-wide projection
// with a long prompt), or they divide badly, the rows are split as well: each
// row part then re-reads its columns' weights, which are few in exactly that
// case. Every output is still computed by one tile call over whole row tiles,
// so results never depend on the split.
#pragma once

#include <algorithm>
#include <cstdint>

namespace jao::core {

// Half-open range of grid units.
struct UnitRange {
    int64_t begin = 0, end = 0;
};

class WorkGrid {
public:
    // row_units / col_units: row tiles and column blocks of the call (>= 1 each).
    WorkGrid(int64_t row_units, int64_t col_units, int max_threads)
        : row_units_(std::max<int64_t>(1, row_units)), col_units_(std::max<int64_t>(1, col_units)) {
        const int64_t budget = std::max(1, max_threads);
        int64_t best_cost = INT64_MAX;
        // Largest column split first; a row split wins only by a strictly smaller
        // critical path (units of the busiest thread).
        for (int64_t cols = std::min(budget, col_units_); cols >= 1; --cols) {
            const int64_t rows = std::min(budget / cols, row_units_);
            const int64_t cost = ceil_div(col_units_, cols) * ceil_div(row_units_, rows);
            if (cost < best_cost) {
                best_cost = cost;
                row_parts_ = rows;
                col_parts_ = cols;
            }
        }
    }

    int threads() const { return static_cast<int>(row_parts_ * col_parts_); }
    // The same grid spread over the team that actually runs: OpenMP may start fewer
    // threads than asked (inside the caller's own parallel region, OMP_DYNAMIC,
    // thread limits), and a thread missing from a grid made for more would leave
    // its part of y unwritten.
    WorkGrid for_team(int team_threads) const {
        return team_threads == threads() ? *this : WorkGrid(row_units_, col_units_, team_threads);
    }

    // Thread t's row tiles and column blocks: contiguous, balanced, covering the grid
    // once over 0 <= t < threads(); empty for t >= threads() (a team larger than the grid).
    UnitRange rows_of(int t) const {
        return t < threads() ? part(row_units_, row_parts_, t / col_parts_) : UnitRange{};
    }
    UnitRange cols_of(int t) const {
        return t < threads() ? part(col_units_, col_parts_, t % col_parts_) : UnitRange{};
    }

private:
    static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
    static UnitRange part(int64_t units, int64_t parts, int64_t i) {
        return {units * i / parts, units * (i + 1) / parts};
    }

    int64_t row_units_, col_units_;
    int64_t row_parts_ = 1, col_parts_ = 1;
};

}  // namespace jao::core
