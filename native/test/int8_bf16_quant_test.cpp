// Activation quantization of a bf16 model's int8 linear (JAO_INT8_ACT_BF16)
// against a scalar model written from torchao's source, op by op: Int8Tensor.from_hp
// -> choose_qparams_affine on the bf16 input (every op rounded to bf16), scale cast
// to fp32, quantize_affine in fp32. Edge rows, every ISA tier and thread count
// bit-identical to the model; a row that rounds to inf gives NaN outputs.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "int8_test_util.h"
#include "kernels/x86/int8_linear.h"
#include "linear_test_util.h"

namespace {

// bf16 round to nearest even, written out here (independent of affine::round_bf16).
float bf(float v) {
    if (std::isnan(v)) return v;
    uint32_t u;
    std::memcpy(&u, &v, 4);
    const uint32_t rest = u & 0xffffu, keep = u >> 16;
    uint32_t r = keep + (rest > 0x8000u || (rest == 0x8000u && (keep & 1u)) ? 1u : 0u);
    r <<= 16;
    float out;
    std::memcpy(&out, &r, 4);
    return out;
}

struct Expected {
    float scale;
    int zp;
    std::vector<int8_t> q;
};

// torchao for one block of bf16 values x (a row, or all rows for PerTensor).
Expected torchao_bf16(const std::vector<float>& x, bool asym, int qmin, int qmax) {
    const float eps = std::ldexp(1.0f, -23);  // torch.finfo(torch.float32).eps, a bf16 value
    const float min_val = *std::min_element(x.begin(), x.end()), max_val = *std::max_element(x.begin(), x.end());
    const float min_neg = std::min(min_val, 0.0f);
    float max_pos = std::max(max_val, 0.0f);
    Expected e{};
    float zp = 0.0f;
    if (!asym) {
        max_pos = std::max(-min_neg, max_pos);
        e.scale = std::max(bf(max_pos / (static_cast<float>(qmax - qmin) / 2)), eps);
    } else {
        e.scale = std::max(bf(bf(max_pos - min_neg) / static_cast<float>(qmax - qmin)), eps);
        zp = bf(static_cast<float>(qmin) - std::nearbyint(bf(min_neg / e.scale)));
        zp = std::min(std::max(zp, static_cast<float>(qmin)), static_cast<float>(qmax));
    }
    e.zp = static_cast<int>(zp);
    const float inv = 1.0f / e.scale;  // the scale is fp32 from here on
    for (float v : x) {
        const float t = std::nearbyint(v * inv) + zp;
        e.q.push_back(static_cast<int8_t>(std::min(std::max(t, static_cast<float>(qmin)), static_cast<float>(qmax))));
    }
    return e;
}

std::vector<std::vector<float>> edge_rows(int64_t k) {
    std::mt19937 rng(21);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<std::vector<float>> rows;
    rows.emplace_back(k, 0.0f);
    rows.emplace_back(k, 0.75f);
    rows.emplace_back(k, -3.0f);
    auto random_row = [&](float scale, float shift) {
        std::vector<float> r(k);
        for (auto& v : r) v = nd(rng) * scale + shift;
        return r;
    };
    rows.push_back(random_row(1e30f, 0.0f));
    rows.push_back(random_row(3e38f / 4, 0.0f));   // near bf16's largest finite value
    rows.push_back(random_row(1e-30f, 0.0f));
    rows.push_back(random_row(1e-39f, 0.0f));      // subnormal: the scale clamps to eps
    rows.push_back(random_row(1.0f, 0.7f));        // uneven range (asymmetric zero point)
    rows.push_back(random_row(1.0f, 0.0f));        // not bf16 values: rounded first
    std::vector<float> ties(k);                    // multiples of 0.5 up to +-127.5: x * (1/s) ties at s = 1
    for (int64_t i = 0; i < k; ++i) ties[i] = (i % 2 ? 0.5f : -0.5f) * static_cast<float>(i % 256);
    ties[0] = 127.5f;
    rows.push_back(ties);
    return rows;
}

TEST(Int8Bf16Quant, EdgeRowsMatchTorchaoModelAtEveryTier) {
    const int64_t k = 300;  // not a multiple of 8 or 16: every tier's partial vector
    const auto rows = edge_rows(k);
    const int64_t m = static_cast<int64_t>(rows.size());
    std::vector<float> x;
    for (const auto& r : rows) x.insert(x.end(), r.begin(), r.end());
    int checked = 0;
    for (int32_t tier : jao::test::supported_tiers()) {
        jao::test::IsaCap cap(tier);
        ASSERT_TRUE(cap.ok());
        for (bool asym : {false, true})
            for (bool rr : {false, true})
                for (bool per_tensor : {false, true})
                    for (int threads : {1, 2}) {
                        const int qmin = rr ? -64 : -128, qmax = rr ? 63 : 127;
                        jao::pack::Int8Layout L;
                        L.n = 16;
                        L.k = k;
                        L.kpad = (k + 3) / 4 * 4;
                        L.act_mapping = asym ? JAO_ACT_ASYMMETRIC : JAO_ACT_SYMMETRIC;
                        L.act_flags = JAO_INT8_ACT_BF16 | (rr ? JAO_INT8_ACT_REDUCE_RANGE : 0) |
                                      (per_tensor ? JAO_INT8_ACT_PER_TENSOR : 0);
                        std::vector<uint8_t> ws(static_cast<size_t>(jao::kernels::int8::workspace_bytes(L, m)));
                        const auto a = jao::kernels::int8::quantize_activations(L, m, x.data(), ws.data(), threads);
                        std::vector<float> all;
                        for (float v : x) all.push_back(bf(v));
                        const Expected whole = torchao_bf16(all, asym, qmin, qmax);
                        for (int64_t r = 0; r < m; ++r) {
                            SCOPED_TRACE("row " + std::to_string(r) + " asym " + std::to_string(asym) + " rr " +
                                         std::to_string(rr) + " per_tensor " + std::to_string(per_tensor) +
                                         " threads " + std::to_string(threads) + " tier " + jao_isa_name(tier));
                            std::vector<float> row(all.begin() + r * k, all.begin() + (r + 1) * k);
                            Expected want = torchao_bf16(row, asym, qmin, qmax);
                            if (per_tensor) {  // the tensor's scale and zero point, this row's q
                                want = whole;
                                want.q.assign(whole.q.begin() + r * k, whole.q.begin() + (r + 1) * k);
                            }
                            ASSERT_EQ(a.scale[r], want.scale);
                            ASSERT_EQ(static_cast<int>(a.zp[r]), want.zp);
                            ASSERT_EQ(0, std::memcmp(a.q + r * a.stride, want.q.data(), static_cast<size_t>(k)));
                            ++checked;
                        }
                    }
    }
    std::printf("[ int8 ] bf16 activation rows equal to the torchao model: %d\n", checked);
}

// |x| >= 3.3961776e38 is finite in fp32 but inf in bf16: torchao's scale is then
// inf / NaN and so are its outputs; jao gives NaN rows (every row for PerTensor).
TEST(Int8Bf16Quant, RowRoundingToInfGivesNaNOutputs) {
    const int64_t n = 20, k = 40;
    const std::vector<int8_t> q(n * k, 3);
    const std::vector<float> s(n, 0.01f);
    std::vector<float> x(3 * k, 0.25f);
    const uint32_t halfway_to_inf = 0x7f7f8000u;  // bf16 max 0x7f7f and inf 0x7f80: the tie rounds to even (inf)
    std::memcpy(&x[k + 7], &halfway_to_inf, 4);
    for (int32_t per_tensor : {0, static_cast<int>(JAO_INT8_ACT_PER_TENSOR)})
        for (int32_t backend : jao::test::int8_backends())
            for (int32_t tier : jao::test::supported_tiers()) {
                jao::test::IsaCap cap(tier);
                SCOPED_TRACE("per_tensor " + std::to_string(per_tensor) + " backend " + std::to_string(backend) +
                             " tier " + jao_isa_name(tier));
                jao::test::Int8Packed pk;
                const auto p = jao::test::int8_params(n, k, JAO_ACT_SYMMETRIC, false, backend,
                                                      JAO_INT8_ACT_BF16 | per_tensor);
                ASSERT_EQ(JAO_OK, jao::test::int8_pack(p, q, s, nullptr, pk)) << jao_last_error();
                std::vector<float> y;
                ASSERT_EQ(JAO_OK, jao::test::int8_run(pk, 3, x, y, n)) << jao_last_error();
                for (int64_t r = 0; r < 3; ++r)
                    for (int64_t c = 0; c < n; ++c)
                        ASSERT_EQ(std::isnan(y[r * n + c]), per_tensor || r == 1) << "row " << r << " col " << c;
            }
}

}  // namespace
