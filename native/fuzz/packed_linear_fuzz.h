// The two fuzz drivers shared by the packed-linear ABIs (jao_intx_*, jao_wo_*,
// jao_int8_*), which have the same life cycle: packed_size -> pack -> verify /
// packed_info / workspace_size / run / unpack. An ABI plugs in through a traits
// struct (intx_traits.h, wo_traits.h, int8_traits.h) providing:
//   Params, Info, Tensors          the C structs and the plain tensors of one weight
//   packed_size verify info workspace_size run    the C entry points (same signatures)
//   run_typed (optional)           jao_*_linear_run_typed: typed x / y runs are fuzzed too
//   small_params(f)                a valid, small parameter set (allocatable)
//   any_params(f)                  every field fuzzed, edge values included
//   n(p), k(p)                     its shape
//   make(p, f, valid)              input tensors for p (valid: in-range values)
//   outputs(p)                     zeroed output tensors for unpack
//   pack(p, t, dst, size), unpack(buf, size, t)
//   check_roundtrip(p, in, out)    unpack(pack(in)) == in, up to the documented casts
//
// fuzz_parse: random bytes, or a valid buffer with mutated header words or payload
//   bytes (checksums optionally re-sealed so mutations get past the CRC checks).
// fuzz_pack: fuzzed parameters and tensors; oversized requests get small buffers
//   and must be rejected without touching them.
#pragma once

#include <algorithm>

#include "fuzz_util.h"
#include "jao/jao_affine.h"
#include "pack/crc32c.h"

