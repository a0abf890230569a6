// int8 x int8 linear with bf16 / fp16 activations and outputs (jao_int8_linear_run_typed):
// for both backends, both activation mappings and bf16 models, at m around the staging
// slice (64 rows), outputs bitwise equal to the fp32 run on the widened activations,
// 16-bit outputs bitwise the rounded fp32 results; the workspace bound (guard pages)
// and validation.
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "affine/float_formats.h"
#include "guarded_buffer.h"
#include "int8_test_util.h"

namespace {

using jao::test::Int8Packed;
namespace affine = jao::affine;

constexpr int32_t kFloatTypes[] = {JAO_F32, JAO_BF16, JAO_F16};

size_t type_bytes(int32_t type) { return type == JAO_F32 ? 4 : 2; }

struct Layer {
    int64_t n, k;
    Int8Packed packed;
};

Layer make_layer(int64_t n, int64_t k, int32_t mapping, int32_t backend, int32_t flags, std::mt19937& rng) {
    std::uniform_int_distribution<int> qd(-127, 127);
    std::uniform_real_distribution<float> sd(0.001f, 0.02f);
    std::vector<int8_t> q(static_cast<size_t>(n * k));
    for (auto& v : q) v = static_cast<int8_t>(qd(rng));
    std::vector<float> s(static_cast<size_t>(n)), bias(static_cast<size_t>(n));
    for (auto& v : s) v = sd(rng);
    for (auto& v : bias) v = sd(rng) * 10.0f - 0.1f;
    Layer l{n, k, {}};
    const jao_int8_params p = jao::test::int8_params(n, k, mapping, true, backend, flags);
    EXPECT_EQ(jao::test::int8_pack(p, q, s, &bias, l.packed), JAO_OK) << jao_last_error();
    return l;
}

// x as `type` bytes, and x rewritten to the values those bytes hold (what the fp32 run must see).
std::vector<uint8_t> typed_x(std::vector<float>& x, int32_t type) {
    std::vector<uint8_t> out(x.size() * type_bytes(type));
    if (type == JAO_F32) {
        std::memcpy(out.data(), x.data(), out.size());
        return out;
    }
    auto* bits = reinterpret_cast<uint16_t*>(out.data());
    affine::narrow_from_float(type, x.data(), bits, static_cast<int64_t>(x.size()));
    affine::widen_to_float(type, bits, x.data(), static_cast<int64_t>(x.size()));
    return out;
}

int64_t workspace(const Layer& l, int64_t m) {
    int64_t ws = 0;
    EXPECT_EQ(jao_int8_workspace_size(l.packed.data(), l.packed.bytes, m, &ws), JAO_OK) << jao_last_error();
    return ws;
}

// Every (x type, y type) pair against the fp32 run on the same (widened) activations.
void expect_typed_matches_fp32(const Layer& l, int64_t m, std::mt19937& rng, const std::string& what) {
    std::normal_distribution<float> xd(0.0f, 1.5f);
    for (int32_t xt : kFloatTypes) {
        std::vector<float> x(static_cast<size_t>(m * l.k));
        for (auto& v : x) v = xd(rng);
        if (m > 2) x[static_cast<size_t>(l.k + 1)] = 0.0f;  // an exact zero in row 1
        const std::vector<uint8_t> xb = typed_x(x, xt);
        std::vector<float> y32;
        ASSERT_EQ(jao::test::int8_run(l.packed, m, x, y32, l.n), JAO_OK) << jao_last_error();
        for (int32_t yt : kFloatTypes) {
            const std::string where = what + " m=" + std::to_string(m) + " x_type=" + std::to_string(xt) +
                                      " y_type=" + std::to_string(yt);
            const int64_t ws = workspace(l, m);
            std::vector<uint8_t> work(static_cast<size_t>(ws) + 5, 0xEE);
            std::vector<uint8_t> y(static_cast<size_t>(m * l.n) * type_bytes(yt) + 4, 0x5A);
            ASSERT_EQ(jao_int8_linear_run_typed(l.packed.data(), l.packed.bytes, m, xb.data(), xt, y.data(), yt,
                                                work.data() + 5, ws),
                      JAO_OK)
                << where << ": " << jao_last_error();
            if (yt == JAO_F32) {
                EXPECT_EQ(std::memcmp(y.data(), y32.data(), y32.size() * 4), 0) << where;
            } else {
                std::vector<uint16_t> want(y32.size());
                affine::narrow_from_float(yt, y32.data(), want.data(), static_cast<int64_t>(y32.size()));
                EXPECT_EQ(std::memcmp(y.data(), want.data(), want.size() * 2), 0) << where;
            }
            for (size_t i = y.size() - 4; i < y.size(); ++i) ASSERT_EQ(y[i], 0x5A) << where << ": wrote past y";
        }
    }
}

TEST(Int8Typed, EqualsTheFp32RunOnWidenedActivations) {
    std::mt19937 rng(7);
    struct Shape {
        int64_t n, k;
    };
    const Shape shapes[] = {{33, 40}, {70, 129}};
    const int64_t ms[] = {1, 3, 63, 64, 65, 130};
    for (int32_t backend : jao::test::int8_backends())
        for (int32_t mapping : {JAO_ACT_SYMMETRIC, JAO_ACT_ASYMMETRIC})
            for (int32_t flags : {0, static_cast<int>(JAO_INT8_ACT_BF16)})
                for (const Shape& s : shapes) {
                    const Layer l = make_layer(s.n, s.k, mapping, backend, flags, rng);
                    for (int64_t m : ms)
                        expect_typed_matches_fp32(l, m, rng,
                                                  "backend=" + std::to_string(backend) + " mapping=" +
                                                      std::to_string(mapping) + " flags=" + std::to_string(flags) +
                                                      " n=" + std::to_string(s.n) + " k=" + std::to_string(s.k));
                }
}

// x, y and the workspace each flush against a PROT_NONE page: the typed run stays inside
// exactly the bytes of its types and of jao_int8_workspace_size.
TEST(Int8Typed, StaysInsideItsBuffers) {
    std::mt19937 rng(11);
    for (int32_t backend : jao::test::int8_backends()) {
        const Layer l = make_layer(40, 96, JAO_ACT_ASYMMETRIC, backend, 0, rng);
        for (int64_t m : {1, 64, 70})
            for (int32_t xt : kFloatTypes)
                for (int32_t yt : kFloatTypes) {
                    jao::test::Guarded x(static_cast<size_t>(m * l.k) * type_bytes(xt));
                    jao::test::Guarded y(static_cast<size_t>(m * l.n) * type_bytes(yt));
                    const int64_t ws = workspace(l, m);
                    jao::test::Guarded work(static_cast<size_t>(ws));
                    std::memset(x.as<uint8_t>(), 0x3C, x.size());  // 1.0-ish bf16 / fp16 / small fp32 values
                    EXPECT_EQ(jao_int8_linear_run_typed(l.packed.data(), l.packed.bytes, m, x.as<void>(), xt,
                                                        y.as<void>(), yt, work.as<void>(), ws),
                              JAO_OK)
                        << jao_last_error();
                }
    }
}

TEST(Int8Typed, RejectsBadArguments) {
    std::mt19937 rng(3);
    const Layer l = make_layer(16, 32, JAO_ACT_SYMMETRIC, JAO_INT8_BACKEND_JAO, 0, rng);
    const int64_t ws = workspace(l, 2);
    std::vector<uint8_t> work(static_cast<size_t>(ws));
    std::vector<float> x(64, 0.5f), y(32);
    const void* p = l.packed.data();
    const int64_t size = l.packed.bytes;
    EXPECT_EQ(jao_int8_linear_run_typed(p, size, 2, x.data(), 7, y.data(), JAO_F32, work.data(), ws),
              JAO_INVALID_ARGUMENT);
    EXPECT_NE(std::string(jao_last_error()).find("x_type and y_type"), std::string::npos) << jao_last_error();
    EXPECT_EQ(jao_int8_linear_run_typed(p, size, 2, x.data(), JAO_BF16, y.data(), -1, work.data(), ws),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_int8_linear_run_typed(p, size, 2, nullptr, JAO_BF16, y.data(), JAO_F32, work.data(), ws),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_int8_linear_run_typed(p, size, 2, x.data(), JAO_BF16, y.data(), JAO_BF16, work.data(), ws - 1),
              JAO_INVALID_ARGUMENT);
    EXPECT_NE(std::string(jao_last_error()).find("workspace_size"), std::string::npos) << jao_last_error();
    EXPECT_EQ(jao_int8_linear_run_typed(p, size, 0, x.data(), JAO_BF16, y.data(), JAO_BF16, work.data(), ws),
              JAO_INVALID_ARGUMENT);
    // An fp32 y must be 4-byte aligned (oneDNN's int32 result lands in it); a 16-bit one need not.
    auto* y_bytes = reinterpret_cast<uint8_t*>(y.data());
    EXPECT_EQ(jao_int8_linear_run_typed(p, size, 1, x.data(), JAO_BF16, y_bytes + 2, JAO_F32, work.data(), ws),
              JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_int8_linear_run_typed(p, size, 1, x.data(), JAO_BF16, y_bytes + 2, JAO_BF16, work.data(), ws),
              JAO_OK)
        << jao_last_error();
}

}  // namespace
