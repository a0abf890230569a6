// Benchmark of the intx packed linear (jao_linear.h) through the C ABI.
//
//   cmake -S native -B /tmp/build -DJAO_DNNL_ROOT=<dnnl> && cmake --build /tmp/build -j2
//   /tmp/build/bench/jao_bench_intx [--threads 2] [--seconds 0.6] [--isa avx512_vnni] [--quick]
//       [--format int4_g32|int8_pc|int2_g32|int3_g32] [--shape KxN] [--m M] [--no-peers]
//   (--shape / --m: one shape / row count instead of the standard ones, at every format)
//
// Shapes: (K, N) in {(4096,4096), (4096,11008), (11008,4096)} x M in {1, 8, 32, 128}
// for int4 PerGroup(32) bf16 scales and int8 PerAxis(0) fp32 scales (symmetric,
// torchao's default), plus int2 / int3 g32 at M=1. Weights are cycled through
// enough packed copies (>= 160 MB) that every call streams them from DRAM.
// Prints median / best ms, GOPS = 2MKN / t, weight GB/s, % of the 20 GB/s DRAM roof and % of
// the read bandwidth probed in the same run ("read" column; at M=1 probe passes interleaved with the row's calls).
// At M=1 each row goes on with a plain read of the same packed bytes timed call by
// call with the kernel ("read": its % of the probe, then kernel time / read time;
// bench_util.h PlainRead), and (unless --no-peers) the scalar reference tier timed on
// the same calls and its ratio to the row. Last section "onednn_s8": oneDNN's s8 x s8 -> s32 matmul called directly on the
// same shapes (pre-quantized input, format_any weights, same DRAM streaming): the peer.
#include <omp.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "bench_onednn.h"

namespace {

using jao::bench::check;
using jao::bench::kDramGBs;
using jao::bench::kStreamBytes;

struct Format {
    const char* name;
    int nbit;
    bool per_channel;
    bool bf16;
};

}  // namespace

