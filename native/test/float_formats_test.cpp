// The portable fp16 conversion against the compiler's own half type (x86 GCC has _Float16) over
// every half value and a dense sweep of floats, incl. ties, subnormals, overflow and NaN.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "affine/float_formats.h"

using jao::affine::bits_of;
using jao::affine::f16_bits_rne;
using jao::affine::f16_to_float;

TEST(FloatFormats, HalfRoundTripsEveryValue) {
    for (uint32_t h = 0; h < 0x10000; ++h) {
        float f = f16_to_float(static_cast<uint16_t>(h));
        if (std::isnan(f)) continue;
        EXPECT_EQ(f16_bits_rne(f), h) << std::hex << h;
    }
}

#if defined(__x86_64__)
TEST(FloatFormats, HalfRoundingMatchesTheCompiler) {
    for (uint64_t u = 0; u <= 0xffffffffull; u += 4093) {  // ~1M floats across every exponent
        float f;
        uint32_t b = static_cast<uint32_t>(u);
        std::memcpy(&f, &b, 4);
        _Float16 ref = static_cast<_Float16>(f);
        uint16_t rb;
        std::memcpy(&rb, &ref, 2);
        if (std::isnan(f)) {
            EXPECT_EQ(f16_bits_rne(f) & 0x7c00, 0x7c00);
            continue;
        }
        ASSERT_EQ(f16_bits_rne(f), rb) << std::hex << b;
        ASSERT_EQ(bits_of(f16_to_float(rb)), bits_of(static_cast<float>(ref)));
    }
}
#endif
