// DRAM read probe. Each thread reads its share as 4 interleaved streams: the
// kernels stream weights, scales and sums at once, and a single stream per
// thread under-reports what they get. AVX2 loads with software prefetch like
// the kernels, so the probe's own instructions are not the bottleneck. The
// threads share the buffer's 256 KiB blocks as the GEMV kernels share their
// columns (core/column_claims.h): with a static split the probe waited for the
// slower vCPU while the kernels no longer did, and read below them (kernels at
// 100-123 % of it, 2026-12-02).
#include "core/read_bandwidth.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "abi/guard.h"
#include "core/column_claims.h"
#include "core/cpu_features.h"

namespace jao::core {
namespace {

constexpr int kStreams = 4;
constexpr size_t kBlockWords = size_t{256} << 10 >> 3;  // 256 KiB

#if defined(__x86_64__)
__attribute__((target("avx2"))) uint64_t sum_streams_avx2(const uint64_t* s, size_t q) {
    __m256i acc[kStreams] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                             _mm256_setzero_si256()};
    for (size_t i = 0; i + 4 <= q; i += 4)
        for (int j = 0; j < kStreams; ++j) {
            const uint64_t* p = s + j * q + i;
            _mm_prefetch(reinterpret_cast<const char*>(p + 256), _MM_HINT_T0);
            acc[j] = _mm256_add_epi64(acc[j], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
        }
    alignas(32) uint64_t out[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(out), _mm256_add_epi64(_mm256_add_epi64(acc[0], acc[1]),
                                                                         _mm256_add_epi64(acc[2], acc[3])));
    return out[0] + out[1] + out[2] + out[3];
}
#endif

uint64_t sum_streams_portable(const uint64_t* s, size_t q) {
    uint64_t acc[kStreams] = {};
    for (size_t i = 0; i < q; ++i)
        for (int j = 0; j < kStreams; ++j) acc[j] += s[j * q + i];
    return acc[0] + acc[1] + acc[2] + acc[3];
}

// Sum of s[0, n): 4 streams of q words (the quarters, q a multiple of 4), then
// the few words past them.
uint64_t sum_words(const uint64_t* s, size_t n) {
    const size_t q = n / kStreams & ~size_t{3};
    uint64_t total = 0;
#if defined(__x86_64__)
    if (supported_isa_mask() & (uint64_t{1} << JAO_ISA_AVX2)) total = sum_streams_avx2(s, q);
    else
#endif
        total = sum_streams_portable(s, q);
    for (size_t i = kStreams * q; i < n; ++i) total += s[i];
    return total;
}

double seconds_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ReadProbe::ReadProbe(int64_t bytes, int32_t threads) : threads_(threads) {
    constexpr const char* fn = "jao_measure_read_bandwidth";
    require(bytes >= (int64_t{1} << 20) && bytes <= (int64_t{1} << 36), fn, "bytes must be in [2^20, 2^36]");
    require(threads >= 1 && threads <= 4096, fn, "threads must be in [1, 4096]");
    require(bytes / 8 / threads / kStreams >= 4, fn, "bytes is too small for that many threads");
    words_ = static_cast<size_t>(bytes) / 8 / kBlockWords * kBlockWords;
    buf_.reset(new uint64_t[words_]);  // bad_alloc: JAO_OUT_OF_MEMORY (abi/guard.h)
    std::fill_n(buf_.get(), words_, uint64_t{1});  // touch every page before timing
    pass();
}

uint64_t read_words(const uint64_t* words, int64_t count, int32_t threads) {
    const int64_t blocks = (count + static_cast<int64_t>(kBlockWords) - 1) / static_cast<int64_t>(kBlockWords);
    const WorkGrid grid(1, blocks, threads);
    std::optional<ColumnClaims> claims;
    if (ColumnClaims::fits(grid)) claims.emplace(grid, kBlockWords * 8);
    uint64_t total = 0;
#pragma omp parallel num_threads(grid.threads()) reduction(+ : total)
    {
        const int t = omp_get_thread_num(), nt = omp_get_num_threads();
        // Blocks [c.begin, c.end) as 4 streams, one per quarter.
        const auto read = [&](UnitRange c) {
            const int64_t begin = c.begin * static_cast<int64_t>(kBlockWords);
            const int64_t end = std::min(count, c.end * static_cast<int64_t>(kBlockWords));
            if (end > begin) total += sum_words(words + begin, static_cast<size_t>(end - begin));
        };
        if (claims && nt == grid.threads()) {
            claims->run_claims(t, nt, read);
        } else {
            read(grid.for_team(nt).cols_of(t));
        }
    }
    return total;
}

double ReadProbe::pass() {
    const double t0 = seconds_now();
    const uint64_t total = read_words(buf_.get(), static_cast<int64_t>(words_), threads_);
    const double t = seconds_now() - t0;
    // The sum is checked so the reads cannot be optimized away.
    if (total != words_) fail(JAO_INTERNAL, "jao_measure_read_bandwidth: probe sum mismatch");
    return static_cast<double>(words_ * 8) / t * 1e-9;
}

void measure_read_passes(int64_t bytes, int32_t threads, int32_t passes, double* gbs) {
    require(passes >= 1 && passes <= 1000, "jao_measure_read_bandwidth", "the pass count must be in [1, 1000]");
    ReadProbe probe(bytes, threads);
    for (int32_t pass = 0; pass < passes; ++pass) gbs[pass] = probe.pass();
}

double measure_read_bandwidth(int64_t bytes, int32_t threads, int32_t repeats) {
    std::vector<double> gbs(static_cast<size_t>(std::clamp(repeats, 1, 1000)));
    measure_read_passes(bytes, threads, repeats, gbs.data());
    return *std::max_element(gbs.begin(), gbs.end());
}

}  // namespace jao::core
