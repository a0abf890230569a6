// KleidiAI packed layouts against testdata/golden-kleidiai (made with the real KleidiAI
// 495f652): every packing case (categories kai_1..kai_5, 254 cases) must be reproduced
// byte for byte through the C ABI, LHS padding rows excepted where the file has a
// valid_mask (exact_masked). The RHS/LHS operands of the kai_6 matmul cases are checked
// too, and the plain KleidiAI cases with ATen's parameters also go through the ATen entry.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "jao/jao.h"
#include "support/safetensors.h"

namespace {

namespace fs = std::filesystem;
using jao::test::SafeTensors;
using jao::test::StTensor;
using jao::test::values;

const fs::path kDir = fs::path(JAO_TESTDATA_DIR) / "golden-kleidiai" / "data";

// Integer parameters encoded in a case name (nr8, kr16, n19, k256, bl32, gs64, m17, ...).
std::map<std::string, int64_t> name_params(const std::string& name) {
    std::map<std::string, int64_t> p;
    static const std::regex token("(?:^|_)(nr|kr|sr|mr|n|k|bl|gs|m)([0-9]+)(?=_|$)");
    for (auto it = std::sregex_iterator(name.begin(), name.end(), token); it != std::sregex_iterator(); ++it)
        p[(*it)[1]] = std::stoll((*it)[2]);
    p["bias"] = name.size() >= 5 && name.compare(name.size() - 5, 5, "_bias") == 0;
    if (name.find("_bias_") != std::string::npos) p["bias"] = 1;  // matmul names: ..._bl32_bias
    return p;
}

// Empty string = identical (under the mask when given); otherwise a description.
std::string compare(const std::vector<uint8_t>& mine, const StTensor& gold, const StTensor* mask) {
    if (mine.size() != gold.data.size())
        return "size " + std::to_string(mine.size()) + " != golden " + std::to_string(gold.data.size());
    for (size_t i = 0; i < mine.size(); ++i)
        if ((!mask || mask->data[i]) && mine[i] != gold.data[i])
            return "first difference at byte " + std::to_string(i) + ": " + std::to_string(mine[i]) + " vs " +
                   std::to_string(gold.data[i]);
    return "";
}

#define CALL(expr)                                                              \
    do {                                                                        \
        jao_status st_ = (expr);                                                \
        if (st_ != JAO_OK) return std::string(#expr) + ": " + jao_last_error(); \
    } while (0)

struct Rhs {
    std::vector<int8_t> q;
    std::vector<float> bias;
    const float* bias_ptr() const { return bias.empty() ? nullptr : bias.data(); }
};

Rhs rhs_inputs(const SafeTensors& st, bool has_bias) {
    Rhs r{values<int8_t>(st.at("w_q")), {}};
    if (has_bias && st.has("bias")) r.bias = values<float>(st.at("bias"));
    return r;
}

std::string check_qsi4c32p(const SafeTensors& st, const std::map<std::string, int64_t>& p, const StTensor& gold) {
    const StTensor& wq = st.at("w_q");
    const int64_t n = wq.shape[0], k = wq.shape[1], bl = p.at("bl");
    const Rhs r = rhs_inputs(st, p.at("bias"));
    const auto sc = values<uint16_t>(st.at("w_scale"));
    int64_t size = 0;
    const int32_t nr = int32_t(p.at("nr")), kr = int32_t(p.at("kr")), sr = int32_t(p.at("sr"));
    CALL(jao_kai_rhs_qsi4c32p_packed_size(n, k, bl, nr, kr, sr, &size));
    std::vector<uint8_t> out(size_t(size), 0xAB);
    CALL(jao_kai_rhs_qsi4c32p_pack(n, k, bl, nr, kr, sr, r.q.data(), sc.data(), r.bias_ptr(), out.data(), size));
    return compare(out, gold, nullptr);
}

template <class SizeFn, class PackFn>
std::string check_channel(const SafeTensors& st, const std::map<std::string, int64_t>& p, const StTensor& gold,
                          SizeFn size_fn, PackFn pack_fn) {
    const StTensor& wq = st.at("w_q");
    const int64_t n = wq.shape[0], k = wq.shape[1];
    const Rhs r = rhs_inputs(st, p.at("bias"));
    const auto sc = values<float>(st.at("w_scale"));
    const int32_t nr = int32_t(p.at("nr")), kr = int32_t(p.at("kr")), sr = int32_t(p.at("sr"));
    int64_t size = 0;
    CALL(size_fn(n, k, nr, kr, sr, &size));
    std::vector<uint8_t> out(size_t(size), 0xAB);
    CALL(pack_fn(n, k, nr, kr, sr, r.q.data(), sc.data(), r.bias_ptr(), out.data(), size));
    return compare(out, gold, nullptr);
}

std::string check_lhs(const SafeTensors& st, const std::map<std::string, int64_t>& p, const StTensor& gold,
                      const StTensor* mask) {
    const StTensor& x = st.at("x");
    const int64_t m = x.shape[0], k = x.shape[1];
    const auto xv = values<float>(x);
    const int32_t mr = int32_t(p.at("mr")), kr = int32_t(p.at("kr")), sr = int32_t(p.at("sr"));
    int64_t size = 0;
    CALL(jao_kai_lhs_qai8dxp_packed_size(m, k, mr, kr, sr, &size));
    std::vector<uint8_t> out(size_t(size), 0xAB);
    CALL(jao_kai_lhs_qai8dxp_pack(m, k, mr, kr, sr, xv.data(), k, out.data(), size));
    std::string d = compare(out, gold, mask);
    if (!d.empty() || !st.has("x_q")) return d;
    // The decoded aux tensors must match our unpack too.
    std::vector<int8_t> q(static_cast<size_t>(m * k));
    std::vector<int32_t> nzp(static_cast<size_t>(m));
    std::vector<float> inv(static_cast<size_t>(m));
    CALL(jao_kai_lhs_qai8dxp_unpack(m, k, mr, kr, sr, out.data(), size, q.data(), nzp.data(), inv.data()));
    if (q != values<int8_t>(st.at("x_q"))) return "unpacked x_q differs";
    if (nzp != values<int32_t>(st.at("x_neg_zero_point"))) return "unpacked x_neg_zero_point differs";
    if (std::memcmp(inv.data(), st.at("x_inv_scale").data.data(), 4 * size_t(m))) return "unpacked x_inv_scale differs";
    return "";
}

std::string check_torchao(const SafeTensors& st, const std::map<std::string, int64_t>& p, const StTensor& gold) {
    const StTensor& wq = st.at("w_q");
    const int64_t n = wq.shape[0], k = wq.shape[1], gs = p.at("gs");
    const Rhs r = rhs_inputs(st, p.at("bias"));
    const auto sc = values<float>(st.at("w_scale"));
    const int32_t nr = int32_t(p.at("nr")), kr = int32_t(p.at("kr")), sr = int32_t(p.at("sr"));
    int64_t size = 0;
    CALL(jao_kai_torchao_qsi4c32p_packed_size(n, k, gs, nr, kr, sr, &size));
    std::vector<uint8_t> out(size_t(size), 0xAB);
    CALL(jao_kai_torchao_qsi4c32p_pack(n, k, gs, nr, kr, sr, r.q.data(), sc.data(), r.bias_ptr(), out.data(), size));
    return compare(out, gold, nullptr);
}

// ATen's buffer = plain KleidiAI bytes for nr 8 / kr 16 / sr 2 from the unsigned nibbles.
std::string check_aten(const SafeTensors& st, const std::map<std::string, int64_t>& p, const StTensor& gold,
                       bool groupwise) {
    const StTensor& wq = st.at("w_q");
    const int64_t n = wq.shape[0], k = wq.shape[1], bs = groupwise ? p.at("bl") : k;
    const Rhs r = rhs_inputs(st, p.at("bias"));
    const auto w = st.at("w_u4").data;
    int64_t size = 0;
    CALL(jao_kai_aten_dyn_quant_4bit_packed_size(n, k, bs, &size));
    std::vector<uint8_t> out(size_t(size), 0xAB);
    CALL(jao_kai_aten_dyn_quant_4bit_pack(n, k, bs, w.data(), st.at("w_scale").data.data(),
                                          groupwise ? JAO_KAI_SCALE_BF16 : JAO_KAI_SCALE_F32, r.bias_ptr(),
                                          out.data(), size));
    return compare(out, gold, nullptr);
}

struct Outcome {
    std::string category;
    std::vector<std::string> problems;  // empty = pass
    int checks = 0;
};

Outcome run_case(const fs::path& file) {
    Outcome o;
    SafeTensors st(file.string());
    o.category = st.metadata().at("category");
    const std::string name = st.metadata().at("case");
    const auto p = name_params(name);
    auto record = [&](const std::string& what, const std::string& diff) {
        ++o.checks;
        if (!diff.empty()) o.problems.push_back(what + ": " + diff);
    };
    const StTensor* mask = st.has("valid_mask") ? &st.at("valid_mask") : nullptr;
    const bool aten_params = p.count("nr") && p.at("nr") == 8 && p.at("kr") == 16 && p.at("sr") == 2;
    if (o.category == "kai_1_rhs_qsi4c32p_bf16") {
        record("rhs_packed", check_qsi4c32p(st, p, st.at("rhs_packed")));
        // ATen takes block_size == k as channelwise (qsi4cxp), so only bl < k is its groupwise buffer.
        if (aten_params && p.at("bl") < p.at("k")) record("aten", check_aten(st, p, st.at("rhs_packed"), true));
    } else if (o.category == "kai_2_rhs_qsi4cxp") {
        record("rhs_packed", check_channel(st, p, st.at("rhs_packed"), jao_kai_rhs_qsi4cxp_packed_size,
                                           jao_kai_rhs_qsi4cxp_pack));
        if (aten_params) record("aten", check_aten(st, p, st.at("rhs_packed"), false));
    } else if (o.category == "kai_3_rhs_qsi8cxp") {
        record("rhs_packed", check_channel(st, p, st.at("rhs_packed"), jao_kai_rhs_qsi8cxp_packed_size,
                                           jao_kai_rhs_qsi8cxp_pack));
    } else if (o.category == "kai_4_lhs_qai8dxp") {
        record("lhs_packed", check_lhs(st, p, st.at("lhs_packed"), mask));
    } else if (o.category == "kai_5_torchao_convention") {
        record("packed_weights", check_torchao(st, p, st.at("packed_weights")));
    } else if (o.category == "kai_6_matmul") {
        // ukernel names carry mr/nr/kr/sr only implicitly: take them from the dims of the packed
        // operands' kernel family (all of them are listed in the golden README).
        static const std::map<std::string, std::array<int32_t, 4>> kernels = {
            {"mm_qai8dxp1x8_qsi4c32p8x8_1x8x32_neon_dotprod", {1, 8, 16, 2}},
            {"mm_qai8dxp4x8_qsi4c32p8x8_4x8x32_neon_i8mm", {4, 8, 16, 2}},
            {"mm_qai8dxp1x8_qsi4cxp8x8_1x8x32_neon_dotprod", {1, 8, 16, 2}},
            {"mm_qai8dxp4x8_qsi4cxp8x8_8x8x32_neon_i8mm", {4, 8, 16, 2}},
            {"mm_qai8dxp1x4_qsi8cxp4x4_1x4_neon_dotprod", {1, 4, 4, 1}},
            {"mm_qai8dxp4x8_qsi8cxp4x8_16x4_neon_i8mm", {4, 4, 8, 1}},
        };
        std::optional<std::array<int32_t, 4>> cfg;
        for (const auto& [prefix, c] : kernels)
            if (name.rfind(prefix + "_", 0) == 0) cfg = c;
        if (!cfg) {
            record("kernel", "unknown ukernel in " + name);
            return o;
        }
        auto q = p;
        q["mr"] = (*cfg)[0], q["nr"] = (*cfg)[1], q["kr"] = (*cfg)[2], q["sr"] = (*cfg)[3];
        const StTensor& rhs = st.at("rhs_packed");
        if (name.find("qsi4c32p") != std::string::npos) record("rhs_packed", check_qsi4c32p(st, q, rhs));
        else if (name.find("qsi4cxp") != std::string::npos)
            record("rhs_packed", check_channel(st, q, rhs, jao_kai_rhs_qsi4cxp_packed_size, jao_kai_rhs_qsi4cxp_pack));
        else
            record("rhs_packed", check_channel(st, q, rhs, jao_kai_rhs_qsi8cxp_packed_size, jao_kai_rhs_qsi8cxp_pack));
        record("lhs_packed", check_lhs(st, q, st.at("lhs_packed"), mask));
    } else {
        record("category", "unknown category " + o.category);
    }
    return o;
}

std::vector<fs::path> case_files() {
    std::vector<fs::path> files;
    if (fs::is_directory(kDir))
        for (const auto& e : fs::directory_iterator(kDir))
            if (e.path().extension() == ".safetensors") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

class KaiPacking : public ::testing::TestWithParam<fs::path> {};

TEST_P(KaiPacking, ByteIdentical) {
    const Outcome o = run_case(GetParam());
    EXPECT_GT(o.checks, 0);
    for (const auto& pr : o.problems) ADD_FAILURE() << GetParam().stem().string() << " " << pr;
}

INSTANTIATE_TEST_SUITE_P(KaiGolden, KaiPacking, ::testing::ValuesIn(case_files()),
                         [](const ::testing::TestParamInfo<fs::path>& i) { return i.param.stem().string(); });

// One line per category, and the total the README promises: 254 packing cases + 36 matmul.
TEST(KaiGoldenSummary, AllPackingCasesPass) {
    std::map<std::string, std::pair<int, int>> per;  // category -> (passed, total)
    for (const auto& f : case_files()) {
        const Outcome o = run_case(f);
        auto& c = per[o.category];
        c.second++;
        if (o.problems.empty()) c.first++;
    }
    int passed = 0, total = 0;
    for (const auto& [cat, c] : per) {
        std::printf("  %-28s %3d / %3d\n", cat.c_str(), c.first, c.second);
        if (cat != "kai_6_matmul") passed += c.first, total += c.second;
    }
    std::printf("  packing cases: %d / %d byte-identical\n", passed, total);
    EXPECT_EQ(total, 254);
    EXPECT_EQ(passed, 254);
    EXPECT_EQ(per["kai_6_matmul"].first, 36);
}

}  // namespace
