// RHS qsi4c32p with bf16 scales: kai_rhs_pack_nxk_qsi4c32p_qsu4c32s1s0 (scale_dt bf16).
// Panel of nr rows: for each block, nr*bl/2 data bytes (nibble interleave, 32-wide
// chunks) then nr bf16 scales; then nr f32 row sums and nr f32 bias values. The row sum
// is accumulated in f32 as sum += f32(segment partial) * f32(scale), block by block,
// chunk by chunk, segment by segment, as KleidiAI does: that order fixes its bytes.
#include <algorithm>
#include <string>
#include <vector>

#include "kleidiai/kai_layout.h"
#include "kleidiai/kai_packers.h"

namespace jao::kai {
namespace {

int64_t block_bytes(const Qsi4c32pShape& s) { return s.nr * (s.bl / 2 + 2); }
Panels panels(const Qsi4c32pShape& s) { return {s.n, s.nr, (s.k / s.bl) * block_bytes(s) + int64_t{8} * s.nr}; }

float bf16_value(uint16_t b) {
    const uint32_t u = static_cast<uint32_t>(b) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

}  // namespace

void validate(const Qsi4c32pShape& s, const char* fn) {
    require_dim(s.n, "n", fn);
    require_dim(s.k, "k", fn);
    require(s.nr >= 4 && s.nr <= 256 && s.nr % 4 == 0, fn,
            [&] { return "nr must be a multiple of 4 in [4, 256], got " + std::to_string(s.nr); });
    require(one_of(s.kr, {4, 8, 16}) && s.sr == 2, fn,
            [&] {
                return "(kr, sr) must be (4|8|16, 2), got (" + std::to_string(s.kr) + ", " + std::to_string(s.sr) +
                       ")";
            });
    require(s.bl >= 32 && s.bl % 32 == 0, fn,
            [&] { return "bl must be a positive multiple of 32, got " + std::to_string(s.bl); });
    require(s.bl % s.kr == 0, fn, "bl must be a multiple of kr");
    require(s.k % s.bl == 0, fn,
            [&] { return "k (" + std::to_string(s.k) + ") must be a multiple of bl (" + std::to_string(s.bl) + ")"; });
}

int64_t packed_size(const Qsi4c32pShape& s, const char* fn) {
    validate(s, fn);
    return panels(s).size(fn);
}

void pack(const Qsi4c32pShape& s, const Qsi4c32pRows& rows, uint8_t* dst) {
    const Panels pn = panels(s);
    const int64_t nb = s.k / s.bl, kl = s.kr / s.sr, bb = block_bytes(s);
    std::vector<int8_t> q(static_cast<size_t>(s.k));
    std::vector<uint16_t> sc(static_cast<size_t>(nb));
    for (int64_t p = 0; p < pn.count(); ++p) {
        uint8_t* panel = dst + p * pn.stride;
        uint8_t* sums = panel + nb * bb;
        uint8_t* biases = sums + 4 * s.nr;
        for (int r = 0; r < s.nr; ++r) {
            const int64_t row = std::min(p * s.nr + r, s.n - 1);  // padding rows repeat row n-1
            float bias = 0.0f;
            rows(row, q.data(), sc.data(), &bias);
            float sum = 0.0f;
            for (int64_t b = 0; b < nb; ++b) {
                uint8_t* block = panel + b * bb;
                const float d = bf16_value(sc[b]);
                for (int64_t c = 0; c < s.bl / 32; ++c)
                    put_nibble_chunk(block + c * 16 * s.nr, q.data() + b * s.bl + c * 32, r, s.nr,
                                     static_cast<int>(kl),
                                     [&](int32_t partial) { sum = sum + static_cast<float>(partial) * d; });
                store<uint16_t>(block + s.nr * s.bl / 2 + 2 * r, sc[b]);
            }
            store<float>(sums + 4 * r, sum);
            store<float>(biases + 4 * r, bias);
        }
    }
}

void unpack(const Qsi4c32pShape& s, const uint8_t* src, int8_t* q, uint16_t* scales_bf16, float* bias) {
    const Panels pn = panels(s);
    const int64_t nb = s.k / s.bl, kl = s.kr / s.sr, bb = block_bytes(s);
    for (int64_t row = 0; row < s.n; ++row) {
        const uint8_t* panel = src + (row / s.nr) * pn.stride;
        const int r = static_cast<int>(row % s.nr);
        for (int64_t b = 0; b < nb; ++b) {
            const uint8_t* block = panel + b * bb;
            if (q)
                for (int64_t c = 0; c < s.bl / 32; ++c)
                    get_nibble_chunk(block + c * 16 * s.nr, q + row * s.k + b * s.bl + c * 32, r, s.nr,
                                     static_cast<int>(kl));
            if (scales_bf16) scales_bf16[row * nb + b] = load<uint16_t>(block + s.nr * s.bl / 2 + 2 * r);
        }
        if (bias) bias[row] = load<float>(panel + nb * bb + 4 * s.nr + 4 * r);
    }
}

}  // namespace jao::kai
