// int8 x int8 linear against the real torchao golden data (category 5_int8,
// every da8w8 case, fp32 and bf16 models): activation quantization (q, scale,
// zero point) and outputs bit-exact, for both backends at every ISA tier.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "int8_test_util.h"
#include "kernels/ref/int8_kernels.h"
#include "kernels/x86/int8_linear.h"
#include "linear_test_util.h"
#include "support/safetensors.h"

namespace {

namespace fs = std::filesystem;
using jao::test::SafeTensors;

const std::string kGolden = std::string(JAO_TESTDATA_DIR) + "/golden";

struct Case {
    std::string name;
    bool asym, per_tensor, reduce_range, bf16;

    int32_t flags() const {
        return (per_tensor ? JAO_INT8_ACT_PER_TENSOR : 0) | (reduce_range ? JAO_INT8_ACT_REDUCE_RANGE : 0) |
               (bf16 ? JAO_INT8_ACT_BF16 : 0);
    }
};

// The model dtype is the weight's dtype in the file.
Case describe(const std::string& name, const SafeTensors& st) {
    return {name, name.find("_actasymmetric_") != std::string::npos, name.find("_pertensor_") != std::string::npos,
            name.rfind("da8w8rr_", 0) == 0, st.at("weight").dtype == "BF16"};
}

std::vector<fs::path> da8w8_cases() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kGolden + "/data"))
        if (e.path().filename().string().rfind("da8w8", 0) == 0) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

TEST(Int8Golden, ActivationQuantizationBitExactAtEveryTier) {
    const auto files = da8w8_cases();
    ASSERT_EQ(files.size(), 12u);
    int checked = 0, bf16 = 0;
    for (int32_t tier : jao::test::supported_tiers()) {
        jao::test::IsaCap cap(tier);
        ASSERT_TRUE(cap.ok());
        for (const fs::path& file : files) {
            SafeTensors st(file.string());
            const Case c = describe(file.stem().string(), st);
            SCOPED_TRACE(c.name + " tier " + jao_isa_name(tier));
            const int64_t n = st.at("qdata").shape[0], k = st.at("qdata").shape[1];
            for (int64_t m : {1, 3, 17}) {
                const std::string ms = std::to_string(m);
                const std::vector<float> x = st.at("x_m" + ms).as_f32();
                jao::pack::Int8Layout L;
                L.n = n;
                L.k = k;
                L.kpad = (k + 3) / 4 * 4;
                L.act_mapping = c.asym ? JAO_ACT_ASYMMETRIC : JAO_ACT_SYMMETRIC;
                L.act_flags = c.flags();
                std::vector<uint8_t> ws(static_cast<size_t>(jao::kernels::int8::workspace_bytes(L, m)));
                for (int threads : {1, 2}) {
                    const auto a = jao::kernels::int8::quantize_activations(L, m, x.data(), ws.data(), threads);
                    const std::vector<int8_t> want_q = st.at("act_q_m" + ms).as_i8();
                    const std::vector<float> want_s = st.at("act_scale_m" + ms).as_f32();
                    const std::vector<int8_t> want_zp = st.at("act_zero_point_m" + ms).as_i8();
                    for (int64_t r = 0; r < m; ++r) {
                        const int64_t pr = c.per_tensor ? 0 : r;
                        ASSERT_EQ(a.scale[r], want_s[pr]) << "row " << r;
                        ASSERT_EQ(static_cast<int>(a.zp[r]), want_zp[pr]) << "row " << r;
                        ASSERT_EQ(0, std::memcmp(a.q + r * a.stride, want_q.data() + r * k, k)) << "row " << r;
                    }
                    ++checked;
                    bf16 += c.bf16;
                }
            }
        }
    }
    std::printf("[ int8 ] golden activation quantization: %d (case, m, tier, threads) bit-exact, %d of bf16 models\n",
                checked, bf16);
}

TEST(Int8Golden, OutputsBitExactBothBackendsEveryTier) {
    const auto files = da8w8_cases();
    ASSERT_EQ(files.size(), 12u);
    int checked = 0, bf16 = 0;
    for (const fs::path& file : files) {
        SafeTensors st(file.string());
        const Case c = describe(file.stem().string(), st);
        const int64_t n = st.at("qdata").shape[0], k = st.at("qdata").shape[1];
        const std::vector<int8_t> q = st.at("qdata").as_i8();
        std::vector<float> s = st.at("scale").as_f32();
        if (s.size() == 1) s.assign(static_cast<size_t>(n), s[0]);  // PerTensor weight scale
        ASSERT_EQ(s.size(), static_cast<size_t>(n));
        const bool has_bias = st.has("bias");
        const std::vector<float> bias = has_bias ? st.at("bias").as_f32() : std::vector<float>();
        std::vector<int32_t> backends = jao::test::int8_backends();
        backends.push_back(JAO_INT8_BACKEND_AUTO);
        for (int32_t backend : backends) {
            jao::test::Int8Packed pk;
            const auto p = jao::test::int8_params(n, k, c.asym ? JAO_ACT_ASYMMETRIC : JAO_ACT_SYMMETRIC, has_bias,
                                                  backend, c.flags());
            ASSERT_EQ(JAO_OK, jao::test::int8_pack(p, q, s, has_bias ? &bias : nullptr, pk)) << jao_last_error();
            for (int32_t tier : jao::test::supported_tiers()) {
                jao::test::IsaCap cap(tier);
                SCOPED_TRACE(c.name + " backend " + std::to_string(backend) + " tier " + jao_isa_name(tier));
                for (int64_t m : {1, 3, 17}) {
                    const std::string ms = std::to_string(m);
                    std::vector<float> y;
                    ASSERT_EQ(JAO_OK, jao::test::int8_run(pk, m, st.at("x_m" + ms).as_f32(), y, n)) << jao_last_error();
                    const std::vector<float> want = st.at("y_m" + ms).as_f32();
                    ASSERT_TRUE(jao::test::same_bits(y, want)) << "m " << m;
                    ++checked;
                    bf16 += c.bf16;
                }
            }
        }
    }
    std::printf("[ int8 ] golden outputs: %d (case, backend, tier, m) bit-exact, %d of bf16 models\n", checked, bf16);
}

}  // namespace
