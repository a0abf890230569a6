// Scalar tier and plain ground truth of the intx linear (contract in intx_kernels.h).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/ref/intx_kernels.h"
#include "core/int_math.h"

namespace jao::kernels::intx {
namespace {

constexpr int64_t kAlign = 64;

int64_t info_stride(const IntxLayout& L) { return round_up(kInfoA + L.groups, 16); }

inline float quantize_value(float x, float inv, float zp) {
    return clamp_code(std::nearbyint(x * inv) + zp);
}

}  // namespace

void act_qparams(float mn, float mx, float* scale, float* inv, float* zp) {
    mn = std::min(mn, 0.0f);
    mx = std::max(mx, 0.0f);
    float s = (mx - mn) / 255.0f;
    s = std::isnan(s) ? s : std::max(s, FLT_MIN);
    float z = -128.0f - std::nearbyint(mn / s);
    *zp = clamp_code(z);
    *scale = s;
    *inv = 1.0f / s;
}

RowQuantizer set_row_qparams(float* info, float mn, float mx) {
    float s, inv, zp;
    act_qparams(mn, mx, &s, &inv, &zp);
    info[kInfoScale] = s;
    info[kInfoUz] = zp + 128.0f;
    set_info_int(info, kInfoUzInt, static_cast<int32_t>(zp) + 128);
    return {inv, zp};
}

int64_t workspace_bytes(const IntxLayout& L, int64_t m) {
    return kAlign + round_up(m * L.kpad, kAlign) + m * info_stride(L) * 4;
}

Act carve_workspace(const IntxLayout& L, int64_t m, void* workspace) {
    auto p = reinterpret_cast<uintptr_t>(workspace);
    p = (p + kAlign - 1) & ~static_cast<uintptr_t>(kAlign - 1);
    Act a;
    a.q = reinterpret_cast<uint8_t*>(p);
    a.info = reinterpret_cast<float*>(p + round_up(m * L.kpad, kAlign));
    a.info_stride = info_stride(L);
    return a;
}

void quantize_row_torchao(const float* x, int64_t k, int8_t* q, float* scale, int8_t* zero_point) {
    float mn = x[0], mx = x[0];
    for (int64_t i = 1; i < k; ++i) {
        mn = std::min(mn, x[i]);
        mx = std::max(mx, x[i]);
    }
    float s, inv, zp;
    act_qparams(mn, mx, &s, &inv, &zp);
    for (int64_t i = 0; i < k; ++i) q[i] = static_cast<int8_t>(quantize_value(x[i], inv, zp));
    *scale = s;
    *zero_point = static_cast<int8_t>(zp);
}

void quantize_rows_ref(const IntxLayout& L, const float* x, int64_t m0, int64_t m1, const Act& a) {
    for (int64_t m = m0; m < m1; ++m) {
        const float* xr = x + m * L.k;
        uint8_t* qr = a.q + m * L.kpad;
        float* info = a.info + m * a.info_stride;
        float mn = xr[0], mx = xr[0];
        for (int64_t i = 1; i < L.k; ++i) {
            mn = std::min(mn, xr[i]);
            mx = std::max(mx, xr[i]);
        }
        const auto [inv, zp] = set_row_qparams(info, mn, mx);
        for (int64_t g = 0; g < L.groups; ++g) {
            int32_t sum = 0;
            for (int64_t j = 0; j < L.group_size; ++j) {
                int q = static_cast<int>(quantize_value(xr[g * L.group_size + j], inv, zp));
                qr[g * L.gpad + j] = static_cast<uint8_t>(q + 128);
                sum += q;
            }
            for (int64_t j = L.group_size; j < L.gpad; ++j) qr[g * L.gpad + j] = 0;
            set_info_int(info, kInfoA + g, sum - static_cast<int32_t>(zp) * static_cast<int32_t>(L.group_size));
        }
    }
}

void tile_ref(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
              float* y) {
    const int8_t off = static_cast<int8_t>(L.weight_offset());
    std::vector<int8_t> w(static_cast<size_t>(L.gpad) * pack::kNr);  // one group of one block, [k][col]
    for (int64_t b = b0; b < b0 + nb; ++b) {
        const uint8_t* blk = payload + b * L.block_bytes;
        float acc[8][pack::kNr] = {};
        for (int64_t g = 0; g < L.groups; ++g) {
            const uint8_t* rec = blk + g * L.group_bytes;
            for (int64_t ch = 0; ch < L.chunks; ++ch)
                for (int v = 0; v < 8; ++v) {
                    uint8_t u[pack::kVecBytes];
                    pack::decode_vector(rec + ch * L.chunk_bytes, L.nbit, v, u);
                    for (int i = 0; i < pack::kVecBytes; ++i) {
                        const int c = i / pack::kKr;
                        const int zw = L.folded_zp() ? static_cast<int8_t>(rec[L.zp_off + c]) : 0;
                        w[(ch * pack::kChunkK + v * pack::kKr + i % pack::kKr) * pack::kNr + c] =
                            static_cast<int8_t>(static_cast<uint8_t>(u[i] - off - zw));
                    }
                }
            for (int c = 0; c < pack::kNr; ++c) {
                float s;
                if (L.bf16) {
                    uint16_t sb;
                    std::memcpy(&sb, rec + L.scale_off + 2 * c, 2);
                    s = pack::bf16_to_f32(sb);
                } else {
                    std::memcpy(&s, rec + L.scale_off + 4 * c, 4);
                }
                for (int r = 0; r < mr; ++r) {
                    const uint8_t* q = a.q + (m0 + r) * L.kpad + g * L.gpad;
                    int32_t d = 0;
                    for (int64_t kk = 0; kk < L.gpad; ++kk) d += static_cast<int32_t>(q[kk]) * w[kk * pack::kNr + c];
                    if (L.exact_zp()) {
                        const float* info = a.info + (m0 + r) * a.info_stride;
                        int32_t wsum;
                        std::memcpy(&wsum, rec + L.wsum_off + 4 * c, 4);
                        const int64_t zw = static_cast<int8_t>(rec[L.zp_off + c]);
                        d = static_cast<int32_t>(d - int64_t{info_int(info, kInfoUzInt)} * wsum -
                                                 zw * info_int(info, kInfoA + g));
                    }
                    acc[r][c] = std::fma(s, static_cast<float>(d), acc[r][c]);
                }
            }
        }
        for (int c = 0; c < pack::kNr && b * pack::kNr + c < L.n; ++c) {
            float w1, bias = 0.0f;
            std::memcpy(&w1, blk + L.w1_off + 4 * c, 4);
            if (L.has_bias) std::memcpy(&bias, blk + L.bias_off + 4 * c, 4);
            for (int r = 0; r < mr; ++r) {
                const float* info = a.info + (m0 + r) * a.info_stride;
                const float t = L.exact_zp() ? acc[r][c] : std::fma(-info[kInfoUz], w1, acc[r][c]);
                y[(m0 + r) * L.n + b * pack::kNr + c] = std::fma(t, info[kInfoScale], bias);
            }
        }
    }
}

void linear_plain_ref(int64_t n, int64_t k, int64_t group_size, int nbit, const int8_t* qdata, const float* scales,
                      const int8_t* zero_points, const float* bias, int64_t m, const float* x, float* y) {
    const int64_t groups = k / group_size;
    const bool exact = zero_points && nbit == 8;
    std::vector<int8_t> q(static_cast<size_t>(k));
    for (int64_t r = 0; r < m; ++r) {
        float sa;
        int8_t za;
        quantize_row_torchao(x + r * k, k, q.data(), &sa, &za);
        const float uz = static_cast<float>(za) + 128.0f;
        for (int64_t c = 0; c < n; ++c) {
            float acc = 0.0f, w1 = 0.0f;
            for (int64_t g = 0; g < groups; ++g) {
                const int32_t zw = zero_points ? zero_points[c * groups + g] : 0;
                int64_t d = 0, wsum = 0;
                for (int64_t j = g * group_size; j < (g + 1) * group_size; ++j) {
                    const int32_t wq = qdata[c * k + j];
                    if (exact) d += (q[j] - za) * (wq - zw);  // mode X
                    else d += (q[j] + 128) * (wq - zw);       // modes S, F
                    wsum += wq - zw;
                }
                const float s = scales[c * groups + g];
                acc = std::fma(s, static_cast<float>(d), acc);
                w1 = std::fma(s, static_cast<float>(wsum), w1);
            }
            const float t = exact ? acc : std::fma(-uz, w1, acc);
            y[r * n + c] = std::fma(t, sa, bias ? bias[c] : 0.0f);
        }
    }
}

}  // namespace jao::kernels::intx
