// Helpers shared by every fuzz target: drawing parameters from the fuzzer's
// bytes (mostly small valid values, sometimes the edge values a careless
// caller passes), exact-size buffers (so ASan sees any read past the end),
// and the checks that turn a contract violation into a crash the fuzzer keeps.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <vector>

#include "jao/jao_core.h"

namespace jao_fuzz {

// Allocation bounds: a target only allocates tensors below these sizes; larger
// (valid or not) requests are still made, with small buffers, and must be rejected.
constexpr int64_t kMaxElems = int64_t{1} << 16;   // n * k, m * k, ...
constexpr int64_t kMaxBytes = int64_t{1} << 20;   // any packed buffer or workspace (copied, CRCed: keep it cheap)
constexpr int64_t kMaxRows = 9;                   // m of a run: GEMV and GEMM paths
constexpr int64_t kMaxWork = int64_t{1} << 21;    // multiply-adds of one linear run

[[noreturn]] inline void die(const char* what, const char* detail = "") {
    std::fprintf(stderr, "jao fuzz: contract violated: %s %s (last error: %s)\n", what, detail, jao_last_error());
    std::abort();
}

inline void check(bool ok, const char* what, const char* detail = "") {
    if (!ok) die(what, detail);
}

// Every status is a documented one; JAO_INTERNAL means a bug by the header's own words;
// a failure always leaves a message. Returns st for chaining.
inline jao_status checked(jao_status st, const char* fn) {
    if (st < JAO_OK || st > JAO_INTERNAL) die("unknown status from", fn);
    if (st == JAO_INTERNAL) die("JAO_INTERNAL from", fn);
    if (st != JAO_OK && jao_last_error()[0] == '\0') die("failure without a message from", fn);
    return st;
}

// Calls an entry point and checks its status: CALL(jao_intx_verify, p, n).
#define JAO_FUZZ_CALL(fn, ...) ::jao_fuzz::checked(fn(__VA_ARGS__), #fn)

// One thread (two fuzzers share the machine's two cores) and deterministic runs.
struct Setup {
    Setup() {
        if (jao_threads_set(1) != JAO_OK) die("jao_threads_set(1) failed");
    }
};
inline const Setup setup_once;

// Caps the ISA tier at a fuzzed one, so every tier's kernels see the inputs
// (tiers the CPU lacks are refused: JAO_UNSUPPORTED, and the cap stays).
inline void pick_isa(FuzzedDataProvider& f) {
    static const int32_t tiers[] = {JAO_ISA_SCALAR,      JAO_ISA_AVX2, JAO_ISA_AVX512,  JAO_ISA_AVX512_VNNI,
                                    JAO_ISA_AVX512_BF16, JAO_ISA_NEON, JAO_ISA_DOTPROD, JAO_ISA_I8MM};
    jao_isa_set_cap(f.PickValueInArray(tiers));
}

// An int64 that is usually in [lo, hi] and sometimes one of the values that
// break naive size arithmetic (negative, zero, 2^31, products past int64).
inline int64_t dim(FuzzedDataProvider& f, int64_t lo, int64_t hi) {
    static const int64_t edges[] = {0, -1, 1, 2, 3, 15, 16, 17, 31, 32, 33, 64, 65535, 65536, 65537,
                                    (int64_t{1} << 31) - 1, int64_t{1} << 31, int64_t{1} << 32,
                                    (int64_t{1} << 32) + 32, int64_t{1} << 40, int64_t{1} << 62,
                                    std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                                    -(int64_t{1} << 31)};
    if (f.ConsumeIntegralInRange<int>(0, 7) == 0) return f.PickValueInArray(edges);
    return f.ConsumeIntegralInRange<int64_t>(lo, hi);
}

// An int32 flag or enum: usually in [lo, hi], sometimes just outside or wild.
inline int32_t choice(FuzzedDataProvider& f, int32_t lo, int32_t hi) {
    static const int32_t wild[] = {-1, 2, 3, 16, 255, 1 << 30, std::numeric_limits<int32_t>::min(),
                                   std::numeric_limits<int32_t>::max()};
    if (f.ConsumeIntegralInRange<int>(0, 15) == 0) return f.PickValueInArray(wild);
    return f.ConsumeIntegralInRange<int32_t>(lo, hi);
}

// a * b when it is a bounded element count, else -1 (do not allocate).
inline int64_t bounded(int64_t a, int64_t b, int64_t limit = kMaxElems) {
    int64_t r;
    if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r) || r > limit) return -1;
    return r;
}

// A float that is usually ordinary and sometimes 0, subnormal, huge, inf or NaN.
inline float any_float(FuzzedDataProvider& f) {
    static const float special[] = {0.0f, -0.0f, 1.0f, -1.0f, 1e-45f, 1.17549435e-38f, 3.4e38f, -3.4e38f,
                                    std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                                    std::numeric_limits<float>::quiet_NaN(), 65504.0f, 1e-8f};
    switch (f.ConsumeIntegralInRange<int>(0, 9)) {
        case 0: return f.PickValueInArray(special);
        case 1: {
            uint32_t bits = f.ConsumeIntegral<uint32_t>();
            float v;
            std::memcpy(&v, &bits, 4);
            return v;
        }
        default: return f.ConsumeFloatingPointInRange<float>(-8.0f, 8.0f);
    }
}

// A finite positive float (scales that packers require to be usable).
inline float positive_float(FuzzedDataProvider& f) {
    float v = std::fabs(f.ConsumeFloatingPointInRange<float>(-4.0f, 4.0f));
    return v > 1e-6f ? v : 0.5f;
}

// count values from gen(f); once the fuzzer's bytes run out, gen returns zeros.
template <class T, class Gen>
std::vector<T> values(FuzzedDataProvider& f, int64_t count, Gen&& gen) {
    std::vector<T> v(static_cast<size_t>(count));
    for (auto& x : v) x = static_cast<T>(gen(f));
    return v;
}

// Raw bytes of exactly `count` (fuzzer bytes first, then a fixed pattern).
inline std::vector<uint8_t> bytes(FuzzedDataProvider& f, size_t count) {
    std::vector<uint8_t> v = f.ConsumeBytes<uint8_t>(count);
    for (size_t i = v.size(); i < count; ++i) v.push_back(static_cast<uint8_t>(i * 131 + 7));
    return v;
}

// Null for an empty vector: what the C ABI gets for "absent".
template <class T>
T* ptr(std::vector<T>& v) { return v.empty() ? nullptr : v.data(); }
template <class T>
const T* ptr(const std::vector<T>& v) { return v.empty() ? nullptr : v.data(); }

}  // namespace jao_fuzz
