// ATen's reference _dyn_quant_matmul_4bit (the kernel torch runs without KleidiAI),
// reproduced bit for bit: every f32 operation below happens in ATen's order, because
// the result is compared with torch's byte for byte. Model: testdata/golden/
// check_semantics.py dynq_ref.
#pragma once

#include <cstdint>

namespace jao::kernels::aten {

// One activation row quantized as ATen does: x ~ (q + neg_zero_point) * inv_scale.
struct RowQuant {
    float inv_scale;         // f32 reciprocal of the quantization scale (0 when that scale is 0)
    int32_t neg_zero_point;  // -zero point, zero point in [-128, 127]
};

// Quantizes x[0..k) into q[0..k). channelwise selects ATen's channelwise zero-point
// test, which adds its four terms in another order than the groupwise one.
RowQuant quantize_row(const float* x, int64_t k, bool channelwise, int8_t* q);

// The weights as the kernel reads them.
struct Weights {
    const uint8_t* nibbles;  // [n][k/2]: low nibble = even k, value + 8
    const float* scales;     // [n][k/block_size]
    const float* bias;       // [n] or null
};

// y[m][n] (row stride n) from x[m][k] (row stride k); k % block_size == 0, k even,
// k <= 65536 (int32 block sums).
void dyn_quant_matmul_4bit(int64_t m, int64_t n, int64_t k, int64_t block_size, const float* x, const Weights& w,
                           float* y);

}  // namespace jao::kernels::aten
