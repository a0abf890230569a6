// Guard-page test (DESIGN §8) of ATen's fallback format (jao_aten.h): every input and
// output of pack, unpack and the matmul ends flush against a PROT_NONE page, so reading
// or writing one element too far crashes the test. Shapes: channelwise and groupwise,
// with and without bias, n and m of 1 and odd.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "guarded_buffer.h"
#include "jao/jao.h"

namespace {

using jao::test::Guarded;

// v copied into a guarded buffer of exactly its size.
template <class T>
struct GuardedCopy : Guarded {
    explicit GuardedCopy(const std::vector<T>& v) : Guarded(v.size() * sizeof(T)) {
        if (!v.empty()) std::memcpy(as<T>(), v.data(), v.size() * sizeof(T));  // memcpy from null is UB, even of 0 bytes
    }
};

TEST(GuardPage, AtenFallbackPackUnpackAndMatmulStayInsideTheirBuffers) {
    struct Shape {
        int64_t m, n, k, bs;
        bool has_bias;
    };
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(-2.0f, 2.0f);
    for (const Shape& s : {Shape{1, 1, 2, 2, true}, Shape{3, 5, 64, 32, true}, Shape{7, 3, 34, 34, false},
                           Shape{2, 9, 96, 32, false}}) {
        SCOPED_TRACE(std::to_string(s.n) + "x" + std::to_string(s.k) + " bs " + std::to_string(s.bs));
        std::vector<uint8_t> w(size_t(s.n * s.k / 2));
        std::vector<float> sc(size_t(s.n * (s.k / s.bs))), b(s.has_bias ? size_t(s.n) : 0), x(size_t(s.m * s.k));
        for (auto& v : w) v = uint8_t(rng());
        for (auto* vec : {&sc, &b, &x})
            for (auto& v : *vec) v = u(rng);
        int64_t size = 0;
        ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_packed_size(s.n, s.k, s.bs, s.has_bias, &size), JAO_OK);
        GuardedCopy<uint8_t> gw(w);
        GuardedCopy<float> gsc(sc), gx(x), gb(b);
        Guarded packed{static_cast<size_t>(size)};
        ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_pack(s.n, s.k, s.bs, gw.as<uint8_t>(), gsc.as<float>(),
                                                        JAO_KAI_SCALE_F32, s.has_bias ? gb.as<float>() : nullptr,
                                                        packed.as<void>(), size),
                  JAO_OK)
            << jao_last_error();

        Guarded uw(w.size()), usc(sc.size() * sizeof(float)), ub(b.size() * sizeof(float));
        ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_unpack(s.n, s.k, s.bs, s.has_bias, packed.as<void>(), size,
                                                          uw.as<uint8_t>(), usc.as<float>(),
                                                          s.has_bias ? ub.as<float>() : nullptr),
                  JAO_OK)
            << jao_last_error();
        EXPECT_EQ(0, std::memcmp(uw.as<uint8_t>(), w.data(), w.size()));
        EXPECT_EQ(0, std::memcmp(usc.as<float>(), sc.data(), sc.size() * sizeof(float)));
        if (s.has_bias) {
            EXPECT_EQ(0, std::memcmp(ub.as<float>(), b.data(), b.size() * sizeof(float)));
        }

        // The guarded run gives what a run on ordinary buffers gives.
        Guarded y(size_t(s.m * s.n) * sizeof(float));
        ASSERT_EQ(jao_aten_dyn_quant_matmul_4bit_fallback(s.m, s.n, s.k, s.bs, s.has_bias, gx.as<float>(),
                                                          packed.as<void>(), size, y.as<float>()),
                  JAO_OK)
            << jao_last_error();
        const std::vector<uint8_t> plain_packed(packed.as<uint8_t>(), packed.as<uint8_t>() + size);
        std::vector<float> want(size_t(s.m * s.n));
        ASSERT_EQ(jao_aten_dyn_quant_matmul_4bit_fallback(s.m, s.n, s.k, s.bs, s.has_bias, x.data(),
                                                          plain_packed.data(), size, want.data()),
                  JAO_OK);
        EXPECT_EQ(0, std::memcmp(y.as<float>(), want.data(), want.size() * sizeof(float)));
    }
}

}  // namespace
