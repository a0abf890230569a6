// AArch64 capability probe and the JAO_ISA cap on Arm. scripts/test-arm.sh
// runs this binary under `qemu-aarch64 -cpu max` once per tier with
// JAO_ISA=neon|dotprod|i8mm: CapFromEnvironmentIsHonoured then proves that the
// probe reports that tier (an unsupported JAO_ISA is ignored with a warning).
#if defined(__aarch64__)
#include <gtest/gtest.h>
#include <sys/auxv.h>

#include <cstdlib>
#include <string>

#include "jao/jao.h"

namespace {

constexpr unsigned long kHwcapAsimdDp = 1ul << 20;  // HWCAP_ASIMDDP
constexpr unsigned long kHwcap2I8mm = 1ul << 13;    // HWCAP2_I8MM

bool has(uint64_t mask, int32_t tier) { return mask >> tier & 1; }

// Restores the cap a test started with (the next test sees the same state).
struct CapGuard {
    int32_t saved = jao_isa_active();
    ~CapGuard() { jao_isa_set_cap(saved); }
};

}  // namespace

TEST(ArmProbe, MaskMatchesHwcaps) {
    uint64_t mask = jao_isa_supported_mask();
    unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
    EXPECT_TRUE(has(mask, JAO_ISA_SCALAR));
    EXPECT_TRUE(has(mask, JAO_ISA_NEON)) << "Advanced SIMD is mandatory on AArch64";
    EXPECT_EQ(has(mask, JAO_ISA_DOTPROD), (hw & kHwcapAsimdDp) != 0);
    EXPECT_EQ(has(mask, JAO_ISA_I8MM), (hw & kHwcapAsimdDp) && (hw2 & kHwcap2I8mm));
    for (int32_t x86 : {JAO_ISA_AVX2, JAO_ISA_AVX512, JAO_ISA_AVX512_VNNI, JAO_ISA_AVX512_BF16}) EXPECT_FALSE(has(mask, x86));
}

TEST(ArmProbe, CapFromEnvironmentIsHonoured) {
    const char* env = std::getenv("JAO_ISA");
    if (env == nullptr || *env == '\0') GTEST_SKIP() << "JAO_ISA not set";
    int32_t tier = -1;
    ASSERT_EQ(jao_isa_parse(env, &tier), JAO_OK) << env;
    ASSERT_TRUE(has(jao_isa_supported_mask(), tier)) << "the probe does not report JAO_ISA=" << env;
    EXPECT_EQ(jao_isa_active(), tier) << "JAO_ISA=" << env;
}

TEST(ArmProbe, EverySupportedTierCanBeTheCap) {
    CapGuard guard;
    uint64_t mask = jao_isa_supported_mask();
    for (int32_t tier : {JAO_ISA_SCALAR, JAO_ISA_NEON, JAO_ISA_DOTPROD, JAO_ISA_I8MM}) {
        if (!has(mask, tier)) {
            EXPECT_EQ(jao_isa_set_cap(tier), JAO_UNSUPPORTED) << jao_isa_name(tier);
            continue;
        }
        ASSERT_EQ(jao_isa_set_cap(tier), JAO_OK) << jao_isa_name(tier);
        EXPECT_EQ(jao_isa_active(), tier) << jao_isa_name(tier);
    }
    EXPECT_EQ(jao_isa_set_cap(JAO_ISA_AVX2), JAO_UNSUPPORTED);
    EXPECT_NE(std::string(jao_last_error()).find("avx2"), std::string::npos);
}
#endif
