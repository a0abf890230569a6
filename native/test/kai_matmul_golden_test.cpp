// The KleidiAI-layout matmul against real outputs, at every ISA tier this machine runs:
//  - golden-kleidiai kai_6_matmul (KleidiAI's own micro-kernels under qemu): operands
//    packed by jao from x / w_q / w_scale / bias, y within the manifest's allclose;
//  - golden 8_dyn_quant_4bit (ATen _dyn_quant_matmul_4bit, x86 reference): through
//    jao_kai_aten_dyn_quant_4bit_pack + jao_kai_aten_dyn_quant_matmul_4bit; the cases ATen
//    keeps off KleidiAI (groupwise f32 scales) must be refused by the KleidiAI pack (all 7
//    are checked through the fallback format in aten_fallback_golden_test.cpp).
// Parameters come from the manifest, never from case names. Each test prints how many
// outputs are bit-exact and the worst error relative to the tolerance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "jao/jao.h"
#include "linear_test_util.h"
#include "support/manifest.h"
#include "support/safetensors.h"

namespace {

using jao::test::SafeTensors;
using jao::test::StTensor;
using jao::test::values;

const std::string kKaiDir = std::string(JAO_TESTDATA_DIR) + "/golden-kleidiai";
const std::string kTorchDir = std::string(JAO_TESTDATA_DIR) + "/golden";

// Running comparison of outputs with an allclose tolerance.
struct Score {
    int outputs = 0, bit_exact = 0;
    double worst = 0;          // max |err| / (atol + rtol |want|)
    double max_abs = 0, atol_at_max = 0;

