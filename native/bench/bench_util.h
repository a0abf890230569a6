// Helpers shared by the native benchmarks: clock, status check, medians and
// the DRAM read bandwidth probe every bench reports its GB/s against.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

#include "core/read_bandwidth.h"
#include "jao/jao.h"

namespace jao::bench {

// Weights are cycled through enough copies that every call streams them from
// DRAM: more than the 512 MiB buffer of the read probe (kProbeBytes).
constexpr int64_t kStreamBytes = int64_t{640} << 20;

// How many copies of a `bytes` buffer fill at least stream_bytes (one at least):
// cycling through them, every call reads its weights from DRAM.
inline int copies_to_stream(int64_t stream_bytes, int64_t bytes) {
    return static_cast<int>(std::max<int64_t>(1, (stream_bytes + bytes - 1) / bytes));
}
constexpr double kDramGBs = 20.0;  // notes/performance-baselines.md, 2 threads

// Parses "KxN" (e.g. 4096x11008) of --shape; false on anything else.
inline bool parse_shape(const char* text, int64_t* k, int64_t* n) {
    long long kk = 0, nn = 0;
    if (std::sscanf(text, "%lldx%lld", &kk, &nn) != 2 || kk <= 0 || nn <= 0) return false;
    *k = kk;
    *n = nn;
    return true;
}

// A packed weight copy, 64-byte aligned as the Java API allocates them (a
// malloc'd large block starts 16 bytes past a page boundary instead).
class PackedCopy {
public:
    explicit PackedCopy(int64_t bytes) : size_(bytes) {
        data_ = static_cast<uint8_t*>(std::aligned_alloc(64, static_cast<size_t>((bytes + 63) / 64 * 64)));
        if (data_ == nullptr) {
            std::fprintf(stderr, "out of memory\n");
            std::exit(1);
        }
    }
    PackedCopy(const PackedCopy& o) : PackedCopy(o.size_) { std::memcpy(data_, o.data_, static_cast<size_t>(size_)); }
    PackedCopy& operator=(const PackedCopy&) = delete;
    ~PackedCopy() { std::free(data_); }
    uint8_t* data() { return data_; }
    const uint8_t* data() const { return data_; }

private:
    int64_t size_;
    uint8_t* data_ = nullptr;
};

// Plain reads of a kernel's own bytes: call i reads one copy once, half the
// copies away from the copy[i % n] the kernel's call i streams (that one may
// still be in L3 when both run in the same round; core::read_words: the read
// probe's loop, `threads` threads). Timed with a kernel at M = 1, it gives the speed of a call that did
// nothing but read the same weights once, in the same window: the ceiling of
// that call next to the probe's long pass over one 512 MiB buffer (16.9-45 MB
// calls read at 90-104 % of that probe on this VM, 2026-12-02).
class PlainRead {
public:
    PlainRead(const std::vector<PackedCopy>& copies, int64_t bytes, int threads)
        : copies_(&copies), words_(bytes / 8), threads_(threads) {}
    void operator()(int64_t i) {
        const size_t n = copies_->size();
        const PackedCopy& c = (*copies_)[(static_cast<size_t>(i) + n / 2) % n];
        sum_ += core::read_words(reinterpret_cast<const uint64_t*>(c.data()), words_, threads_);
    }

private:
    const std::vector<PackedCopy>* copies_;
    int64_t words_;
    int threads_;
    uint64_t sum_ = 0;  // kept, so the reads are not dead code
};

inline double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline void check(jao_status st, const char* what) {
    if (st != JAO_OK) {
        std::fprintf(stderr, "%s failed: %s\n", what, jao_last_error());
        std::exit(1);
    }
}

// Warm-up calls before a timed row: one call per weight copy, so every copy has
// been read by the kernel's own threads once. On this VM the first reads of freshly
// written pages are slow: the first pass over 160 MiB of copies ran at 5-16 ms per
// call instead of 0.1 ms (int2 4096 x 4096, 34 copies; 2026-12-02), which is what
// made the first row of a run "stall"; one pass over the copies removes it.
inline int warmup_calls(int copies) { return std::max(3, copies); }

// Times fn(i) (i = call counter) after `warmups` warm-up calls: at least 5 calls
// and `seconds`, at most 2000; returns the sorted times.
template <class Fn>
std::vector<double> time_calls(double seconds, Fn&& fn, int warmups = 3) {
    int i = 0;
    for (int w = 0; w < warmups; ++w) fn(i++);
    std::vector<double> times;
    const double start = now_s();
    while (times.size() < 5 || (now_s() - start < seconds && times.size() < 2000)) {
        const double t0 = now_s();
        fn(i++);
        times.push_back(now_s() - t0);
    }
    std::sort(times.begin(), times.end());
    return times;
}

inline double median(const std::vector<double>& sorted) { return sorted[sorted.size() / 2]; }

// Median and best of a sorted list of times.
struct Timing {
    double median = 0, best = 0;
};
inline Timing timing_of(const std::vector<double>& sorted) { return {median(sorted), sorted[0]}; }

// time_calls(seconds, fn, warmups) summarized.
template <class Fn>
Timing timed(Fn&& fn, double seconds, int warmups = 3) {
    return timing_of(time_calls(seconds, std::forward<Fn>(fn), warmups));
}

using Candidates = std::vector<std::function<void(int64_t)>>;

// Calls every candidate in turn (fns[0], fns[1], ..., fns[0], ...), call counter
// *i, appending each call's time to times[c]: for `seconds`, at least min_rounds
// and at most max_rounds rounds.
inline void run_rounds(const Candidates& fns, double seconds, size_t min_rounds, size_t max_rounds, int64_t* i,
                       std::vector<std::vector<double>>* times) {
    const double start = now_s();
    for (size_t round = 0; round < min_rounds || (now_s() - start < seconds && round < max_rounds); ++round, ++*i)
        for (size_t c = 0; c < fns.size(); ++c) {
            const double t0 = now_s();
            fns[c](*i);
            (*times)[c].push_back(now_s() - t0);
        }
}

inline std::vector<Timing> timings_of(std::vector<std::vector<double>>& times) {
    std::vector<Timing> out;
    for (auto& t : times) {
        std::sort(t.begin(), t.end());
        out.push_back(timing_of(t));
    }
    return out;
}

// Times several candidates call by call in turn after `warmups` warm-up rounds,
// for `seconds` (at least 5, at most 2000 rounds): on a host whose speed drifts
// within seconds, their ratios are then measured under the same conditions.
// fn(i) gets its own call counter.
inline std::vector<Timing> timed_interleaved(const Candidates& fns, double seconds, int warmups = 3) {
    std::vector<std::vector<double>> times(fns.size());
    int64_t i = 0;
    for (int w = 0; w < warmups; ++w, ++i)
        for (const auto& fn : fns) fn(i);
    run_rounds(fns, seconds, 5, 2000, &i, &times);
    return timings_of(times);
}

// The DRAM read bandwidth of a bench run: one 512 MiB probe buffer
// (core::ReadProbe, the library's probe: 4 streams per thread, AVX2 loads +
// prefetch) kept for the whole run.
constexpr int64_t kProbeBytes = int64_t{512} << 20;

// Median GB/s of `passes` probe passes (kernels are reported by their median call).
inline double median_read_gbs(core::ReadProbe& probe, int passes = 7) {
    std::vector<double> gbs(static_cast<size_t>(passes));
    for (double& g : gbs) g = probe.pass();
    std::sort(gbs.begin(), gbs.end());
    return gbs[gbs.size() / 2];
}

// Timings of a row's candidates and the read bandwidth they are held against.
struct RowTimings {
    std::vector<Timing> calls;  // one per candidate
    double read_gbs = 0;
};

// Times a row's candidates as timed_interleaved does. A DRAM-bound row (M = 1)
// is held against the probe measured in the same window: the time is split into
// kProbeRounds rounds, each one probe pass and then calls, and read_gbs is the
// median pass (this host's bandwidth drifts 10-20 % within seconds, so a probe
// taken before the row, or at start, can be far from what the calls met). Other
// rows are compute-bound and report the probe at start (at_start).
inline RowTimings timed_row(core::ReadProbe& probe, double at_start, int64_t m, const Candidates& fns, double seconds,
                            int warmups) {
    if (m != 1) return {timed_interleaved(fns, seconds, warmups), at_start};
    constexpr int kProbeRounds = 10;
    std::vector<std::vector<double>> times(fns.size());
    std::vector<double> reads;
    int64_t i = 0;
    for (int w = 0; w < warmups; ++w, ++i)
        for (const auto& fn : fns) fn(i);
    for (int r = 0; r < kProbeRounds; ++r) {
        reads.push_back(probe.pass());
        run_rounds(fns, seconds / kProbeRounds, 1, 2000 / kProbeRounds, &i, &times);
    }
    std::sort(reads.begin(), reads.end());
    return {timings_of(times), reads[reads.size() / 2]};
}

// timed_row of a one-row kernel call `run` (call i streams copies[i % n]) and
// a PlainRead of the same copies, call by call in turn: calls[0] is the
// kernel, calls[1] the read, both held against the same probe passes.
inline RowTimings timed_row_with_read(core::ReadProbe& probe, double at_start, const std::function<void(int64_t)>& run,
                                      const std::vector<PackedCopy>& copies, int64_t bytes, int threads,
                                      double seconds, int warmups) {
    PlainRead plain(copies, bytes, threads);
    return timed_row(probe, at_start, 1, {run, [&](int64_t i) { plain(i); }}, seconds, warmups);
}

// Prints " | read X% kernel/read Y" for a timed_row_with_read row (X: the plain
// read's % of the probe, Y: the kernel's time over the read's).
inline void print_read_peer(const RowTimings& row, int64_t bytes) {
    const double read_gbs = static_cast<double>(bytes) / row.calls[1].median * 1e-9;
    std::printf(" | read %5.1f%% %4.2fx", 100.0 * read_gbs / row.read_gbs, row.calls[0].median / row.calls[1].median);
}

// timed(fn, seconds) on the scalar reference tier (the ISA cap restored afterwards):
// the reference the benches print next to the SIMD tiers, on the same calls.
template <class Fn>
Timing timed_scalar(Fn&& fn, double seconds) {
    const int32_t saved = jao_isa_active();
    check(jao_isa_set_cap(JAO_ISA_SCALAR), "jao_isa_set_cap");
    const Timing t = timed(std::forward<Fn>(fn), seconds);
    check(jao_isa_set_cap(saved), "jao_isa_set_cap");
    return t;
}

}  // namespace jao::bench
