// How a code of 1..7 bits is split into bit-planes of width 4 / 2 / 1 (nbit 3 =
// 2+1, 5 = 4+1, 6 = 4+2, 7 = 4+2+1; 8 is one byte piece), shared by the packed
// formats whose kernels unpack a piece with one shift and no cross-lane shuffle.
// A piece of width w of 32 K values of one lane fills w 32-bit words; every
// piece of a chunk takes `width` consecutive 64-byte planes from plane_base.
#pragma once

namespace jao::pack {

struct BitPiece {
    int width, shift;  // width w, bit offset of the piece inside the code
    int plane_base;    // first 64-byte plane of this piece inside the chunk
};
struct BitPieces {
    int count;
    BitPiece piece[3];
};
constexpr BitPieces bit_pieces(int nbit) {
    switch (nbit) {
        case 1: return {1, {{1, 0, 0}, {}, {}}};
        case 2: return {1, {{2, 0, 0}, {}, {}}};
        case 3: return {2, {{2, 0, 0}, {1, 2, 2}, {}}};
        case 4: return {1, {{4, 0, 0}, {}, {}}};
        case 5: return {2, {{4, 0, 0}, {1, 4, 4}, {}}};
        case 6: return {2, {{4, 0, 0}, {2, 4, 4}, {}}};
        case 7: return {3, {{4, 0, 0}, {2, 4, 4}, {1, 6, 6}}};
        default: return {1, {{8, 0, 0}, {}, {}}};
    }
}

}  // namespace jao::pack
