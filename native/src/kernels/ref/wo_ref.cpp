// Scalar tier of the weight-only linear: the GEMV numerics of wo_kernels.h,
// one column at a time, codes read through the format's own scalar decoder.
// It accumulates in double (D, X and acc; one rounding to fp32 at the end):
// as the ground truth it must be the most accurate tier, and a single fp32
// chain over a whole row (PerAxis, K in one group) with asymmetric zero points
// (s * D and t * X nearly cancel) drifts past torchao's own rounding error.
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/ref/wo_kernels.h"

namespace jao::kernels::wo {

void gemv_ref(const WoLayout& L, const uint8_t* payload, const Act& a, int64_t m, int64_t r0, int64_t r1, int64_t b0,
              int64_t b1, float* y) {
    (void)m;  // rows r0..r1 of x and y are addressed directly: each row on its own
    std::vector<float> q(static_cast<size_t>(L.gpad));
    for (int64_t b = b0; b < b1; ++b)
        for (int c = 0; c < pack::kWoNr && b * pack::kWoNr + c < L.n; ++c) {
            const int64_t col = b * pack::kWoNr + c;
            float bias = 0.0f;
            if (L.has_bias) std::memcpy(&bias, L.block(payload, b) + L.bias_off + 4 * c, 4);
            std::vector<double> acc(static_cast<size_t>(r1 - r0), 0.0);
            for (int64_t g = 0; g < L.groups; ++g) {
                const uint8_t* rec = L.record(payload, b, g);
                for (int64_t kl = 0; kl < L.gpad; ++kl)
                    q[kl] = static_cast<float>(static_cast<int>(pack::chunk_code(
                                rec + (kl / pack::kWoChunkK) * L.chunk_bytes, L.nbit, c,
                                static_cast<int>(kl % pack::kWoChunkK))) - L.center);
                const float s = pack::record_scale(L, rec, c);
                const float t = L.has_t() ? pack::record_t(L, rec, c) : 0.0f;
                for (int64_t r = r0; r < r1; ++r) {
                    const float* xr = a.x + r * L.kpad + g * L.gpad;
                    double d = 0.0, xsum = 0.0;
                    for (int64_t kl = 0; kl < L.gpad; ++kl) {
                        d += static_cast<double>(xr[kl]) * q[kl];
                        xsum += xr[kl];
                    }
                    acc[r - r0] += static_cast<double>(s) * d + (L.has_t() ? static_cast<double>(t) * xsum : 0.0);
                }
            }
            for (int64_t r = r0; r < r1; ++r) y[r * L.n + col] = static_cast<float>(acc[r - r0] + bias);
        }
}

}  // namespace jao::kernels::wo
