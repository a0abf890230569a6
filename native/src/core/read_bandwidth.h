// Sustained read bandwidth of this machine, the roof every M=1 (weight-streaming)
// figure is compared against: measured in the same run as the kernels, because
// shared hosts drift by tens of percent between runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace jao::core {

// A read-bandwidth probe that keeps its buffer: allocated, filled and read once
// (untimed) at construction, then timed pass by pass. Keeping it lets a bench
// interleave probe passes with kernel calls, so both are measured under the same
// conditions of a host whose bandwidth drifts within seconds; the untimed first
// pass matters because the first read of freshly written pages runs at a third to
// a half of the later ones on this VM.
class ReadProbe {
public:
    // Throws jao::Error for out-of-range arguments, std::bad_alloc when the buffer
    // cannot be allocated.
    ReadProbe(int64_t bytes, int32_t threads);
    // GB/s of one pass of the threads over the whole buffer.
    double pass();

private:
    int32_t threads_;
    size_t words_;  // whole blocks of 256 KiB, shared by the threads as a GEMV shares its columns
    std::unique_ptr<uint64_t[]> buf_;
};

// One pass of `threads` threads over words[0, count) as a ReadProbe pass reads
// its buffer (the same loop, streams and sharing of 256 KiB blocks; a last
// partial block is read by the thread that claims it); returns the sum of the
// words, which the caller keeps so the reads stay. Benches time it on a
// kernel's own weight bytes: the speed a kernel that only read them would get.
// words 8-byte aligned, count >= 0, threads >= 1.
uint64_t read_words(const uint64_t* words, int64_t count, int32_t threads);

// GB/s of each of `passes` passes of `threads` threads reading `bytes` of memory
// (a ReadProbe of its own, so it is not in any cache when bytes >> L3) into
// gbs[0..passes). Throws jao::Error for out-of-range arguments, std::bad_alloc
// when the buffer cannot be allocated.
void measure_read_passes(int64_t bytes, int32_t threads, int32_t passes, double* gbs);

// The best of measure_read_passes(bytes, threads, repeats).
double measure_read_bandwidth(int64_t bytes, int32_t threads, int32_t repeats);

}  // namespace jao::core