    // Returns the worst ratio of this output.
    double add(const std::vector<float>& got, const std::vector<float>& want, double atol, double rtol) {
        double w = 0;
        for (size_t i = 0; i < got.size(); ++i) {
            const double err = std::fabs(double(got[i]) - double(want[i]));
            w = std::max(w, err / (atol + rtol * std::fabs(double(want[i]))));
            if (err > max_abs) max_abs = err, atol_at_max = atol;
        }
        ++outputs;
        bit_exact += got.size() == want.size() && std::memcmp(got.data(), want.data(), 4 * got.size()) == 0;
        worst = std::max(worst, w);
        return w;
    }
    void print(const char* what) const {
        std::printf("[ golden   ] %s: %d outputs, %d bit-exact, worst err/tol %.3g, max |err| %.3g (atol there %.3g)\n",
                    what, outputs, bit_exact, worst, max_abs, atol_at_max);
    }
};

// Packs and runs one kai_6 case; returns y or fails the test.
std::vector<float> kai6_run(const std::string& entry, const SafeTensors& st) {
    using jao::test::int_field;
    const int64_t m = int_field(entry, "m"), n = int_field(entry, "n"), k = int_field(entry, "k");
    const int32_t mr = int32_t(int_field(entry, "mr")), nr = int32_t(int_field(entry, "nr"));
    const int32_t kr = int32_t(int_field(entry, "kr")), sr = int32_t(int_field(entry, "sr"));
    const std::string format = *jao::test::field(entry, "rhs_format");
    const bool has_bias = *jao::test::field(entry, "has_bias") == "true";
    const auto x = values<float>(st.at("x"));
    const auto wq = values<int8_t>(st.at("w_q"));
    const std::vector<float> bias = has_bias ? values<float>(st.at("bias")) : std::vector<float>();
    const float* b = has_bias ? bias.data() : nullptr;
    std::vector<float> y(size_t(m * n), NAN);

    int64_t lsize = 0, rsize = 0;
    EXPECT_EQ(jao_kai_lhs_qai8dxp_packed_size(m, k, mr, kr, sr, &lsize), JAO_OK) << jao_last_error();
    std::vector<uint8_t> lhs(static_cast<size_t>(lsize));
    EXPECT_EQ(jao_kai_lhs_qai8dxp_pack(m, k, mr, kr, sr, x.data(), k, lhs.data(), lsize), JAO_OK) << jao_last_error();
    std::vector<uint8_t> rhs;
    jao_status st_run = JAO_INVALID_ARGUMENT;
    if (format == "qsi4c32p") {
        const int64_t bl = int_field(entry, "bl");
        const auto sc = values<uint16_t>(st.at("w_scale"));
        EXPECT_EQ(jao_kai_rhs_qsi4c32p_packed_size(n, k, bl, nr, kr, sr, &rsize), JAO_OK);
        rhs.resize(size_t(rsize));
        EXPECT_EQ(jao_kai_rhs_qsi4c32p_pack(n, k, bl, nr, kr, sr, wq.data(), sc.data(), b, rhs.data(), rsize), JAO_OK);
        st_run = jao_kai_matmul_f32_qai8dxp_qsi4c32p(m, n, k, bl, mr, nr, kr, sr, lhs.data(), lsize, rhs.data(), rsize,
                                                     y.data(), n, -FLT_MAX, FLT_MAX);
    } else {
        const bool four = format == "qsi4cxp";
        EXPECT_TRUE(four || format == "qsi8cxp") << format;
        const auto sc = values<float>(st.at("w_scale"));
        EXPECT_EQ((four ? jao_kai_rhs_qsi4cxp_packed_size : jao_kai_rhs_qsi8cxp_packed_size)(n, k, nr, kr, sr, &rsize),
                  JAO_OK);
        rhs.resize(size_t(rsize));
        EXPECT_EQ((four ? jao_kai_rhs_qsi4cxp_pack : jao_kai_rhs_qsi8cxp_pack)(n, k, nr, kr, sr, wq.data(), sc.data(),
                                                                              b, rhs.data(), rsize),
                  JAO_OK);
        st_run = (four ? jao_kai_matmul_f32_qai8dxp_qsi4cxp : jao_kai_matmul_f32_qai8dxp_qsi8cxp)(
            m, n, k, mr, nr, kr, sr, lhs.data(), lsize, rhs.data(), rsize, y.data(), n, -FLT_MAX, FLT_MAX);
    }
    EXPECT_EQ(st_run, JAO_OK) << jao_last_error();
    return y;
}

TEST(KaiMatmulGolden, Kai6MatmulCasesAtEveryTier) {
    const std::string manifest = jao::test::read_manifest(kKaiDir);
    const auto names = jao::test::case_names(manifest, "kai_6_matmul");
    ASSERT_EQ(names.size(), 36u);
    Score score;
    for (const std::string& name : names) {
        SCOPED_TRACE(name);
        const std::string entry = jao::test::case_entry(manifest, name);
        const SafeTensors st(kKaiDir + "/" + *jao::test::field(entry, "file"));
        double atol = 0, rtol = 0;
        ASSERT_TRUE(jao::test::tolerance(manifest, name, "y", &atol, &rtol));
        const auto want = values<float>(st.at("y"));
        for (int32_t tier : jao::test::supported_tiers()) {
            jao::test::IsaCap cap(tier);
            ASSERT_TRUE(cap.ok());
            const double w = score.add(kai6_run(entry, st), want, atol, rtol);
            EXPECT_LE(w, 1.0) << "tier " << jao_isa_name(tier) << " (error / tolerance)";
        }
    }
    score.print("kai_6_matmul");
}

TEST(KaiMatmulGolden, AtenDynQuant4bitCasesAtEveryTier) {
    const std::string manifest = jao::test::read_manifest(kTorchDir);
    const auto names = jao::test::case_names(manifest, "8_dyn_quant_4bit");
    ASSERT_EQ(names.size(), 7u);
    Score score;
    int refused = 0;
    for (const std::string& name : names) {
        SCOPED_TRACE(name);
        const std::string entry = jao::test::case_entry(manifest, name);
        const SafeTensors st(kTorchDir + "/" + *jao::test::field(entry, "file"));
        const int64_t n = jao::test::int_field(entry, "N"), k = jao::test::int_field(entry, "K");
        const int64_t bs = jao::test::int_field(entry, "block_size");
        const bool bf16 = *jao::test::field(entry, "scales_dtype") == "bfloat16";
        const bool has_bias = *jao::test::field(entry, "bias") == "true";
        const std::vector<float> bias = has_bias ? values<float>(st.at("bias")) : std::vector<float>();
        const auto& nibbles = st.at("weight_packed_nibbles").data;
        // ATen's KleidiAI path: channelwise with f32 scales or groupwise with bf16 scales.
        const bool kleidiai = bs == k ? !bf16 : bf16;
        int64_t size = 0;
        ASSERT_EQ(jao_kai_aten_dyn_quant_4bit_packed_size(n, k, bs, &size), JAO_OK) << jao_last_error();
        std::vector<uint8_t> packed(static_cast<size_t>(size));
        const jao_status pst = jao_kai_aten_dyn_quant_4bit_pack(
            n, k, bs, nibbles.data(), st.at("scales").data.data(), bf16 ? JAO_KAI_SCALE_BF16 : JAO_KAI_SCALE_F32,
            has_bias ? bias.data() : nullptr, packed.data(), size);
        if (!kleidiai) {
            EXPECT_EQ(pst, JAO_INVALID_ARGUMENT) << "ATen uses its fallback format here";
            ++refused;
            continue;
        }
        ASSERT_EQ(pst, JAO_OK) << jao_last_error();
        int outputs = 0;
        for (const auto& [tname, t] : st.tensors()) {
            if (tname.rfind("x_m", 0) != 0) continue;
            std::string y_name = tname;  // x_m17 -> y_m17
            y_name[0] = 'y';
            const int64_t m = t.shape.at(0);
            double atol = 0, rtol = 0;
            ASSERT_TRUE(jao::test::tolerance(manifest, name, y_name, &atol, &rtol)) << y_name;
            const auto x = values<float>(t);
            const auto want = values<float>(st.at(y_name));
            for (int32_t tier : jao::test::supported_tiers()) {
                jao::test::IsaCap cap(tier);
                ASSERT_TRUE(cap.ok());
                std::vector<float> y(size_t(m * n), NAN);
                ASSERT_EQ(jao_kai_aten_dyn_quant_matmul_4bit(m, n, k, bs, x.data(), packed.data(), size, y.data()),
                          JAO_OK)
                    << jao_last_error();
                const double w = score.add(y, want, atol, rtol);
                EXPECT_LE(w, 1.0) << y_name << " tier " << jao_isa_name(tier) << " (error / tolerance)";
                ++outputs;
            }
        }
        EXPECT_GT(outputs, 0);
    }
    std::printf("[ golden   ] 8_dyn_quant_4bit: %d cases refused by the KleidiAI pack (fallback format only)\n",
                refused);
    score.print("8_dyn_quant_4bit");
}

}  // namespace
