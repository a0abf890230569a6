// The int8 x int8 tile of every Arm tier, written once (contract:
// kernels/ref/int8_kernels.h): the K loop over the jao packed weights and the
// epilogue. A tier supplies its multiply-accumulate policy (tile_arm.h) with
// Signed = true and includes this header from its own .cpp, compiled with
// that tier's -march (hence internal linkage only: tile_arm.h says why).
//
// Why signed x signed: a block stores per 4-K step one packed vector of
// u = w + 128 (pack/README.md); xor 0x80 (unpack_vector<8>) gives w as s8, and
// the workspace holds q as s8, so sdot / smmla / smull sum w * q directly: c
// exactly (|c| < 2^31 for K <= 131071), the scalar tier's wrapped
// sum u * q - 128 * asum, with no correction term. The K loop runs in chunks
// of 32 K (8 steps); the last kpad % 32 K go through zero-padded copies
// (weights 0x80, i.e. w = 0; activations 0), so no read passes the buffers.
#pragma once

#include <cstring>

#include "kernels/arm/int8_arm.h"
#include "kernels/arm/tile_arm.h"
#include "kernels/ref/int8_kernels.h"
#include "pack/int8_format.h"

namespace jao::kernels::int8 {
namespace {

using arm::kChunkK;
using arm::kNr;
using arm::kVecBytes;

constexpr int64_t kChunkBytes = kChunkK / 4 * kVecBytes;  // 8 packed vectors

// epilogue_one on 4 columns from col: the same fp32 ops in the same order
// (the build's -ffp-contract=off keeps the mul and sub unfused).
inline float32x4_t epilogue4(int32x4_t c, float32x4_t s, float32x4_t corr, const Epilogue& e, int64_t col) {
    const auto model = [&e](float32x4_t v) { return e.bf16 ? round_bf16_neon(v) : v; };  // to_model
    float32x4_t y = model(vmulq_f32(vcvtq_f32_s32(c), s));
    if (e.rowsum) y = model(vsubq_f32(y, model(vmulq_f32(corr, vld1q_f32(e.rowsum + col)))));
    y = vmulq_f32(y, vld1q_f32(e.w_scale + col));
    if (e.bias) y = vaddq_f32(y, vld1q_f32(e.bias + col));
    return model(y);
}

// Outputs of 4 columns from col of one row (fewer at the end of the row: the
// per-column arrays hold n floats, so the tail goes through epilogue_one).
inline void store_epilogue4(int32x4_t c, int64_t row, int64_t col, const Epilogue& e, const Act& a, float* y) {
    float* out = y + row * e.n;
    if (col + 4 <= e.n) {
        vst1q_f32(out + col, epilogue4(c, vdupq_n_f32(a.scale[row]), vdupq_n_f32(a.corr[row]), e, col));
        return;
    }
    int32_t lanes[4];
    vst1q_s32(lanes, c);
    for (int64_t i = col; i < e.n; ++i) out[i] = epilogue_one(lanes[i - col], a.scale[row], a.corr[row], e, i);
}

template <class Mac, int MR, int NB>
void tile(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int64_t b0, float* y) {
    const int64_t block_bytes = pack::int8_block_bytes(kpad);
    const uint8_t* wp[NB];
    const uint8_t* qp[MR];
    for (int j = 0; j < NB; ++j) wp[j] = w + (b0 + j) * block_bytes;
    for (int r = 0; r < MR; ++r) qp[r] = reinterpret_cast<const uint8_t*>(a.q + (m0 + r) * a.stride);
    typename Mac::template Acc<8, MR, NB> acc;
    const int64_t full = kpad / kChunkK;
    for (int64_t ch = 0; ch < full; ++ch) {
        acc.chunk(wp, qp);
        for (int j = 0; j < NB; ++j) wp[j] += kChunkBytes;
        for (int r = 0; r < MR; ++r) qp[r] += kChunkK;
    }
    if (const int64_t left = kpad - full * kChunkK; left > 0) {
        uint8_t wt[NB][kChunkBytes], qt[MR][kChunkK];
        const uint8_t* wtp[NB];
        const uint8_t* qtp[MR];
        for (int j = 0; j < NB; ++j) {
            std::memset(wt[j], 0x80, sizeof wt[j]);
            std::memcpy(wt[j], wp[j], static_cast<size_t>(left / 4 * kVecBytes));
            wtp[j] = wt[j];
        }
        for (int r = 0; r < MR; ++r) {
            std::memset(qt[r], 0, sizeof qt[r]);
            std::memcpy(qt[r], qp[r], static_cast<size_t>(left));
            qtp[r] = qt[r];
        }
        acc.chunk(wtp, qtp);
    }
    for (int j = 0; j < NB; ++j)
        for (int r = 0; r < MR; ++r) {
            uint32x4_t sums[4];
            acc.sums(r, j, sums);
            for (int i = 0; i < 4; ++i)
                store_epilogue4(vreinterpretq_s32_u32(sums[i]), m0 + r, (b0 + j) * kNr + 4 * i, e, a, y);
        }
}

// The TileFn contract: rows [m0, m0+mr) x blocks [b0, b0+nb) in the Mac's tile shapes.
template <class Mac>
void run_int8_tiles(const uint8_t* w, int64_t kpad, const Epilogue& e, const Act& a, int64_t m0, int mr, int64_t b0,
                    int nb, float* y) {
    arm::run_tiles<Mac, 8>([&]<int MR, int NB>(int64_t m, int64_t b) { tile<Mac, MR, NB>(w, kpad, e, a, m, b, y); }, m0,
                           mr, b0, nb);
}

}  // namespace
}  // namespace jao::kernels::int8
