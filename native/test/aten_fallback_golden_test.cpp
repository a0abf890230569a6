// ATen's fallback format of _dyn_quant_pack_4bit_weight / _dyn_quant_matmul_4bit against
// torch's own outputs (golden 8_dyn_quant_4bit, built by an x86 torch: every case is in the
// fallback format): the packed_weights byte for byte, their unpacking, and every y_m*
// bit for bit. Parameters come from the manifest, never from case names.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "affine/float_formats.h"
#include "jao/jao.h"
#include "support/manifest.h"
#include "support/safetensors.h"

namespace {

using jao::test::SafeTensors;
using jao::test::values;

const std::string kTorchDir = std::string(JAO_TESTDATA_DIR) + "/golden";

struct Case {
    int64_t n, k, bs;
    bool bf16, has_bias;
};

Case read_case(const std::string& entry) {
    return Case{jao::test::int_field(entry, "N"), jao::test::int_field(entry, "K"),
                jao::test::int_field(entry, "block_size"), *jao::test::field(entry, "scales_dtype") == "bfloat16",
                *jao::test::field(entry, "bias") == "true"};
}

// The golden scales as the buffer stores them (bf16 widened exactly).
std::vector<float> scales_as_f32(const SafeTensors& st, bool bf16) {
    if (!bf16) return values<float>(st.at("scales"));
    std::vector<float> out;
    for (uint16_t b : values<uint16_t>(st.at("scales"))) out.push_back(jao::affine::bf16_to_float(b));
    return out;
}

bool same_bytes(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), 4 * a.size()) == 0;
}

TEST(AtenFallbackGolden, PackUnpackAndMatmulReproduceTorch) {
    const std::string manifest = jao::test::read_manifest(kTorchDir);
    const auto names = jao::test::case_names(manifest, "8_dyn_quant_4bit");
    ASSERT_EQ(names.size(), 7u);
    int packed_match = 0, outputs = 0, bit_exact = 0;
    for (const std::string& name : names) {
        SCOPED_TRACE(name);
        const std::string entry = jao::test::case_entry(manifest, name);
        const SafeTensors st(kTorchDir + "/" + *jao::test::field(entry, "file"));
        const Case c = read_case(entry);
        const auto& nibbles = st.at("weight_packed_nibbles").data;
        const auto& want = st.at("packed_weights").data;
        const std::vector<float> bias = c.has_bias ? values<float>(st.at("bias")) : std::vector<float>();

        int64_t size = 0;
        ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_packed_size(c.n, c.k, c.bs, c.has_bias, &size), JAO_OK)
            << jao_last_error();
        ASSERT_EQ(size_t(size), want.size());
        std::vector<uint8_t> packed(want.size());
        ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_pack(c.n, c.k, c.bs, nibbles.data(), st.at("scales").data.data(),
                                                        c.bf16 ? JAO_KAI_SCALE_BF16 : JAO_KAI_SCALE_F32,
                                                        c.has_bias ? bias.data() : nullptr, packed.data(), size),
                  JAO_OK)
            << jao_last_error();
        const bool match = packed == want;
        EXPECT_TRUE(match) << "packed_weights differ from torch's";
        packed_match += match;

        // Unpacking torch's buffer gives the inputs back.
        std::vector<uint8_t> w(nibbles.size());
        std::vector<float> sc(size_t(c.n * (c.k / c.bs))), b(size_t(c.n));
        ASSERT_EQ(jao_aten_dyn_quant_4bit_fallback_unpack(c.n, c.k, c.bs, c.has_bias, want.data(), size, w.data(),
                                                          sc.data(), c.has_bias ? b.data() : nullptr),
                  JAO_OK)
            << jao_last_error();
        EXPECT_EQ(w, nibbles);
        EXPECT_TRUE(same_bytes(sc, scales_as_f32(st, c.bf16)));
        if (c.has_bias) {
            EXPECT_TRUE(same_bytes(b, bias));
        }

        int case_outputs = 0;
        for (const auto& [tname, t] : st.tensors()) {
            if (tname.rfind("x_m", 0) != 0) continue;
            std::string y_name = tname;  // x_m17 -> y_m17
            y_name[0] = 'y';
            const int64_t m = t.shape.at(0);
            const auto x = values<float>(t);
            std::vector<float> y(size_t(m * c.n), NAN);
            ASSERT_EQ(jao_aten_dyn_quant_matmul_4bit_fallback(m, c.n, c.k, c.bs, c.has_bias, x.data(), want.data(),
                                                              size, y.data()),
                      JAO_OK)
                << jao_last_error();
            const bool exact = same_bytes(y, values<float>(st.at(y_name)));
            EXPECT_TRUE(exact) << y_name << " is not bit-identical to torch's";
            bit_exact += exact;
            ++outputs;
            ++case_outputs;
        }
        EXPECT_GT(case_outputs, 0);
    }
    std::printf("[ golden   ] 8_dyn_quant_4bit fallback: %d/%zu packed_weights byte-identical, %d/%d outputs "
                "bit-exact\n",
                packed_match, names.size(), bit_exact, outputs);
}

}  // namespace
