// Shared helpers of the intx linear tests (linear_*_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "jao/jao.h"

namespace jao::test {

// Caps the ISA tier for a scope and restores the previous tier.
class IsaCap {
public:
    explicit IsaCap(int32_t tier) : saved_(jao_isa_active()) { ok_ = jao_isa_set_cap(tier) == JAO_OK; }
    ~IsaCap() { jao_isa_set_cap(saved_); }
    bool ok() const { return ok_; }

private:
    int32_t saved_;
    bool ok_ = false;
};

// The x86 / arm tiers this machine supports, lowest first.
inline std::vector<int32_t> supported_tiers() {
    std::vector<int32_t> out;
    uint64_t mask = jao_isa_supported_mask();
    for (int32_t t = 0; t < 64; ++t)
        if (mask >> t & 1) out.push_back(t);
    return out;
}

struct Packed {
    std::vector<uint8_t> bytes;
    int64_t size() const { return static_cast<int64_t>(bytes.size()); }
    const void* data() const { return bytes.data(); }
};

inline jao_status pack(const jao_intx_params& p, const std::vector<int8_t>& q, const std::vector<float>& s,
                       const std::vector<int8_t>* zp, const std::vector<float>* bias, Packed& out) {
    int64_t size = 0;
    jao_status st = jao_intx_packed_size(&p, &size);
    if (st != JAO_OK) return st;
    out.bytes.assign(static_cast<size_t>(size), 0xCD);
    return jao_intx_pack(&p, q.data(), s.data(), zp ? zp->data() : nullptr, bias ? bias->data() : nullptr,
                         out.bytes.data(), size);
}

inline jao_status run(const Packed& pk, int64_t m, const std::vector<float>& x, std::vector<float>& y, int64_t n) {
    int64_t ws = 0;
    jao_status st = jao_intx_workspace_size(pk.data(), pk.size(), m, &ws);
    if (st != JAO_OK) return st;
    std::vector<uint8_t> work(static_cast<size_t>(ws) + 1);
    y.assign(static_cast<size_t>(m * n), -12345.0f);
    // Deliberately misaligned workspace: the kernel must align it itself.
    return jao_intx_linear_run(pk.data(), pk.size(), m, x.data(), y.data(), work.data() + 1, ws);
}

}  // namespace jao::test
