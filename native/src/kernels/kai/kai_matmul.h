// Matmul over KleidiAI's packed operands: LHS qai8dxp x RHS qsi4c32p (bf16 scales),
// qsi4cxp or qsi8cxp, f32 output (semantics: testdata/golden-kleidiai/README.md,
// "Matmul semantics"). Every tier computes the same int32 sums per (row, column,
// block) and hands them to the one f32 epilogue in kai_epilogue.h, so all tiers are
// bit-identical to the scalar one. Shapes are validated by the caller (abi/).
#pragma once

#include <cstdint>

namespace jao::kernels::kai {

enum class RhsFormat { Qsi4c32p, Qsi4cxp, Qsi8cxp };

// Byte geometry of both packed operands (layouts: notes/kleidiai-layouts.md).
struct Geometry {
    RhsFormat rhs;
    int64_t m, n, k;
    int32_t mr, nr, kl;     // kl = kr / sr, the interleave chunk shared by LHS and RHS
    int64_t k32;            // roundup(k, 32)
    int64_t blocks;         // k / bl for qsi4c32p, else 1
    int64_t block_k;        // values per block: bl, or k32 for the per-channel formats
    int64_t block_bytes;    // RHS bytes per block: data (+ nr bf16 scales for qsi4c32p)
    int64_t lhs_panel;      // LHS bytes per panel of mr rows
    int64_t rhs_panel;      // RHS bytes per panel of nr rows
    int64_t rhs_tail;       // offset of the per-row fields after the blocks (sums / scales / bias)

    bool nibbles() const { return rhs != RhsFormat::Qsi8cxp; }
    int64_t lhs_panels() const { return (m + mr - 1) / mr; }
    int64_t rhs_panels() const { return (n + nr - 1) / nr; }
};

// bl is ignored for the per-channel formats.
Geometry geometry(RhsFormat rhs, int64_t m, int64_t n, int64_t k, int64_t bl, int32_t mr, int32_t nr, int32_t kr,
                  int32_t sr);

struct Output {
    float* y;
    int64_t row_stride;  // elements
    float clamp_min, clamp_max;
};

// int32 sums of one block for rows [x0, x0 + rows) of an LHS panel (rows <= 4) and
// all nr columns of an RHS panel: sums[x * nr + c] = sum over the block of q_lhs * q_rhs
// (signed values, no zero point). Exact: |sum| < 2^31 for k <= kMaxK.
using BlockSums = void (*)(const Geometry& g, const uint8_t* lhs_panel, int x0, int rows, const uint8_t* rhs_panel,
                           int64_t block, int32_t* sums);
constexpr int kTileRows = 4;
// Largest k: sum (q + neg_zp) * w of 255 * 128 * k (8-bit) or 16 * 255 * 8 * k (4-bit) fits int32.
constexpr int64_t kMaxK = 65536;

void block_sums_scalar(const Geometry& g, const uint8_t* lhs_panel, int x0, int rows, const uint8_t* rhs_panel,
                       int64_t block, int32_t* sums);
#if defined(__aarch64__)
void block_sums_neon(const Geometry& g, const uint8_t* lhs_panel, int x0, int rows, const uint8_t* rhs_panel,
                     int64_t block, int32_t* sums);
void block_sums_dotprod(const Geometry& g, const uint8_t* lhs_panel, int x0, int rows, const uint8_t* rhs_panel,
                        int64_t block, int32_t* sums);
void block_sums_i8mm(const Geometry& g, const uint8_t* lhs_panel, int x0, int rows, const uint8_t* rhs_panel,
                     int64_t block, int32_t* sums);
#endif

// The tier for the active ISA (JAO_ISA caps it).
BlockSums active_block_sums();

// y = the matmul of the whole problem with the given sums, over RHS panels in
// parallel (the result does not depend on the thread count).
void matmul(const Geometry& g, const uint8_t* lhs, const uint8_t* rhs, const Output& out, BlockSums sums);

}  // namespace jao::kernels::kai
