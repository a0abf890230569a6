// What every Arm integer tile shares, whatever the kernel family (intx:
// intx_tile_arm.h, int8 x int8: int8_tile_arm.h): the packed vector (16
// columns x 4 K, column c in bytes 4c..4c+3: both formats store weights so,
// pack/README.md), its unpacking, the tile shapes a multiply-accumulate
// policy allows, and the walk of a row x block range in those tiles.
//
// A multiply-accumulate policy ("Mac": mac_neon.h, mac_dotprod.h,
// mac_i8mm.h, each for files built with that tier's -march) provides
//   template <int NBIT, int MR, int NB> struct Acc {  MR rows x NB blocks of 32-bit sums, zero when made
//       static constexpr int kRegsPerBlock;                                 accumulator registers per block
//       void chunk(const uint8_t* const w[NB], const uint8_t* const q[MR]);  one 32-K chunk: 8 packed
//                                                                            vectors per block, 32 bytes per row
//       void sums(int r, int j, uint32x4_t out[4]) const;                   columns 0-3 .. 12-15 (mod 2^32)
//   };
// Its Signed parameter picks the product: unsigned x unsigned (intx: both
// operands offset to u8) or signed x signed (int8 x int8: w and q as stored).
//
// Everything here has internal linkage (and calls no std:: inline template):
// these headers are compiled once per tier with that tier's -march, and an
// inline function with external linkage could be merged by the linker into
// the i8mm copy and then run on a NEON-only CPU.
#pragma once

#include <arm_neon.h>

#include <cstdint>
#include <utility>

#include "pack/intx_format.h"

namespace jao::kernels::arm {
namespace {

using pack::kChunkK;
using pack::kNr;
using pack::kVecBytes;

// Calls f.template operator()<I>() for I = 0..N-1 (lane and shift immediates must be constants).
template <int N, class F>
inline void static_for(F&& f) {
    [&]<int... I>(std::integer_sequence<int, I...>) { (f.template operator()<I>(), ...); }
    (std::make_integer_sequence<int, N>{});
}

// One packed vector: 16 columns x 4 K, column c in bytes 4c..4c+3, as four
// registers of 4 columns each.
struct Vec64 {
    uint8x16_t q[4];
};

// The 32 activations of a row's chunk: K 0..15 and 16..31.
struct Act32 {
    uint8x16_t half[2];
};
inline Act32 load_act32(const uint8_t* q) { return {{vld1q_u8(q), vld1q_u8(q + 16)}}; }

// Vector V (0..7) of a chunk. NBIT 8: the stored byte xor 0x80 (intx: u_w =
// q + 128 from the int8 byte; int8 x int8: w as s8 from u = w + 128).
// NBIT 1..7: the intx bit planes reassembled into u_w (pack/README.md).
template <int NBIT, int V>
inline Vec64 unpack_vector(const uint8_t* chunk) {
    Vec64 u;
    if constexpr (NBIT == 8) {
        for (int i = 0; i < 4; ++i) u.q[i] = veorq_u8(vld1q_u8(chunk + V * kVecBytes + 16 * i), vdupq_n_u8(0x80));
    } else {
        constexpr pack::BitPieces ps = pack::bit_pieces(NBIT);
        static_for<ps.count>([&]<int P>() {
            constexpr pack::BitPiece bp = ps.piece[P];
            constexpr int per = 8 / bp.width;
            constexpr int s = (V % per) * bp.width;  // bit of the field in its plane byte
            constexpr uint8_t mask = ((1 << bp.width) - 1) << bp.shift;
            // Only the plane's top field shifted down to bit 0 needs no mask.
            constexpr bool masked = !(bp.shift == 0 && s + bp.width == 8);
            const uint8_t* plane = chunk + (bp.plane_base + V / per) * kVecBytes;
            for (int i = 0; i < 4; ++i) {
                uint8x16_t f = vld1q_u8(plane + 16 * i);
                if constexpr (s > bp.shift) f = vshrq_n_u8(f, s - bp.shift);
                if constexpr (s < bp.shift) f = vshlq_n_u8(f, bp.shift - s);
                if constexpr (masked) f = vandq_u8(f, vdupq_n_u8(mask));
                u.q[i] = P == 0 ? f : vorrq_u8(u.q[i], f);
            }
        });
    }
    return u;
}

// Accumulator registers of one 16-column block of an MR-row tile.
template <class Mac, int NBIT, int MR>
constexpr int kAccRegs = Mac::template Acc<NBIT, MR, 1>::kRegsPerBlock;
// Tile shapes: at most half of the 32 vector registers hold accumulators (the
// rest hold unpacked weights, activations and scales). Rows per tile: up to 4;
// blocks per tile: the widest of 4 / 2 / 1.
template <class Mac, int NBIT>
constexpr int kMaxRows = kAccRegs<Mac, NBIT, 4> <= 16 ? 4 : kAccRegs<Mac, NBIT, 3> <= 16 ? 3
                       : kAccRegs<Mac, NBIT, 2> <= 16 ? 2 : 1;
template <class Mac, int NBIT, int MR>
constexpr int kBlocks = 4 * kAccRegs<Mac, NBIT, MR> <= 16 ? 4 : 2 * kAccRegs<Mac, NBIT, MR> <= 16 ? 2 : 1;

// Blocks [b0, b0+nb) of rows [m0, m0+MR): tile.template operator()<MR, NB>(m0, b) per tile.
template <class Mac, int NBIT, int MR, class Tile>
void run_blocks(const Tile& tile, int64_t m0, int64_t b0, int nb) {
    constexpr int NB = kBlocks<Mac, NBIT, MR>;
    int64_t b = b0;
    const int64_t end = b0 + nb;
    for (; end - b >= NB; b += NB) tile.template operator()<MR, NB>(m0, b);
    if constexpr (NB == 4)
        if (end - b >= 2) {
            tile.template operator()<MR, 2>(m0, b);
            b += 2;
        }
    if constexpr (NB > 1)
        for (; b < end; ++b) tile.template operator()<MR, 1>(m0, b);
}

// Rows [m0, m0+mr) x blocks [b0, b0+nb) as tiles of at most kMaxRows rows.
template <class Mac, int NBIT, class Tile>
void run_tiles(const Tile& tile, int64_t m0, int mr, int64_t b0, int nb) {
    constexpr int R = kMaxRows<Mac, NBIT>;
    for (; mr > 0;) {
        const int rows = mr < R ? mr : R;
        static_for<R>([&]<int I>() {
            if (rows == I + 1) run_blocks<Mac, NBIT, I + 1>(tile, m0, b0, nb);
        });
        m0 += rows;
        mr -= rows;
    }
}

}  // namespace
}  // namespace jao::kernels::arm
