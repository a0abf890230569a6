// Per-token int8 activation quantization (torchao asymmetric), the step fused at the start of
// every intx linear: GB/s of fp32 input per tier, single thread, median of repeated runs.
//   build/bench/jao_bench_act
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "kernels/ref/intx_kernels.h"
#include "kernels/x86/intx_linear.h"

namespace {

double median_us(const jao::pack::IntxLayout& L, const std::vector<float>& x, int64_t m,
                 jao::kernels::intx::QuantizeRowsFn fn) {
    std::vector<uint8_t> ws(static_cast<size_t>(jao::kernels::intx::workspace_bytes(L, m)));
    auto a = jao::kernels::intx::carve_workspace(L, m, ws.data());
    std::vector<double> t;
    for (int i = 0; i < 205; ++i) {
        auto s = std::chrono::steady_clock::now();
        fn(L, x.data(), 0, m, a);
        double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - s).count();
        if (i >= 5) t.push_back(us);
    }
    std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
    return t[t.size() / 2];
}

}  // namespace

int main() {
    std::mt19937 rng(1);
    std::normal_distribution<float> nd(0, 1);
    std::printf("%-12s %-12s %10s %8s\n", "shape", "tier", "median_us", "GB/s");
    for (auto [m, k] : {std::pair<int64_t, int64_t>{128, 4096}, {1, 11008}}) {
        jao_intx_params p{16, k, 4, 32, JAO_SCALE_F32, 0, 0, JAO_INTX_LAYOUT_AUTO};
        auto L = jao::pack::make_layout(p, "bench");
        std::vector<float> x(static_cast<size_t>(m * k));
        for (auto& v : x) v = nd(rng);
        struct Tier {
            const char* name;
            jao::kernels::intx::QuantizeRowsFn fn;
        };
        std::vector<Tier> tiers = {{"scalar", jao::kernels::intx::quantize_rows_ref}};
#if defined(__x86_64__)
        uint64_t mask = jao_isa_supported_mask();
        if (mask >> JAO_ISA_AVX2 & 1) tiers.push_back({"avx2", jao::kernels::intx::quantize_rows_avx2});
        if (mask >> JAO_ISA_AVX512_VNNI & 1) tiers.push_back({"avx512_vnni", jao::kernels::intx::quantize_rows_avx512vnni});
#endif
        for (const Tier& t : tiers) {
            double us = median_us(L, x, m, t.fn);
            char shape[32];
            std::snprintf(shape, sizeof shape, "[%lld,%lld]", static_cast<long long>(m), static_cast<long long>(k));
            std::printf("%-12s %-12s %10.2f %8.2f\n", shape, t.name, us, m * k * 4 / (us * 1e3));
        }
    }
    return 0;
}
