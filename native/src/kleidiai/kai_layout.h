// Building blocks shared by the KleidiAI layout packers: shape validation, panel
// geometry, little-endian scalar access and the two data interleaves (int8 chunks
// for qsi8cxp / qai8dxp, nibble pairs k / k+16 for the 4-bit RHS formats).
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>

#include "abi/guard.h"
#include "core/int_math.h"

namespace jao::kai {

constexpr int64_t kMaxDim = (int64_t{1} << 31) - 1;


// a * b, failing (not wrapping) when the product leaves int64.
inline int64_t checked_mul(int64_t a, int64_t b, const char* fn) {
    int64_t r;
    require(!__builtin_mul_overflow(a, b, &r), fn, "packed size overflows int64");
    return r;
}

inline void require_dim(int64_t v, const char* name, const char* fn) {
    require(v >= 1 && v <= kMaxDim, fn,
            [&] { return std::string(name) + " must be in [1, 2^31 - 1], got " + std::to_string(v); });
}

inline bool one_of(int64_t v, std::initializer_list<int64_t> set) {
    for (int64_t s : set)
        if (v == s) return true;
    return false;
}

// Panel geometry: rows grouped by `panel_rows`, each group `stride` bytes.
struct Panels {
    int64_t rows;        // logical rows (n or m)
    int64_t panel_rows;  // nr or mr
    int64_t stride;      // bytes per panel
    int64_t count() const { return (rows + panel_rows - 1) / panel_rows; }
    int64_t size(const char* fn) const { return checked_mul(count(), stride, fn); }
};

// Checks a caller's buffer against the packed size.
inline void require_buffer(const void* p, int64_t have, int64_t need, const char* what, const char* fn) {
    require(p != nullptr, fn, [&] { return std::string(what) + " must not be null"; });
    require(have >= need, fn,
            [&] {
                return std::string(what) + " holds " + std::to_string(have) + " bytes, needs " + std::to_string(need);
            });
}

// Little-endian scalars at any alignment (x86_64 / aarch64 hosts are little-endian).
template <class T>
inline void store(uint8_t* p, T v) { std::memcpy(p, &v, sizeof(T)); }
template <class T>
inline T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

// int8 interleave: column c of row r of a panel of `rows` rows sits at this byte when
// columns are cut into chunks of `chunk` values stored row after row.
inline int64_t byte_interleave(int64_t c, int64_t r, int64_t rows, int64_t chunk) {
    return ((c / chunk) * rows + r) * chunk + c % chunk;
}

// 4-bit interleave of one 32-wide k chunk of an nr-row panel (16*nr bytes): the chunk is
// split into 16/kl segments; segment s holds kl bytes per row, row after row; byte t of
// row r holds column s*kl+t in its low nibble and column 16+s*kl+t in its high one
// (signed nibbles). put_nibble_chunk writes q32[0..32) of row r and reports, per
// segment in order, the integer sum of its 2*kl values (KleidiAI's row-sum order).
inline int64_t nibble_offset(int w16, int r, int nr, int kl) { return (w16 / kl) * nr * kl + r * kl + w16 % kl; }

template <class OnSegment>
inline void put_nibble_chunk(uint8_t* chunk, const int8_t* q32, int r, int nr, int kl, OnSegment&& on_segment) {
    for (int s = 0; s < 16 / kl; ++s) {
        int32_t partial = 0;
        for (int t = 0; t < kl; ++t) {
            const int w = s * kl + t;
            const int lo = q32[w], hi = q32[w + 16];
            chunk[nibble_offset(w, r, nr, kl)] = static_cast<uint8_t>((lo & 15) | ((hi & 15) << 4));
            partial += lo + hi;
        }
        on_segment(partial);
    }
}

inline int8_t sign_extend4(unsigned v) { return static_cast<int8_t>(static_cast<int>(v & 15) - ((v & 8) << 1)); }

inline void get_nibble_chunk(const uint8_t* chunk, int8_t* q32, int r, int nr, int kl) {
    for (int w = 0; w < 16; ++w) {
        const uint8_t b = chunk[nibble_offset(w, r, nr, kl)];
        q32[w] = sign_extend4(b);
        q32[w + 16] = sign_extend4(b >> 4);
    }
}

// Values of a 4-bit row must be in [-8, 7].
inline void require_int4(const int8_t* q, int64_t count, int64_t row, const char* fn) {
    for (int64_t i = 0; i < count; ++i)
        if (q[i] < -8 || q[i] > 7)
            fail(JAO_INVALID_ARGUMENT, std::string(fn) + ": 4-bit value " + std::to_string(q[i]) + " at row " +
                                           std::to_string(row) + ", column " + std::to_string(i) +
                                           " is outside [-8, 7]");
}

}  // namespace jao::kai
