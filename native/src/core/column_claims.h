// Column blocks of a weight-streaming (GEMV) call, balanced over its team while
// each thread still streams one contiguous range: thread t walks its own range
// of the static split from the front, and a thread done with its own takes
// chunks from the back of the range with the most blocks left. On this VM the
// two vCPUs' read bandwidth differs within a call (one thread of a 2-thread
// int4 4096 x 11008 M=1 call finished 2-25 us after the other, 1-6 % of the
// call), and a static split waits for the slower one. (Claiming every chunk
// from one shared counter instead interleaved the threads' streams: 3-15 %
// slower, 2026-12-02.) Which thread computes a block never changes its result:
// the tiles compute every column alike.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/work_grid.h"

namespace jao::core {

class ColumnClaims {
public:
    static constexpr int kMaxThreads = 16;  // larger teams keep the static split
    // The smallest claim: kMinClaimBytes of weights, and at least one GEMV tile
    // of 4 block streams. Each claim starts its streams cold, and the threads end
    // up to a claim apart: 8 blocks whatever their size (64 KiB at int8 K = 4096)
    // measured 1-2.6 % slower at int8 and int4 M=1 than 128 KiB claims, and 4 blocks
    // 1.4 % slower than 8 at int2 (18 KiB blocks); interleaved A/B, 2026-12-02.
    static constexpr int64_t kMinClaimBytes = 128 * 1024, kMinClaimBlocks = 4;

    // Whether the grid's team can share its columns this way: the grid splits the
    // columns only (one row part), over 2..kMaxThreads threads.
    static bool fits(const WorkGrid& grid) {
        const int nt = grid.threads();
        return nt > 1 && nt <= kMaxThreads && grid.rows_of(nt - 1).begin == 0;
    }

    // Ranges of the static split of blocks of block_bytes each; call before the
    // team starts (fits(grid) true).
    ColumnClaims(const WorkGrid& grid, int64_t block_bytes)
        : claim_(block_bytes > 0 && (kMinClaimBytes + block_bytes - 1) / block_bytes > kMinClaimBlocks
                     ? (kMinClaimBytes + block_bytes - 1) / block_bytes
                     : kMinClaimBlocks) {
        for (int t = 0; t < grid.threads() && t < kMaxThreads; ++t) {
            const UnitRange r = grid.cols_of(t);
            slots_[t].left.store(pack(r.begin, r.end), std::memory_order_relaxed);
        }
    }

    // The owner's next blocks from the front of its range: half of what is left, at
    // least a smallest claim (guided: few claims, each a cold start of the tile's streams,
    // and small ones at the end, where the others may take some); false once none is left.
    bool next_own(int t, UnitRange* got) {
        std::atomic<uint64_t>& s = slots_[t].left;
        uint64_t cur = s.load(std::memory_order_relaxed);
        for (;;) {
            const int64_t b = begin_of(cur), e = end_of(cur);
            if (b >= e) return false;
            const int64_t want = (e - b) / 2 > claim_ ? (e - b) / 2 : claim_;
            const int64_t take = e - b < want ? e - b : want;
            if (s.compare_exchange_weak(cur, pack(b + take, e), std::memory_order_relaxed)) {
                *got = {b, b + take};
                return true;
            }
        }
    }

    // Up to a smallest claim (at most half of what is left, rounded up) from the back
    // of the range of the thread of nt with the most blocks left; false once all are taken.
    bool steal(int nt, UnitRange* got) {
        for (;;) {
            int victim = -1;
            int64_t most = 0;
            for (int u = 0; u < nt; ++u) {
                const uint64_t cur = slots_[u].left.load(std::memory_order_relaxed);
                if (end_of(cur) - begin_of(cur) > most) {
                    most = end_of(cur) - begin_of(cur);
                    victim = u;
                }
            }
            if (victim < 0) return false;
            std::atomic<uint64_t>& s = slots_[victim].left;
            uint64_t cur = s.load(std::memory_order_relaxed);
            const int64_t b = begin_of(cur), e = end_of(cur);
            if (b >= e) continue;  // emptied meanwhile: look again
            const int64_t half = (e - b + 1) / 2, take = half < claim_ ? half : claim_;
            if (s.compare_exchange_strong(cur, pack(b, e - take), std::memory_order_relaxed)) {
                *got = {e - take, e};
                return true;
            }
        }
    }

    // Thread t of a team of nt: run(range) for each of its own claims, then for
    // each it takes from the others, until every block is claimed.
    template <class Run>
    void run_claims(int t, int nt, Run&& run) {
        UnitRange c;
        while (next_own(t, &c)) run(c);
        while (steal(nt, &c)) run(c);
    }

private:
    // [begin, end) of the blocks not yet claimed, as two 32-bit halves (blocks < 2^27).
    static uint64_t pack(int64_t begin, int64_t end) {
        return static_cast<uint64_t>(begin) | static_cast<uint64_t>(end) << 32;
    }
    static int64_t begin_of(uint64_t v) { return static_cast<int64_t>(v & 0xffffffffu); }
    static int64_t end_of(uint64_t v) { return static_cast<int64_t>(v >> 32); }

    struct alignas(64) Slot {
        std::atomic<uint64_t> left{0};
    };
    int64_t claim_;  // blocks of a smallest claim
    Slot slots_[kMaxThreads];
};

}  // namespace jao::core
