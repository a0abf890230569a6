// Core ABI: versions, status/last-error plumbing, ISA probe and cap, threads, read bandwidth probe.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "jao/jao.h"

TEST(Core, AbiAndVersion) {
    EXPECT_EQ(jao_abi_version(), JAO_ABI_VERSION);
    EXPECT_FALSE(std::string(jao_version_string()).empty());
}

TEST(Core, OneDnnIsLinked) {
    int32_t major = 0, minor = 0, patch = -1;
    ASSERT_EQ(jao_onednn_version(&major, &minor, &patch), JAO_OK);
    EXPECT_EQ(major, 3);
    EXPECT_EQ(minor, 13);
    EXPECT_EQ(jao_onednn_version(nullptr, &minor, &patch), JAO_INVALID_ARGUMENT);
    EXPECT_NE(std::string(jao_last_error()).find("jao_onednn_version"), std::string::npos);
}

TEST(Core, LastErrorIsClearedBySuccess) {
    ASSERT_EQ(jao_threads_set(0), JAO_INVALID_ARGUMENT);
    EXPECT_NE(std::string(jao_last_error()).find("[1, 4096]"), std::string::npos);
    int32_t t = jao_threads_get();
    ASSERT_EQ(jao_threads_set(t), JAO_OK);
    EXPECT_STREQ(jao_last_error(), "");
}

TEST(Core, IsaProbeAndCap) {
    uint64_t mask = jao_isa_supported_mask();
    ASSERT_TRUE(mask & 1) << "scalar is always supported";
    int32_t best = jao_isa_active();
    EXPECT_TRUE(mask >> best & 1);
    if (std::getenv("JAO_ISA") == nullptr) {
        EXPECT_EQ(best, 63 - __builtin_clzll(mask)) << "uncapped, the best supported tier is active";
    }
    ASSERT_EQ(jao_isa_set_cap(JAO_ISA_SCALAR), JAO_OK);
    EXPECT_EQ(jao_isa_active(), JAO_ISA_SCALAR);
    ASSERT_EQ(jao_isa_set_cap(best), JAO_OK);
    EXPECT_EQ(jao_isa_active(), best);
    EXPECT_EQ(jao_isa_set_cap(99), JAO_INVALID_ARGUMENT);
#if defined(__x86_64__)
    EXPECT_EQ(jao_isa_set_cap(JAO_ISA_I8MM), JAO_UNSUPPORTED);
#endif
}

TEST(Core, IsaNames) {
    int32_t tier = -1;
    ASSERT_EQ(jao_isa_parse("avx2", &tier), JAO_OK);
    EXPECT_EQ(tier, JAO_ISA_AVX2);
    EXPECT_STREQ(jao_isa_name(JAO_ISA_I8MM), "i8mm");
    EXPECT_EQ(jao_isa_name(42), nullptr);
    EXPECT_EQ(jao_isa_parse("sse9", &tier), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_isa_parse(nullptr, &tier), JAO_INVALID_ARGUMENT);
}

// The tier loops of the other tests cover the tiers this CPU has; this test names the ones of its
// architecture it lacks, so a run on (say) an AVX2-only host says which kernels it did not execute.
TEST(Core, TiersThisCpuLacksAreReportedNotRun) {
#if defined(__x86_64__)
    const int32_t lo = JAO_ISA_AVX2, hi = JAO_ISA_AVX512_BF16;
#else
    const int32_t lo = JAO_ISA_NEON, hi = JAO_ISA_I8MM;
#endif
    const uint64_t mask = jao_isa_supported_mask();
    std::string missing;
    for (int32_t t = lo; t <= hi; ++t) {
        ASSERT_NE(jao_isa_name(t), nullptr) << "tier " << t;
        if (!(mask >> t & 1)) missing += std::string(missing.empty() ? "" : ", ") + jao_isa_name(t);
    }
    if (!missing.empty()) GTEST_SKIP() << "NOT RUN on this CPU (it lacks them): tiers " << missing;
}

TEST(Core, ReadBandwidthProbe) {
    double gbs = -1;
    ASSERT_EQ(jao_measure_read_bandwidth(int64_t{8} << 20, 2, 2, &gbs), JAO_OK) << jao_last_error();
    EXPECT_GT(gbs, 0.01);   // any machine reads 8 MiB faster than 10 MB/s
    EXPECT_LT(gbs, 1e5);    // and slower than 100 TB/s: the timing is not garbage
    EXPECT_EQ(jao_measure_read_bandwidth(1000, 1, 1, &gbs), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_measure_read_bandwidth(int64_t{1} << 37, 1, 1, &gbs), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_measure_read_bandwidth(int64_t{8} << 20, 0, 1, &gbs), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_measure_read_bandwidth(int64_t{8} << 20, 1, 0, &gbs), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_measure_read_bandwidth(int64_t{8} << 20, 1, 1, nullptr), JAO_INVALID_ARGUMENT);
    EXPECT_NE(std::string(jao_last_error()).find("gbs"), std::string::npos);
}

TEST(Core, ReadBandwidthPasses) {
    double gbs[3] = {-1, -1, -1};
    ASSERT_EQ(jao_measure_read_passes(int64_t{8} << 20, 2, 3, gbs), JAO_OK) << jao_last_error();
    for (double g : gbs) {  // every pass written, each plausible
        EXPECT_GT(g, 0.01);
        EXPECT_LT(g, 1e5);
    }
    EXPECT_EQ(jao_measure_read_passes(int64_t{8} << 20, 1, 0, gbs), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_measure_read_passes(int64_t{8} << 20, 1, 1001, gbs), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_measure_read_passes(1000, 1, 1, gbs), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_measure_read_passes(int64_t{8} << 20, 1, 1, nullptr), JAO_INVALID_ARGUMENT);
}
