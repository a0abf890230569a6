// intx packed linear against the real torchao golden data (category
// 3_da8intx, fp32 models): the packed path at every ISA tier must match
// torchao's per-token activation quantization exactly and its outputs within
// the manifest's allclose tolerance.
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "kernels/ref/intx_kernels.h"
#include "linear_test_util.h"
#include "support/manifest.h"
#include "support/safetensors.h"

namespace {

namespace fs = std::filesystem;
using jao::test::SafeTensors;

const std::string kGolden = std::string(JAO_TESTDATA_DIR) + "/golden";

TEST(LinearGolden, Da8IntxFloat32CasesAtEveryTier) {
    const std::string manifest = jao::test::read_manifest(kGolden);
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kGolden + "/data")) {
        std::string f = e.path().filename().string();
        if (f.rfind("da8intx_", 0) == 0 && f.find("_float32_n") != std::string::npos) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    ASSERT_GE(files.size(), 100u);

    int cases = 0, outputs = 0;
    for (const fs::path& file : files) {
        const std::string name = file.stem().string();
        SCOPED_TRACE(name);
        SafeTensors st(file.string());
        const auto& qt = st.at("qdata");
        const int64_t n = qt.shape[0], k = qt.shape[1];
        const int64_t groups = st.at("scale").shape.size() == 2 ? st.at("scale").shape[1] : 1;
        const int nbit = std::stoi(name.substr(std::string("da8intx_int").size(), 1));
        const std::vector<int8_t> q = qt.as_i8();
        const std::vector<float> s = st.at("scale").as_f32();
        std::vector<int8_t> zp = st.at("zero_point").as_i8();
        bool any_zp = false;
        for (int8_t z : zp) any_zp |= z != 0;
        const bool has_bias = st.has("bias");
        std::vector<float> bias = has_bias ? st.at("bias").as_f32() : std::vector<float>();
        jao_intx_params p{n, k, nbit, k / groups, st.at("scale").dtype == "BF16" ? JAO_SCALE_BF16 : JAO_SCALE_F32,
                          any_zp, has_bias, JAO_INTX_LAYOUT_AUTO};
        jao::test::Packed pk;
        ASSERT_EQ(jao::test::pack(p, q, s, any_zp ? &zp : nullptr, has_bias ? &bias : nullptr, pk), JAO_OK)
            << jao_last_error();
        ++cases;
        for (int64_t m : {1, 3, 17}) {
            const std::string suffix = "_m" + std::to_string(m);
            const std::vector<float> x = st.at("x" + suffix).as_f32();
            const std::vector<float> want = st.at("y" + suffix).as_f32();
            // Activation quantization: exact.
            const std::vector<int8_t> act_q = st.at("act_q" + suffix).as_i8();
            const std::vector<float> act_s = st.at("act_scale" + suffix).as_f32();
            const std::vector<int8_t> act_z = st.at("act_zero_point" + suffix).as_i8();
            std::vector<int8_t> myq(static_cast<size_t>(k));
            for (int64_t r = 0; r < m; ++r) {
                float sa;
                int8_t za;
                jao::kernels::intx::quantize_row_torchao(x.data() + r * k, k, myq.data(), &sa, &za);
                ASSERT_EQ(sa, act_s[r]) << "act scale row " << r;
                ASSERT_EQ(za, act_z[r]) << "act zero point row " << r;
                ASSERT_TRUE(std::equal(myq.begin(), myq.end(), act_q.begin() + r * k)) << "act q row " << r;
            }
            double atol = 0, rtol = 0;
            ASSERT_TRUE(jao::test::tolerance(manifest, name, "y" + suffix, &atol, &rtol));
            for (int32_t tier : jao::test::supported_tiers()) {
                jao::test::IsaCap cap(tier);
                std::vector<float> y;
                ASSERT_EQ(jao::test::run(pk, m, x, y, n), JAO_OK) << jao_last_error();
                double worst = 0;
                for (size_t i = 0; i < y.size(); ++i) {
                    double err = std::fabs(double(y[i]) - want[i]);
                    worst = std::max(worst, err / (atol + rtol * std::fabs(double(want[i]))));
                }
                EXPECT_LE(worst, 1.0) << suffix << " tier " << jao_isa_name(tier) << " (error / tolerance)";
                ++outputs;
            }
        }
    }
    EXPECT_GE(cases, 100);
    std::printf("[ golden   ] %d da8intx cases, %d output checks within the manifest tolerance\n", cases, outputs);
}

}  // namespace
