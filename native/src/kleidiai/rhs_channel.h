// The per-channel RHS layouts (qsi4cxp, qsi8cxp) share one panel shape: row data over
// k32 = roundup(k, 32) columns (padding q = 0) in a format-specific interleave, then nr
// int32 row sums, nr f32 scales and nr f32 bias values. ChannelRhs<Format> implements
// packing and unpacking once; Format supplies the data interleave and the sum / scale
// encodings (see rhs_qsi4cxp.cpp, rhs_qsi8cxp.cpp).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "kleidiai/kai_layout.h"
#include "kleidiai/kai_packers.h"

namespace jao::kai {

template <class Format>
struct ChannelRhs {
    template <class Shape>
    static Panels panels(const Shape& s) {
        return {s.n, s.nr, s.nr * (Format::data_bytes(round_up(s.k, 32)) + 12)};
    }

    template <class Shape>
    static void validate(const Shape& s, const char* fn) {
        require_dim(s.n, "n", fn);
        require_dim(s.k, "k", fn);
        require(s.nr >= 4 && s.nr <= 256 && s.nr % 4 == 0, fn,
                [&] { return "nr must be a multiple of 4 in [4, 256], got " + std::to_string(s.nr); });
        require(one_of(s.kr, {4, 8, 16}) && s.sr == Format::kSr, fn,
                [&] {
                    return "(kr, sr) must be (4|8|16, " + std::to_string(Format::kSr) + "), got (" +
                           std::to_string(s.kr) + ", " + std::to_string(s.sr) + ")";
                });
    }

    template <class Shape>
    static void pack(const Shape& s, const ChannelRows& rows, uint8_t* dst, const char* fn) {
        const Panels pn = panels(s);
        const int64_t k32 = round_up(s.k, 32);
        const int64_t data = s.nr * Format::data_bytes(k32);
        std::vector<int8_t> q(static_cast<size_t>(k32 + 32), 0);  // zero padding past k
        for (int64_t p = 0; p < pn.count(); ++p) {
            uint8_t* panel = dst + p * pn.stride;
            for (int r = 0; r < s.nr; ++r) {
                const int64_t row = std::min(p * s.nr + r, s.n - 1);  // padding rows repeat row n-1
                float scale = 0.0f, bias = 0.0f;
                rows(row, q.data(), &scale, &bias);
                Format::check_row(q.data(), s.k, row, fn);
                Format::put_row(panel, q.data(), k32, r, s);
                int64_t sum = 0;
                for (int64_t c = 0; c < s.k; ++c) sum += q[c];
                store<int32_t>(panel + data + 4 * r, static_cast<int32_t>(Format::kSumFactor * sum));
                store<float>(panel + data + 4 * s.nr + 4 * r, scale * Format::kScaleFactor);
                store<float>(panel + data + 8 * s.nr + 4 * r, bias);
            }
        }
    }

    template <class Shape>
    static void unpack(const Shape& s, const uint8_t* src, int8_t* q, float* scales, float* bias) {
        const Panels pn = panels(s);
        const int64_t k32 = round_up(s.k, 32);
        const int64_t data = s.nr * Format::data_bytes(k32);
        std::vector<int8_t> row_q(static_cast<size_t>(k32));
        for (int64_t row = 0; row < s.n; ++row) {
            const uint8_t* panel = src + (row / s.nr) * pn.stride;
            const int r = static_cast<int>(row % s.nr);
            if (q) {
                Format::get_row(panel, row_q.data(), k32, r, s);
                std::copy(row_q.begin(), row_q.begin() + s.k, q + row * s.k);
            }
            if (scales) scales[row] = load<float>(panel + data + 4 * s.nr + 4 * r) / Format::kScaleFactor;
            if (bias) bias[row] = load<float>(panel + data + 8 * s.nr + 4 * r);
        }
    }
};

}  // namespace jao::kai
