// Shared helpers of the int8 x int8 linear tests (int8_*_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "jao/jao.h"

namespace jao::test {

inline jao_int8_params int8_params(int64_t n, int64_t k, int32_t mapping, bool bias, int32_t backend,
                                   int32_t act_flags = 0) {
    jao_int8_params p{};
    p.n = n;
    p.k = k;
    p.act_mapping = mapping;
    p.has_bias = bias ? 1 : 0;
    p.backend = backend;
    p.act_flags = act_flags;
    return p;
}

// Whether this CPU packs for the oneDNN backend: x86 CPUs without VNNI refuse it
// (JAO_UNSUPPORTED, oneDNN's int8 matmul saturates there; Int8Validation checks the refusal).
inline bool onednn_backend_here() {
    const jao_int8_params p = int8_params(16, 16, JAO_ACT_ASYMMETRIC, false, JAO_INT8_BACKEND_ONEDNN);
    int64_t size = 0;
    return jao_int8_packed_size(&p, &size) == JAO_OK;
}

// The explicit backends the tests run here: jao always, oneDNN where it packs.
inline std::vector<int32_t> int8_backends() {
    std::vector<int32_t> out{JAO_INT8_BACKEND_JAO};
    if (onednn_backend_here()) out.push_back(JAO_INT8_BACKEND_ONEDNN);
    return out;
}

// A packed buffer in 64-byte aligned storage (+ 0xCD filler, so stale bytes show).
struct Int8Packed {
    std::vector<uint64_t> storage;
    int64_t bytes = 0;
    void* data() { return storage.data(); }
    const void* data() const { return storage.data(); }
    uint8_t* raw() { return reinterpret_cast<uint8_t*>(storage.data()); }
};

inline jao_status int8_pack(const jao_int8_params& p, const std::vector<int8_t>& q, const std::vector<float>& s,
                            const std::vector<float>* bias, Int8Packed& out) {
    int64_t size = 0;
    jao_status st = jao_int8_packed_size(&p, &size);
    if (st != JAO_OK) return st;
    out.bytes = size;
    out.storage.assign(static_cast<size_t>((size + 7) / 8), 0xCDCDCDCDCDCDCDCDull);
    return jao_int8_pack(&p, q.data(), s.data(), bias ? bias->data() : nullptr, out.data(), size);
}

inline jao_status int8_run(const Int8Packed& pk, int64_t m, const std::vector<float>& x, std::vector<float>& y,
                           int64_t n) {
    int64_t ws = 0;
    jao_status st = jao_int8_workspace_size(pk.data(), pk.bytes, m, &ws);
    if (st != JAO_OK) return st;
    std::vector<uint8_t> work(static_cast<size_t>(ws) + 1, 0xAB);
    y.assign(static_cast<size_t>(m * n), -12345.0f);
    // Deliberately misaligned workspace: the run must align it itself.
    return jao_int8_linear_run(pk.data(), pk.bytes, m, x.data(), y.data(), work.data() + 1, ws);
}

inline bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * 4) == 0;
}

}  // namespace jao::test