namespace jao_fuzz {

constexpr int64_t kHeader = 64;

// Packed buffers of every jao format: 16 LE int32 header words, word 14 = CRC32C of
// the payload, word 15 = CRC32C of header bytes 0..59 (DESIGN §3).
inline void seal(std::vector<uint8_t>& buf, int64_t payload_bytes, bool payload_too) {
    if (buf.size() < kHeader) return;
    auto put = [&](int word, uint32_t v) { std::memcpy(buf.data() + 4 * word, &v, 4); };
    if (payload_too && payload_bytes >= 0 && static_cast<size_t>(kHeader + payload_bytes) <= buf.size())
        put(14, jao::pack::crc32c(buf.data() + kHeader, static_cast<size_t>(payload_bytes)));
    put(15, jao::pack::crc32c(buf.data(), 60));
}

// Overwrites header words and flips payload bytes, then maybe re-seals.
inline void mutate(std::vector<uint8_t>& buf, FuzzedDataProvider& f) {
    const int64_t payload = static_cast<int64_t>(buf.size()) - kHeader;
    for (int i = f.ConsumeIntegralInRange<int>(1, 6); i > 0; --i) {
        if (f.ConsumeBool()) {
            int word = f.ConsumeIntegralInRange<int>(0, 15);
            int32_t v = f.ConsumeBool() ? choice(f, -2, 80) : static_cast<int32_t>(dim(f, 0, 1 << 16));
            std::memcpy(buf.data() + 4 * word, &v, 4);
        } else if (!buf.empty()) {
            buf[f.ConsumeIntegralInRange<size_t>(0, buf.size() - 1)] ^= f.ConsumeIntegralInRange<uint8_t>(1, 255);
        }
    }
    switch (f.ConsumeIntegralInRange<int>(0, 2)) {
        case 1: seal(buf, payload, false); break;
        case 2: seal(buf, payload, true); break;
        default: break;
    }
}

// Every reader on one buffer (exactly `size` bytes, heap-allocated by the caller so
// ASan flags any read past it). Checks that the readers agree with each other.
template <class A>
void exercise(const uint8_t* buf, int64_t size, FuzzedDataProvider& f) {
    const jao_status sv = JAO_FUZZ_CALL(A::verify, buf, size);
    const int64_t m = dim(f, 1, kMaxRows);
    typename A::Info info{};
    const jao_status si = JAO_FUZZ_CALL(A::info, buf, size, m, &info);
    int64_t ws = -1;
    const jao_status sw = JAO_FUZZ_CALL(A::workspace_size, buf, size, m, &ws);
    check(si == sw, "packed_info and workspace_size disagree on the same buffer and m");
    if (si != JAO_OK) {
        float x = 0, y = 0;
        uint8_t w[64];
        check(A::run(buf, size, m, &x, &y, w, sizeof w) != JAO_OK, "run accepted what packed_info rejected");
        return;
    }
    check(ws >= 0 && info.workspace_size == ws, "packed_info.workspace_size != workspace_size");
    const int64_t n = A::n(info.params), k = A::k(info.params);
    check(n >= 1 && k >= 1, "packed_info reported an empty shape");

    if (bounded(n, k) >= 0) {
        typename A::Tensors out = A::outputs(info.params);
        const jao_status su = JAO_FUZZ_CALL(A::unpack, buf, size, out);
        check(sv != JAO_OK || su == JAO_OK, "verify accepted a buffer unpack rejects");
    }
    // Runs are bounded in work too (m * n * k): sanitized kernels are ~20x slower.
    const int64_t xk = bounded(m, k), yn = bounded(m, n);
    if (xk < 0 || yn < 0 || ws > kMaxBytes || bounded(xk, n, kMaxWork) < 0) return;
    const bool short_ws = ws > 0 && f.ConsumeIntegralInRange<int>(0, 7) == 0;
    std::vector<uint8_t> work(static_cast<size_t>(short_ws ? ws - 1 : ws));
    if constexpr (requires { A::run_typed; }) {
        if (f.ConsumeBool()) {
            // jao_float_type x / y (sometimes invalid); x and y sized exactly for their
            // types, so ASan flags a kernel that reads or writes them as another type.
            const int32_t x_type = choice(f, JAO_F32, JAO_F16), y_type = choice(f, JAO_F32, JAO_F16);
            const bool valid = x_type >= JAO_F32 && x_type <= JAO_F16 && y_type >= JAO_F32 && y_type <= JAO_F16;
            const auto width = [](int32_t t) { return t == JAO_F32 ? 4 : 2; };
            std::vector<uint8_t> x = bytes(f, static_cast<size_t>(xk * (valid ? width(x_type) : 4)));
            std::vector<uint8_t> y(static_cast<size_t>(yn * (valid ? width(y_type) : 4)));
            const jao_status sr = JAO_FUZZ_CALL(A::run_typed, buf, size, m, x.data(), x_type, y.data(), y_type,
                                                ptr(work), static_cast<int64_t>(work.size()));
            if (!valid) check(sr == JAO_INVALID_ARGUMENT, "typed run accepted an invalid float type");
            else if (short_ws) check(sr != JAO_OK, "typed run accepted a workspace one byte short");
            else check(sr == JAO_OK || sr == JAO_UNSUPPORTED, "typed run failed where packed_info succeeded");
            return;
        }
    }
    std::vector<float> x = values<float>(f, xk, any_float), y(static_cast<size_t>(yn));
    const jao_status sr = JAO_FUZZ_CALL(A::run, buf, size, m, x.data(), y.data(), ptr(work),
                                        static_cast<int64_t>(work.size()));
    if (short_ws) check(sr != JAO_OK, "run accepted a workspace one byte short");
    else check(sr == JAO_OK || sr == JAO_UNSUPPORTED, "run failed where packed_info succeeded");
}

template <class A>
int fuzz_parse(const uint8_t* data, size_t size) {
    FuzzedDataProvider f(data, size);
    pick_isa(f);
    std::vector<uint8_t> buf;
    if (f.ConsumeIntegralInRange<int>(0, 3) == 0) {
        buf = f.ConsumeBytes<uint8_t>(f.ConsumeIntegralInRange<size_t>(0, 4096));
    } else {
        const typename A::Params p = A::small_params(f);
        int64_t need = 0;
        if (A::packed_size(&p, &need) != JAO_OK || need > kMaxBytes) return 0;
        const typename A::Tensors t = A::make(p, f, true);
        buf.resize(static_cast<size_t>(need));
        if (JAO_FUZZ_CALL(A::pack, p, t, buf.data(), need) != JAO_OK) return 0;
        if (f.ConsumeIntegralInRange<int>(0, 7) != 0) mutate(buf, f);
    }
    size_t len = buf.size();
    if (f.ConsumeIntegralInRange<int>(0, 7) == 0) len = f.ConsumeIntegralInRange<size_t>(0, len);
    std::vector<uint8_t> exact(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
    exercise<A>(ptr(exact), static_cast<int64_t>(len), f);
    return 0;
}

template <class A>
int fuzz_pack(const uint8_t* data, size_t size) {
    FuzzedDataProvider f(data, size);
    pick_isa(f);
    const typename A::Params p = f.ConsumeBool() ? A::small_params(f) : A::any_params(f);
    int64_t need = -1;
    const jao_status ss = JAO_FUZZ_CALL(A::packed_size, &p, &need);
    check(ss != JAO_OK || need >= kHeader, "packed size smaller than the header");
    int64_t unused = 0;
    check(A::packed_size(nullptr, &unused) != JAO_OK, "packed_size accepted null params");

    if (ss != JAO_OK || need > kMaxBytes || bounded(A::n(p), A::k(p)) < 0) {
        // Not allocatable (or invalid): one-element tensors and a buffer too small for
        // any valid request; pack must refuse before reading past either.
        const typename A::Tensors t = A::make_tiny(p);
        std::vector<uint8_t> dst(static_cast<size_t>(ss == JAO_OK ? std::min<int64_t>(need - 1, 256) : 256));
        check(JAO_FUZZ_CALL(A::pack, p, t, dst.data(), static_cast<int64_t>(dst.size())) != JAO_OK,
              "pack accepted an oversized or invalid request");
        return 0;
    }
    const bool valid = f.ConsumeIntegralInRange<int>(0, 7) != 0;
    const typename A::Tensors t = A::make(p, f, valid);
    const int64_t extra = f.ConsumeIntegralInRange<int64_t>(-2, 64);
    const int64_t cap = std::max<int64_t>(0, need + extra);
    std::vector<uint8_t> dst(static_cast<size_t>(cap), 0xA5);
    const jao_status sp = JAO_FUZZ_CALL(A::pack, p, t, ptr(dst), cap);
    if (cap < need) check(sp != JAO_OK, "pack accepted a too small dst");
    if (sp != JAO_OK) return 0;
    for (int64_t i = need; i < cap; ++i) check(dst[static_cast<size_t>(i)] == 0xA5, "pack wrote past packed_size");
    check(JAO_FUZZ_CALL(A::verify, dst.data(), cap) == JAO_OK, "a freshly packed buffer fails verify");
    typename A::Tensors out = A::outputs(p);
    check(JAO_FUZZ_CALL(A::unpack, dst.data(), cap, out) == JAO_OK, "a freshly packed buffer fails unpack");
    A::check_roundtrip(p, t, out);
    exercise<A>(dst.data(), cap, f);
    return 0;
}

}  // namespace jao_fuzz