int main(int argc, char** argv) {
    int threads = 2;
    double seconds = 0.6;
    bool quick = false, peers = true;
    std::string only_format;
    int64_t only_k = 0, only_n = 0, only_m = 0;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
        else if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (a == "--quick") quick = true;
        else if (a == "--no-peers") peers = false;
        else if (a == "--format" && i + 1 < argc) only_format = argv[++i];
        else if (a == "--m" && i + 1 < argc) only_m = std::atoll(argv[++i]);
        else if (a == "--shape" && i + 1 < argc) {
            if (!jao::bench::parse_shape(argv[++i], &only_k, &only_n)) {
                std::fprintf(stderr, "--shape wants KxN, e.g. 4096x16\n");
                return 2;
            }
        }
        else if (a == "--isa" && i + 1 < argc) {
            int32_t tier;
            check(jao_isa_parse(argv[++i], &tier), "jao_isa_parse");
            check(jao_isa_set_cap(tier), "jao_isa_set_cap");
        } else {
            std::fprintf(stderr, "usage: %s [--threads N] [--seconds S] [--isa TIER] [--quick] [--format F] [--shape KxN] [--m M] "
                         "[--no-peers]\n", argv[0]);
            return 2;
        }
    }
    check(jao_threads_set(threads), "jao_threads_set");
    omp_set_num_threads(threads);  // the direct oneDNN calls
    jao::core::ReadProbe probe(jao::bench::kProbeBytes, threads);
    const double measured = jao::bench::median_read_gbs(probe);
    std::printf("jao %s, isa %s, %d threads, DRAM roof %.0f GB/s (notes), measured read now %.1f GB/s\n",
                jao_version_string(), jao_isa_name(jao_isa_active()), threads, kDramGBs, measured);
    std::printf("%-10s %-12s %5s %9s %9s %8s %8s %7s %6s %7s  %s\n", "format", "KxN", "M", "median_ms", "best_ms", "GOPS",
                "GB/s", "%roof20", "read", "%meas", "kernel");

    const Format formats[] = {{"int4_g32", 4, false, true}, {"int8_pc", 8, true, false},
                              {"int2_g32", 2, false, true}, {"int3_g32", 3, false, true}};
    std::vector<std::array<int64_t, 2>> shapes = {{4096, 4096}, {4096, 11008}, {11008, 4096}};
    if (only_k > 0) shapes = {{only_k, only_n}};
    std::vector<int64_t> ms_all = {1, 8, 32, 128};
    if (only_m > 0) ms_all = {only_m};
    std::mt19937 rng(42);
    for (const Format& f : formats) {
        if (!only_format.empty() && only_format != f.name) continue;
        for (const auto& shape : shapes) {
            const int64_t K = shape[0], N = shape[1];
            const bool low = f.nbit < 4;
            if (quick && only_k == 0 && (K != 4096 || N != 11008)) continue;
            jao_intx_params p{N, K, f.nbit, f.per_channel ? K : 32, f.bf16 ? JAO_SCALE_BF16 : JAO_SCALE_F32, 0, 0,
                              JAO_INTX_LAYOUT_AUTO};
            const int64_t groups = K / p.group_size;
            std::vector<int8_t> q(static_cast<size_t>(N * K));
            std::uniform_int_distribution<int> qd(-(1 << (f.nbit - 1)), (1 << (f.nbit - 1)) - 1);
            for (auto& v : q) v = static_cast<int8_t>(qd(rng));
            std::vector<float> s(static_cast<size_t>(N * groups), 0.01f);
            int64_t size = 0;
            check(jao_intx_packed_size(&p, &size), "jao_intx_packed_size");
            const int copies = jao::bench::copies_to_stream(kStreamBytes, size);
            std::vector<jao::bench::PackedCopy> packed;
            packed.reserve(static_cast<size_t>(copies));
            packed.emplace_back(size);
            check(jao_intx_pack(&p, q.data(), s.data(), nullptr, nullptr, packed[0].data(), size), "jao_intx_pack");
            for (int c = 1; c < copies; ++c) packed.push_back(packed[0]);
            q.clear();
            q.shrink_to_fit();
            for (int64_t M : ms_all) {
                if (low && M != 1 && only_m == 0) continue;
                std::vector<float> x(static_cast<size_t>(M * K)), y(static_cast<size_t>(M * N));
                std::normal_distribution<float> xd(0.0f, 1.0f);
                for (auto& v : x) v = xd(rng);
                int64_t ws = 0;
                check(jao_intx_workspace_size(packed[0].data(), size, M, &ws), "jao_intx_workspace_size");
                std::vector<uint8_t> work(static_cast<size_t>(ws));
                jao_intx_info info{};
                check(jao_intx_packed_info(packed[0].data(), size, M, &info), "jao_intx_packed_info");
                const auto run = [&](int64_t i) {
                    check(jao_intx_linear_run(packed[i % copies].data(), size, M, x.data(), y.data(), work.data(), ws),
                          "run");
                };
                const int warmups = jao::bench::warmup_calls(copies);
                const jao::bench::RowTimings row =
                    M == 1 ? jao::bench::timed_row_with_read(probe, measured, run, packed, size, threads, seconds, warmups)
                           : jao::bench::timed_row(probe, measured, M, {run}, seconds, warmups);
                const jao::bench::Timing t = row.calls[0];
                const double read = row.read_gbs;
                const double med = t.median, best = t.best;
                const double gops = 2.0 * M * K * N / med * 1e-9;
                const double gbs = static_cast<double>(size) / med * 1e-9;
                char kshape[32];
                std::snprintf(kshape, sizeof kshape, "%lldx%lld", static_cast<long long>(K), static_cast<long long>(N));
                std::printf("%-10s %-12s %5lld %9.3f %9.3f %8.1f %8.2f %6.1f%% %6.1f %6.1f%%  %s %s %dx%d", f.name,
                            kshape, static_cast<long long>(M), med * 1e3, best * 1e3, gops, gbs, 100.0 * gbs / kDramGBs,
                            read, 100.0 * gbs / read,
                            info.kernel == JAO_INTX_KERNEL_GEMV ? "gemv" : "gemm", jao_isa_name(info.isa),
                            info.tile_m, info.tile_n);
                if (M == 1) jao::bench::print_read_peer(row, size);
                if (peers && M == 1) {
                    // The scalar reference tier on the same calls (at least 5 after 3 warm-ups).
                    const jao::bench::Timing tr = jao::bench::timed_scalar(run, seconds);
                    std::printf(" | scalar %.2f ms (%.0fx)", tr.median * 1e3, tr.median / med);
                }
                std::printf("\n");
                std::fflush(stdout);
            }
        }
    }
    for (const auto& shape : shapes) {
        const int64_t K = shape[0], N = shape[1];
        if (!peers || (quick && only_k == 0 && (K != 4096 || N != 11008))) continue;
        char kshape[32];
        std::snprintf(kshape, sizeof kshape, "%lldx%lld", static_cast<long long>(K), static_cast<long long>(N));
        for (int64_t M : ms_all) {
            jao::bench::OnednnS8Matmul direct(M, K, N, 11);
            const jao::bench::RowTimings row = jao::bench::timed_row(
                probe, measured, M, {[&](int64_t i) { direct.run(i); }}, seconds, jao::bench::warmup_calls(direct.copies()));
            const jao::bench::Timing t = row.calls[0];
            const double read = row.read_gbs;
            const double gops = 2.0 * M * K * N / t.median * 1e-9;
            const double gbs = static_cast<double>(direct.weight_bytes()) / t.median * 1e-9;
            std::printf("%-10s %-12s %5lld %9.3f %9.3f %8.1f %8.2f %6.1f%% %6.1f %6.1f%%  %s\n", "onednn_s8", kshape,
                        static_cast<long long>(M), t.median * 1e3, t.best * 1e3, gops, gbs, 100.0 * gbs / kDramGBs,
                        read, 100.0 * gbs / read, direct.impl().c_str());
            std::fflush(stdout);
        }
    }
    return 0;
}
