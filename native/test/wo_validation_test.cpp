// Weight-only linear: argument validation, header / size / checksum
// corruption (every bad input returns a status, never crashes), and guard-page
// tails: every buffer flush against an unmapped page at every tier.
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "guarded_buffer.h"
#include "linear_test_util.h"
#include "pack/packed_header.h"
#include "wo_test_util.h"

namespace {

using namespace jao::test::wo;

struct Fixture {
    Case c{2, 40, 128, 32, 4, 8, true, true, true, true};
    Problem pr = make_problem(c, 9);
    Packed pk;
    Fixture() { EXPECT_EQ(pack(pr, pk), JAO_OK) << jao_last_error(); }
};

bool mentions(const char* fn) { return std::string(jao_last_error()).find(fn) != std::string::npos; }

TEST(WoValidation, BadParameters) {
    Fixture f;
    int64_t size = 0;
    EXPECT_EQ(jao_wo_packed_size(nullptr, &size), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_packed_size(&f.pr.p, nullptr), JAO_INVALID_ARGUMENT);
    auto bad = [&](auto mutate) {
        jao_wo_params p = f.pr.p;
        mutate(p);
        EXPECT_EQ(jao_wo_packed_size(&p, &size), JAO_INVALID_ARGUMENT) << jao_last_error();
        EXPECT_TRUE(mentions("jao_wo_packed_size"));
    };
    bad([](jao_wo_params& p) { p.weight_nbit = 0; });
    bad([](jao_wo_params& p) { p.weight_nbit = 9; });
    bad([](jao_wo_params& p) { p.center = 16; });
    bad([](jao_wo_params& p) { p.center = -1; });
    bad([](jao_wo_params& p) { p.n = 0; });
    bad([](jao_wo_params& p) { p.n = int64_t{1} << 31; });
    bad([](jao_wo_params& p) { p.k = -4; });
    bad([](jao_wo_params& p) { p.k = 0; });
    bad([](jao_wo_params& p) { p.k = int64_t{1} << 31; });
    bad([](jao_wo_params& p) { p.group_size = 48; });  // does not divide 128
    bad([](jao_wo_params& p) { p.group_size = 0; });
    bad([](jao_wo_params& p) { p.k = 1 << 17; p.group_size = 1 << 17; });  // above 65536
    bad([](jao_wo_params& p) { p.scale_dtype = 2; });
    bad([](jao_wo_params& p) { p.has_zero_points = 2; });
    bad([](jao_wo_params& p) { p.has_offsets = -1; });
    bad([](jao_wo_params& p) { p.has_bias = 2; });
    bad([](jao_wo_params& p) { p.layout = 7; });
    jao_wo_params ok = f.pr.p;
    ok.weight_nbit = 8;
    ok.center = 255;
    EXPECT_EQ(jao_wo_packed_size(&ok, &size), JAO_OK);
}

TEST(WoValidation, PackChecksInputs) {
    Fixture f;
    const Problem& pr = f.pr;
    std::vector<uint8_t> dst(static_cast<size_t>(f.pk.size()));
    const int64_t n = f.pk.size();
    auto pack_with = [&](const uint8_t* codes, const float* s, const int32_t* z, const float* o, const float* b,
                         int64_t size) { return jao_wo_pack(&pr.p, codes, s, z, o, b, dst.data(), size); };
    const uint8_t* q = pr.codes.data();
    const float *s = pr.s.data(), *o = pr.off.data(), *b = pr.bias.data();
    const int32_t* z = pr.zp.data();
    EXPECT_EQ(pack_with(q, s, z, o, b, n), JAO_OK) << jao_last_error();
    EXPECT_EQ(pack_with(q, s, nullptr, o, b, n), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(pack_with(q, s, z, nullptr, b, n), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(pack_with(q, s, z, o, nullptr, n), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(pack_with(nullptr, s, z, o, b, n), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(pack_with(q, nullptr, z, o, b, n), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(pack_with(q, s, z, o, b, n - 1), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_pack(nullptr, q, s, z, o, b, dst.data(), n), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_pack(&pr.p, q, s, z, o, b, nullptr, n), JAO_INVALID_ARGUMENT);
    jao_wo_params no_zp = pr.p;
    no_zp.has_zero_points = 0;
    EXPECT_EQ(jao_wo_pack(&no_zp, q, s, z, o, b, dst.data(), n), JAO_INVALID_ARGUMENT);
    auto bad_copy = [&](auto mutate) {
        Problem p2 = pr;
        mutate(p2);
        EXPECT_EQ(jao_wo_pack(&p2.p, p2.codes.data(), p2.s.data(), p2.zp.data(), p2.off.data(), p2.bias.data(),
                              dst.data(), n),
                  JAO_INVALID_ARGUMENT);
        EXPECT_TRUE(mentions("jao_wo_pack")) << jao_last_error();
    };
    bad_copy([](Problem& p) { p.codes[77] = 16; });  // outside 4 bits
    bad_copy([](Problem& p) { p.s[3] = std::nanf(""); });
    bad_copy([](Problem& p) { p.s[3] = std::numeric_limits<float>::infinity(); });
    bad_copy([](Problem& p) { p.s[3] = 3.4e38f; });                   // rounds to inf in bf16
    bad_copy([](Problem& p) { p.zp[5] = 65536; });
    bad_copy([](Problem& p) { p.zp[5] = -65536; });
    bad_copy([](Problem& p) { p.off[2] = std::nanf(""); });
    bad_copy([](Problem& p) { p.bias[1] = -std::numeric_limits<float>::infinity(); });
}

TEST(WoValidation, RunChecksArguments) {
    Fixture f;
    const int64_t m = 2, size = f.pk.size();
    int64_t ws = 0;
    ASSERT_EQ(jao_wo_workspace_size(f.pk.data(), size, m, &ws), JAO_OK);
    std::vector<uint8_t> work(static_cast<size_t>(ws));
    std::vector<float> y(static_cast<size_t>(m * f.c.n));
    const float* x = f.pr.x.data();
    EXPECT_EQ(jao_wo_linear_run(f.pk.data(), size, m, x, y.data(), work.data(), ws), JAO_OK);
    EXPECT_EQ(jao_wo_linear_run(f.pk.data(), size, 0, x, y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_linear_run(f.pk.data(), size, -1, x, y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_linear_run(f.pk.data(), size, m, nullptr, y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_linear_run(f.pk.data(), size, m, x, nullptr, work.data(), ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_linear_run(f.pk.data(), size, m, x, y.data(), nullptr, ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_linear_run(f.pk.data(), size, m, x, y.data(), work.data(), ws - 1), JAO_INVALID_ARGUMENT);
    EXPECT_TRUE(mentions("jao_wo_linear_run"));
    EXPECT_EQ(jao_wo_linear_run(nullptr, size, m, x, y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_linear_run(f.pk.data(), size - 1, m, x, y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_linear_run(f.pk.data(), 63, m, x, y.data(), work.data(), ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_workspace_size(f.pk.data(), size, m, nullptr), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_workspace_size(f.pk.data(), size, 0, &ws), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_workspace_size(f.pk.data(), size, int64_t{1} << 62, &ws), JAO_INVALID_ARGUMENT);
    jao_wo_info info{};
    EXPECT_EQ(jao_wo_packed_info(f.pk.data(), size, 1, nullptr), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_packed_info(f.pk.data(), size, 0, &info), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_verify(nullptr, size), JAO_INVALID_ARGUMENT);
    EXPECT_EQ(jao_wo_unpack(nullptr, size, nullptr, nullptr, nullptr, nullptr, nullptr), JAO_INVALID_ARGUMENT);
}

TEST(WoValidation, CorruptHeaderOrPayloadIsRejected) {
    Fixture f;
    const int64_t size = f.pk.size();
    std::vector<float> y(static_cast<size_t>(2 * f.c.n));
    std::vector<uint8_t> work(1 << 16);
    // Every header byte flipped: CORRUPT_DATA from every entry point that reads the header.
    for (int i = 0; i < 64; ++i) {
        Packed bad = f.pk;
        bad.bytes[static_cast<size_t>(i)] ^= 0x5A;
        SCOPED_TRACE("header byte " + std::to_string(i));
        EXPECT_EQ(jao_wo_verify(bad.data(), size), JAO_CORRUPT_DATA);
        EXPECT_EQ(jao_wo_linear_run(bad.data(), size, 2, f.pr.x.data(), y.data(), work.data(), 1 << 16),
                  JAO_CORRUPT_DATA);
        int64_t ws;
        EXPECT_EQ(jao_wo_workspace_size(bad.data(), size, 2, &ws), JAO_CORRUPT_DATA);
    }
    // A header that passes its own CRC but describes a different buffer still fails validation.
    {
        Packed bad = f.pk;
        jao::pack::store_word(bad.bytes.data(), 2, 12);  // nbit 12
        jao::pack::seal_header(bad.bytes.data(), size - 64);
        EXPECT_EQ(jao_wo_verify(bad.data(), size), JAO_CORRUPT_DATA);
        bad = f.pk;
        jao::pack::store_word(bad.bytes.data(), 10, 4000);  // n much larger than the buffer
        jao::pack::seal_header(bad.bytes.data(), size - 64);
        EXPECT_EQ(jao_wo_linear_run(bad.data(), size, 2, f.pr.x.data(), y.data(), work.data(), 1 << 16),
                  JAO_INVALID_ARGUMENT);
    }
    // Payload flips: verify and unpack detect them; run does not read the CRC but stays in bounds.
    Packed bad = f.pk;
    bad.bytes[static_cast<size_t>(size / 2)] ^= 1;
    EXPECT_EQ(jao_wo_verify(bad.data(), size), JAO_CORRUPT_DATA);
    std::vector<uint8_t> codes(f.pr.codes.size());
    EXPECT_EQ(jao_wo_unpack(bad.data(), size, codes.data(), nullptr, nullptr, nullptr, nullptr), JAO_CORRUPT_DATA);
    EXPECT_EQ(jao_wo_linear_run(bad.data(), size, 2, f.pr.x.data(), y.data(), work.data(), 1 << 16), JAO_OK);
    // Truncated buffers.
    for (int64_t cut : {int64_t{0}, int64_t{10}, int64_t{63}, int64_t{64}, size - 1}) {
        EXPECT_EQ(jao_wo_verify(f.pk.data(), cut), JAO_INVALID_ARGUMENT) << cut;
        EXPECT_EQ(jao_wo_unpack(f.pk.data(), cut, codes.data(), nullptr, nullptr, nullptr, nullptr),
                  JAO_INVALID_ARGUMENT)
            << cut;
    }
    // Another format's buffer (intx) is rejected by type id.
    jao_intx_params ip{16, 32, 4, 32, JAO_SCALE_F32, 0, 0, JAO_INTX_LAYOUT_AUTO};
    std::vector<int8_t> iq(16 * 32, 1);
    std::vector<float> is(16, 0.1f);
    jao::test::Packed ipk;
    ASSERT_EQ(jao::test::pack(ip, iq, is, nullptr, nullptr, ipk), JAO_OK);
    EXPECT_EQ(jao_wo_verify(ipk.data(), ipk.size()), JAO_CORRUPT_DATA);
    EXPECT_TRUE(mentions("weight-only"));
}

// Every buffer (packed, x, workspace, y, unpack outputs) ends at an unmapped page.
TEST(WoGuardPage, TailsNeverTouchMemoryPastTheirBuffers) {
    using jao::test::Guarded;
    const Case cases[] = {{1, 1, 32, 32, 4, 8, false, false, false, true},  {1, 17, 40, 40, 3, 4, true, true, true, false},
                          {3, 33, 96, 32, 8, 128, true, false, false, true}, {7, 15, 64, 64, 5, 0, false, true, true, false},
                          {17, 40, 150, 50, 2, 2, true, true, true, true},  {2, 67, 256, 256, 1, 0, false, false, false, false},
                          {64, 3, 32, 32, 6, 32, true, true, true, true},   {13, 129, 72, 24, 4, 8, false, false, true, true}};
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name());
        const Problem pr = make_problem(c, 21);
        Packed tmp;
        ASSERT_EQ(pack(pr, tmp), JAO_OK) << jao_last_error();
        const int64_t size = tmp.size();
        Guarded packed(static_cast<size_t>(size));
        ASSERT_EQ(jao_wo_pack(&pr.p, pr.codes.data(), pr.s.data(), c.zp ? pr.zp.data() : nullptr,
                              c.off ? pr.off.data() : nullptr, c.bias ? pr.bias.data() : nullptr, packed.as<void>(), size),
                  JAO_OK);
        Guarded x(pr.x.size() * 4);
        std::memcpy(x.as<float>(), pr.x.data(), pr.x.size() * 4);
        int64_t ws = 0;
        ASSERT_EQ(jao_wo_workspace_size(packed.as<void>(), size, c.m, &ws), JAO_OK);
        Guarded work(static_cast<size_t>(ws)), y(static_cast<size_t>(c.m * c.n) * 4);
        const Reference ref = plain_reference(pr);
        for (int32_t tier : jao::test::supported_tiers()) {
            jao::test::IsaCap cap(tier);
            ASSERT_EQ(jao_wo_linear_run(packed.as<void>(), size, c.m, x.as<float>(), y.as<float>(), work.as<void>(), ws),
                      JAO_OK)
                << jao_last_error();
            expect_close(std::vector<float>(y.as<float>(), y.as<float>() + c.m * c.n), ref, jao_isa_name(tier));
        }
        const int64_t ng = c.n * (c.k / c.group);
        Guarded codes(static_cast<size_t>(c.n * c.k)), s(static_cast<size_t>(ng) * 4), z(static_cast<size_t>(ng) * 4),
            o(static_cast<size_t>(ng) * 4), b(static_cast<size_t>(c.n) * 4);
        ASSERT_EQ(jao_wo_unpack(packed.as<void>(), size, codes.as<uint8_t>(), s.as<float>(), z.as<int32_t>(),
                                o.as<float>(), b.as<float>()),
                  JAO_OK);
        EXPECT_EQ(0, std::memcmp(codes.as<uint8_t>(), pr.codes.data(), pr.codes.size()));
    }
}

}  // namespace
