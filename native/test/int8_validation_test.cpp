// int8 x int8 linear: argument validation, header / size / checksum / version
// corruption, oneDNN layout mismatch, unpack round trip. Every bad input must
// return a status, never crash.
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "int8_test_util.h"
#include "pack/crc32c.h"
#include "pack/int8_format.h"
#include "linear_test_util.h"

namespace {

using jao::test::Int8Packed;

struct Fixture {
    static constexpr int64_t n = 40, k = 131;
    jao_int8_params p;
    std::vector<int8_t> q = std::vector<int8_t>(n * k);
    std::vector<float> s = std::vector<float>(n, 0.01f), bias = std::vector<float>(n, 0.5f);
    std::vector<float> x = std::vector<float>(2 * k, 1.5f);
    Int8Packed pk;
    explicit Fixture(int32_t backend, int32_t mapping = JAO_ACT_ASYMMETRIC) {
        p = jao::test::int8_params(n, k, mapping, true, backend);
        std::mt19937 rng(5);
        std::uniform_int_distribution<int> d(-128, 127);
        for (auto& v : q) v = static_cast<int8_t>(d(rng));
        for (int64_t i = 0; i < n; ++i) s[i] = 0.001f * static_cast<float>(i + 1);
        EXPECT_EQ(jao::test::int8_pack(p, q, s, &bias, pk), JAO_OK) << jao_last_error();
    }
};

bool mentions(const char* fn) { return std::string(jao_last_error()).find(fn) != std::string::npos; }

TEST(Int8Validation, BadParameters) {
    Fixture f(JAO_INT8_BACKEND_JAO);
    int64_t size = 0;
    EXPECT_EQ(jao_int8_packed_size(nullptr, &size), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_int8_packed_size(&f.p, nullptr), JAO_INVALID_ARGUMENT);
    auto bad = [&](auto mutate, jao_status want) {
        jao_int8_params p = f.p;
        mutate(p);
        EXPECT_EQ(jao_int8_packed_size(&p, &size), want) << jao_last_error();
        EXPECT_TRUE(mentions("jao_int8_packed_size"));
    };
    bad([](jao_int8_params& p) { p.n = 0; }, JAO_INVALID_ARGUMENT);
    bad([](jao_int8_params& p) { p.n = int64_t{1} << 31; }, JAO_INVALID_ARGUMENT);
    bad([](jao_int8_params& p) { p.k = -4; }, JAO_INVALID_ARGUMENT);
    bad([](jao_int8_params& p) { p.k = int64_t{1} << 31; }, JAO_INVALID_ARGUMENT);
    bad([](jao_int8_params& p) { p.act_mapping = 2; }, JAO_INVALID_ARGUMENT);
    bad([](jao_int8_params& p) { p.has_bias = 2; }, JAO_INVALID_ARGUMENT);
    bad([](jao_int8_params& p) { p.backend = 3; }, JAO_INVALID_ARGUMENT);
    bad([](jao_int8_params& p) { p.act_flags = 8; }, JAO_INVALID_ARGUMENT);  // first undefined jao_int8_act_flag bit
    bad([](jao_int8_params& p) { p.act_flags = JAO_INT8_ACT_BF16 | (1 << 30); }, JAO_INVALID_ARGUMENT);
    bad([](jao_int8_params& p) { p.k = 131072; }, JAO_UNSUPPORTED);  // int32 accumulation could overflow
}

// x86 without VNNI: oneDNN's int8 kernels saturate, so an explicit oneDNN request is
// refused with a reason (AUTO picks jao there: AutoPicksJaoWhereItHasADotProductKernel).
// With VNNI (or on Arm) the request packs; the other tests run it.
TEST(Int8Validation, OneDnnBackendIsRefusedWhereItIsNotExact) {
    const auto p = jao::test::int8_params(16, 16, JAO_ACT_SYMMETRIC, false, JAO_INT8_BACKEND_ONEDNN);
    int64_t size = 0;
    const jao_status st = jao_int8_packed_size(&p, &size);
    if (jao::test::onednn_backend_here()) {
        EXPECT_EQ(st, JAO_OK) << jao_last_error();
        return;
    }
    ASSERT_EQ(st, JAO_UNSUPPORTED);
    const std::string why = jao_last_error();
    EXPECT_NE(why.find("not exact on this CPU"), std::string::npos) << why;
    EXPECT_NE(why.find("JAO_INT8_BACKEND_JAO"), std::string::npos) << why;
    std::vector<int8_t> q(256, 1);
    std::vector<float> s(16, 1.0f);
    std::vector<uint64_t> dst(64);
    EXPECT_EQ(jao_int8_pack(&p, q.data(), s.data(), nullptr, dst.data(), 512), JAO_UNSUPPORTED);
}

TEST(Int8Validation, PackChecksInputs) {
    for (int32_t backend : jao::test::int8_backends()) {
        Fixture f(backend);
        std::vector<uint64_t> dst(static_cast<size_t>(f.pk.bytes / 8 + 1));
        const int64_t n = f.pk.bytes;
        void* d = dst.data();
        EXPECT_EQ(jao_int8_pack(&f.p, f.q.data(), f.s.data(), nullptr, d, n), JAO_INVALID_ARGUMENT);  // bias missing
        EXPECT_EQ(jao_int8_pack(nullptr, f.q.data(), f.s.data(), f.bias.data(), d, n), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(jao_int8_pack(&f.p, nullptr, f.s.data(), f.bias.data(), d, n), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(jao_int8_pack(&f.p, f.q.data(), nullptr, f.bias.data(), d, n), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(jao_int8_pack(&f.p, f.q.data(), f.s.data(), f.bias.data(), nullptr, n), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(jao_int8_pack(&f.p, f.q.data(), f.s.data(), f.bias.data(), d, n - 1), JAO_INVALID_ARGUMENT);
        jao_int8_params nb = f.p;
        nb.has_bias = 0;
        EXPECT_EQ(jao_int8_pack(&nb, f.q.data(), f.s.data(), f.bias.data(), d, n), JAO_INVALID_ARGUMENT);
        for (float bad : {0.0f, -1.0f, std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()}) {
            std::vector<float> s = f.s;
            s[7] = bad;
            EXPECT_EQ(jao_int8_pack(&f.p, f.q.data(), s.data(), f.bias.data(), d, n), JAO_INVALID_ARGUMENT);
            EXPECT_TRUE(mentions("w_scale[7]"));
        }
        EXPECT_EQ(jao_int8_pack(&f.p, f.q.data(), f.s.data(), f.bias.data(), d, n), JAO_OK) << jao_last_error();
    }
}

TEST(Int8Validation, RunChecksArguments) {
    for (int32_t backend : jao::test::int8_backends()) {
        Fixture f(backend);
        int64_t ws = 0;
        ASSERT_EQ(jao_int8_workspace_size(f.pk.data(), f.pk.bytes, 2, &ws), JAO_OK) << jao_last_error();
        EXPECT_EQ(jao_int8_workspace_size(f.pk.data(), f.pk.bytes, 0, &ws), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(jao_int8_workspace_size(f.pk.data(), f.pk.bytes, -3, &ws), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(jao_int8_workspace_size(f.pk.data(), f.pk.bytes, int64_t{1} << 40, &ws), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(jao_int8_workspace_size(f.pk.data(), f.pk.bytes, 2, nullptr), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(jao_int8_workspace_size(nullptr, f.pk.bytes, 2, &ws), JAO_INVALID_ARGUMENT);
        std::vector<uint8_t> work(static_cast<size_t>(ws));
        std::vector<float> y(2 * Fixture::n);
        auto run = [&](const void* pk, int64_t size, int64_t m, const float* x, float* yy, void* w, int64_t wsz) {
            return jao_int8_linear_run(pk, size, m, x, yy, w, wsz);
        };
        EXPECT_EQ(run(f.pk.data(), f.pk.bytes, 2, f.x.data(), y.data(), work.data(), ws), JAO_OK) << jao_last_error();
        EXPECT_EQ(run(f.pk.data(), f.pk.bytes, 2, f.x.data(), y.data(), work.data(), ws - 1), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(run(f.pk.data(), f.pk.bytes, 2, nullptr, y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(run(f.pk.data(), f.pk.bytes, 2, f.x.data(), nullptr, work.data(), ws), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(run(f.pk.data(), f.pk.bytes, 2, f.x.data(), y.data(), nullptr, ws), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(run(nullptr, f.pk.bytes, 2, f.x.data(), y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(run(f.pk.data(), f.pk.bytes - 1, 2, f.x.data(), y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(run(f.pk.data(), 10, 2, f.x.data(), y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(run(f.pk.data(), f.pk.bytes, 0, f.x.data(), y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(run(f.pk.raw() + 1, f.pk.bytes - 1, 2, f.x.data(), y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
        EXPECT_TRUE(mentions("jao_int8_linear_run"));
        jao_int8_info info{};
        EXPECT_EQ(jao_int8_packed_info(f.pk.data(), f.pk.bytes, 2, nullptr), JAO_INVALID_ARGUMENT);
        EXPECT_EQ(jao_int8_packed_info(f.pk.data(), f.pk.bytes, 0, &info), JAO_INVALID_ARGUMENT);
        ASSERT_EQ(jao_int8_packed_info(f.pk.data(), f.pk.bytes, 2, &info), JAO_OK);
        EXPECT_EQ(info.params.n, Fixture::n);
        EXPECT_EQ(info.params.k, Fixture::k);
        EXPECT_EQ(info.params.backend, backend);
        EXPECT_EQ(info.params.act_mapping, JAO_ACT_ASYMMETRIC);
        EXPECT_EQ(info.params.has_bias, 1);
        EXPECT_EQ(info.format_version, 2);
        EXPECT_EQ(info.workspace_size, ws);
        // The kernel's tier: the active one, or the best below it that has int8 kernels (avx512_bf16 runs VNNI's).
        EXPECT_LE(info.isa, jao_isa_active());
        EXPECT_TRUE(jao_isa_active() == JAO_ISA_AVX512_BF16 ? info.isa == JAO_ISA_AVX512_VNNI
                                                            : info.isa == jao_isa_active());
    }
}

TEST(Int8Validation, AutoResolvesToAConcreteBackend) {
    Fixture f(JAO_INT8_BACKEND_AUTO);
    jao_int8_info info{};
    ASSERT_EQ(jao_int8_packed_info(f.pk.data(), f.pk.bytes, 1, &info), JAO_OK) << jao_last_error();
    EXPECT_TRUE(info.params.backend == JAO_INT8_BACKEND_ONEDNN || info.params.backend == JAO_INT8_BACKEND_JAO);
}

// The rule of kernels/int8_backend_choice.cpp per tier: jao on AVX-512 VNNI (and
// above), on the Arm dot product tiers and wherever oneDNN's int8 matmul is not exact.
TEST(Int8Validation, AutoPicksJaoWhereItHasADotProductKernel) {
    for (int32_t tier : jao::test::supported_tiers()) {
        jao::test::IsaCap cap(tier);
        Fixture f(JAO_INT8_BACKEND_AUTO);
        jao_int8_info info{};
        ASSERT_EQ(jao_int8_packed_info(f.pk.data(), f.pk.bytes, 1, &info), JAO_OK) << jao_last_error();
        const bool jao = tier == JAO_ISA_AVX512_VNNI || tier == JAO_ISA_AVX512_BF16 || tier == JAO_ISA_DOTPROD ||
                         tier == JAO_ISA_I8MM || !jao::test::onednn_backend_here();
        EXPECT_EQ(info.params.backend, jao ? JAO_INT8_BACKEND_JAO : JAO_INT8_BACKEND_ONEDNN) << jao_isa_name(tier);
    }
}

TEST(Int8Validation, EveryFlippedHeaderByteIsCorruptData) {
    for (int32_t backend : jao::test::int8_backends()) {
        Fixture f(backend);
        int64_t ws = 0;
        ASSERT_EQ(jao_int8_workspace_size(f.pk.data(), f.pk.bytes, 2, &ws), JAO_OK);
        std::vector<uint8_t> work(static_cast<size_t>(ws));
        std::vector<float> y(2 * Fixture::n);
        for (int byte = 0; byte < 64; ++byte)
            for (uint8_t bit : {uint8_t{1}, uint8_t{0x80}}) {
                Int8Packed bad = f.pk;
                bad.raw()[byte] ^= bit;
                SCOPED_TRACE("byte " + std::to_string(byte));
                EXPECT_EQ(jao_int8_verify(bad.data(), bad.bytes), JAO_CORRUPT_DATA);
                EXPECT_EQ(jao_int8_linear_run(bad.data(), bad.bytes, 2, f.x.data(), y.data(), work.data(), ws),
                          JAO_CORRUPT_DATA);
                int64_t size;
                EXPECT_EQ(jao_int8_workspace_size(bad.data(), bad.bytes, 2, &size), JAO_CORRUPT_DATA);
                EXPECT_EQ(jao_int8_unpack(bad.data(), bad.bytes, nullptr, nullptr, nullptr), JAO_CORRUPT_DATA);
            }
    }
}

TEST(Int8Validation, PayloadCorruptionAndForeignLayouts) {
    for (int32_t backend : jao::test::int8_backends()) {
        Fixture f(backend);
        EXPECT_EQ(jao_int8_verify(f.pk.data(), f.pk.bytes), JAO_OK) << jao_last_error();
        std::mt19937 rng(17);
        for (int i = 0; i < 200; ++i) {
            Int8Packed bad = f.pk;
            const int64_t at = 64 + static_cast<int64_t>(rng() % static_cast<uint32_t>(f.pk.bytes - 64));
            bad.raw()[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
            EXPECT_EQ(jao_int8_verify(bad.data(), bad.bytes), JAO_CORRUPT_DATA) << "byte " << at;
            EXPECT_EQ(jao_int8_unpack(bad.data(), bad.bytes, nullptr, nullptr, nullptr), JAO_CORRUPT_DATA);
            // run does not checksum the payload, but must never crash: any status, finite-size writes.
            std::vector<float> y;
            (void)jao::test::int8_run(bad, 2, f.x, y, Fixture::n);
        }
    }
}

// A oneDNN buffer whose weight descriptor is not this CPU's layout: a clear JAO_UNSUPPORTED.
TEST(Int8Validation, ForeignOneDnnLayoutIsUnsupported) {
    if (!jao::test::onednn_backend_here()) GTEST_SKIP() << "NOT RUN: this CPU refuses the oneDNN backend";
    Fixture f(JAO_INT8_BACKEND_ONEDNN);
    Int8Packed foreign = f.pk;
    int64_t blob_bytes;
    std::memcpy(&blob_bytes, foreign.raw() + 64, 8);
    ASSERT_GT(blob_bytes, 0);
    const int64_t blob_off = 64 + 64 + 3 * ((4 * Fixture::n + 63) / 64 * 64);  // header, record, scale, bias, rowsum
    foreign.raw()[blob_off + 8] ^= 0x10;
    std::vector<float> y;
    EXPECT_EQ(jao::test::int8_run(foreign, 2, f.x, y, Fixture::n), JAO_UNSUPPORTED);
    EXPECT_NE(std::string(jao_last_error()).find("layout"), std::string::npos) << jao_last_error();
}

TEST(Int8Validation, UnpackRoundTripAndRepackIsIdentical) {
    for (int32_t backend : jao::test::int8_backends())
        for (bool bias : {false, true}) {
            Fixture f(backend);
            jao_int8_params p = f.p;
            p.has_bias = bias;
            Int8Packed pk;
            ASSERT_EQ(jao::test::int8_pack(p, f.q, f.s, bias ? &f.bias : nullptr, pk), JAO_OK) << jao_last_error();
            std::vector<int8_t> q(f.q.size(), 99);
            std::vector<float> s(f.s.size()), b(f.bias.size(), 7.0f);
            ASSERT_EQ(jao_int8_unpack(pk.data(), pk.bytes, q.data(), s.data(), b.data()), JAO_OK) << jao_last_error();
            EXPECT_EQ(q, f.q);
            EXPECT_EQ(s, f.s);
            EXPECT_EQ(b, bias ? f.bias : std::vector<float>(f.bias.size(), 0.0f));
            EXPECT_EQ(jao_int8_unpack(pk.data(), pk.bytes, nullptr, s.data(), nullptr), JAO_OK);
            Int8Packed again;
            ASSERT_EQ(jao::test::int8_pack(p, q, s, bias ? &b : nullptr, again), JAO_OK);
            ASSERT_EQ(again.bytes, pk.bytes);
            EXPECT_EQ(0, std::memcmp(again.data(), pk.data(), static_cast<size_t>(pk.bytes)));
        }
}

}  // namespace

// Format version 2 padded the jao blocks: a version 1 buffer (whose blocks lie
// K x 16 bytes apart) must be refused by name, not read with the new stride.
TEST(Int8Validation, AVersionOneBufferIsRefusedByName) {
    Fixture f(JAO_INT8_BACKEND_JAO);
    Int8Packed old = f.pk;
    const int32_t v1 = 1;
    std::memcpy(old.raw() + 4 * 8, &v1, 4);
    const uint32_t header_crc = jao::pack::crc32c(old.raw(), 60);  // a well-formed v1 header, not a damaged one
    std::memcpy(old.raw() + 60, &header_crc, 4);
    EXPECT_EQ(jao_int8_verify(old.data(), old.bytes), JAO_CORRUPT_DATA);
    EXPECT_NE(std::string(jao_last_error()).find("format version 1, this library reads 2"), std::string::npos)
        << jao_last_error();
    std::vector<float> y;
    EXPECT_EQ(jao::test::int8_run(old, 2, f.x, y, Fixture::n), JAO_CORRUPT_DATA);
}

// Every jao block ends in kInt8BlockPad zero bytes (covered by the payload CRC, read by no kernel).
TEST(Int8Validation, JaoBlocksEndInZeroPadding) {
    Fixture f(JAO_INT8_BACKEND_JAO);
    std::vector<uint32_t> buf(static_cast<size_t>(f.pk.bytes + 3) / 4, 0xAAAAAAAAu);  // not zero before the pack
    ASSERT_EQ(jao_int8_pack(&f.p, f.q.data(), f.s.data(), f.bias.data(), buf.data(), f.pk.bytes), JAO_OK)
        << jao_last_error();
    const jao::pack::Int8Layout L = jao::pack::read_int8_header(buf.data(), f.pk.bytes, "test");
    const uint8_t* w = jao::pack::int8_weights(buf.data(), L);
    const int64_t block = jao::pack::int8_block_bytes(L.kpad);
    ASSERT_EQ(L.weights_bytes, L.nblocks * block);
    for (int64_t b = 0; b < L.nblocks; ++b)
        for (int64_t i = block - jao::pack::kInt8BlockPad; i < block; ++i)
            ASSERT_EQ(w[b * block + i], 0) << "block " << b << " byte " << i;
}
