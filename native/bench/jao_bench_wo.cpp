// Benchmark of the weight-only linear (jao_weight_only.h) through the C ABI,
// next to peers measured in the same run.
//
//   cmake -S native -B /tmp/build-wo -DJAO_DNNL_ROOT=<dnnl> -DCMAKE_BUILD_TYPE=Release
//   cmake --build /tmp/build-wo --parallel 2 --target jao_bench_wo
//   /tmp/build-wo/bench/jao_bench_wo [--threads 2] [--seconds 1] [--isa avx512] [--quick] [--no-peers] [--hot] [--m M]
//       [--shape KxN]   (one shape instead of the standard three; with --hot, e.g. 1024x1024: kernel speed from L2)
//       [--act bf16]    (bf16 activations and outputs: jao_wo_linear_run_typed, the bf16 dot GEMV on avx512_bf16)
//       [--format int4_g32|int4wo_g32|int8_pc|int2_g32|int3_g32]   (one format)
//
// Formats: int4 g32 bf16 scales center 8 (IntxWeightOnly int4 SYMMETRIC, a
// bf16 scale dtype), int4wo g32: fp32 scales and fp32 zero offsets, center 8
// (Int4WeightOnly of an fp32 model: torchao's FLOAT-domain zero points), int8
// per channel fp32 scales center 128 (Int8WeightOnly), int2 / int3 g32 (M=1
// only). Shapes (K, N) in {(4096,4096), (4096,11008), (11008,4096)} x
// M in {1, 4, 8, 32, 128}. Packed weights are cycled through copies totalling
// >= 160 MB so every call streams them from DRAM. Per row: median / best ms,
// GFLOP/s = 2MKN / t, packed weight GB/s and its % of the read bandwidth probed
// in the same run ("read"; at M=1 probe passes interleaved with the row's calls), the kernel (gemv, gemm, or
// dotv: the bf16 dot-product GEMV); then the peers on the same x: oneDNN
// dnnl_sgemm on the fp32-dequantized weights (x * W^T, its own 180 MB of
// weights, so cold too), oneDNN's matmul with int4 / int8 weight decompression
// on the same codes and scales ("wdec", bench_onednn_wdec.h: its own >= 160 MB
// of copies; its outputs are checked against jao's), and, at M=1 on 4096x4096,
// jao's scalar tier; at M=1 last
// a plain read of the same packed bytes timed call by call with the kernel ("read":
// its % of the probe, then kernel time / read time; bench_util.h PlainRead).
#include <dnnl.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "affine/float_formats.h"
#include "bench_onednn_wdec.h"
#include "bench_util.h"
#include "jao/jao.h"

namespace {

using jao::bench::check;
using jao::bench::median;
using jao::bench::time_calls;

constexpr int64_t kStreamBytes = int64_t{160} << 20;

struct Format {
    const char* name;
    int nbit, center;
    bool per_channel, bf16;
    bool m1_only;
    bool offsets = false;  // fp32 zero offsets per group (Int4WeightOnly): w = s (u - center) + o
};

struct Weights {
    jao_wo_params p{};
    int64_t size = 0;
    std::vector<jao::bench::PackedCopy> copies;
    std::vector<float> dequant;  // [N, K] fp32 for the sgemm peer
    std::unique_ptr<jao::bench::OnednnDecompressMatmul> wdec;  // the weight-decompression peer
};

Weights make_weights(const Format& f, int64_t K, int64_t N, bool peers, bool hot, std::mt19937& rng) {
    Weights w;
    w.p = {N, K, f.nbit, f.center, f.per_channel ? K : 32, f.bf16 ? JAO_SCALE_BF16 : JAO_SCALE_F32, 0, f.offsets, 0,
           JAO_WO_LAYOUT_AUTO};
    const int64_t groups = K / w.p.group_size;
    std::vector<uint8_t> codes(static_cast<size_t>(N * K));
    std::uniform_int_distribution<int> ud(0, (1 << f.nbit) - 1);
    for (auto& v : codes) v = static_cast<uint8_t>(ud(rng));
    std::vector<float> s(static_cast<size_t>(N * groups));
    std::uniform_real_distribution<float> sd(0.005f, 0.02f);
    for (auto& v : s) v = sd(rng);
    std::vector<float> o(f.offsets ? s.size() : 0);
    std::uniform_real_distribution<float> od(-0.05f, 0.05f);
    for (auto& v : o) v = od(rng);
    check(jao_wo_packed_size(&w.p, &w.size), "jao_wo_packed_size");
    const int copies = hot ? 1 : jao::bench::copies_to_stream(kStreamBytes, w.size);
    w.copies.reserve(static_cast<size_t>(copies));
    w.copies.emplace_back(w.size);
    check(jao_wo_pack(&w.p, codes.data(), s.data(), nullptr, f.offsets ? o.data() : nullptr, nullptr,
                      w.copies[0].data(), w.size),
          "pack");
    for (int c = 1; c < copies; ++c) w.copies.push_back(w.copies[0]);
    if (peers) {
        // Dequantize what was packed (bf16 scales as stored).
        check(jao_wo_unpack(w.copies[0].data(), w.size, nullptr, s.data(), nullptr, nullptr, nullptr), "unpack");
        w.dequant.resize(codes.size());
        for (int64_t n = 0; n < N; ++n)
            for (int64_t k = 0; k < K; ++k)
                w.dequant[n * K + k] = s[n * groups + k / w.p.group_size] *
                                           static_cast<float>(codes[n * K + k] - f.center) +
                                       (f.offsets ? o[n * groups + k / w.p.group_size] : 0.0f);
        // oneDNN's weight decompression takes integer zero points only: no such peer for offsets.
        if (!f.offsets)
            w.wdec = std::make_unique<jao::bench::OnednnDecompressMatmul>(f.nbit, K, N, w.p.group_size, codes, s,
                                                                          f.center, hot ? 0 : kStreamBytes);
    }
    return w;
}

// Times oneDNN's weight-decompression matmul on the row's x and checks its
// outputs against jao's y (fp32 runs), or says why there is no such row.
void print_wdec_peer(Weights& w, int64_t M, std::vector<float>& x, const std::vector<float>& y, int32_t act,
                     double flops, double jao_median, double seconds, const char* format) {
    std::vector<float> yd(y.size());
    if (!w.wdec || !w.wdec->prepare(M, x.data(), yd.data())) {
        std::printf(" %9s %8s %6s |", "-", "-", "-");
        if (w.wdec && M == 1) std::fprintf(stderr, "no oneDNN weight-decompression row for %s: %s\n", format, w.wdec->why().c_str());
        return;
    }
    if (M == 1) std::fprintf(stderr, "oneDNN weight decompression for %s: %s\n", format, w.wdec->impl().c_str());
    const double t = median(time_calls(seconds, [&](int i) { w.wdec->run(i); }, 3));
    if (act == JAO_F32) {
        double err = 0, mag = 0;
        for (size_t i = 0; i < y.size(); ++i) {
            err = std::max(err, static_cast<double>(std::fabs(yd[i] - y[i])));
            mag = std::max(mag, static_cast<double>(std::fabs(y[i])));
        }
        if (!(err <= 1e-4 * mag)) {
            std::fprintf(stderr, "oneDNN weight decompression (%s) differs from jao by %g (max |y| %g)\n",
                         w.wdec->impl().c_str(), err, mag);
            std::exit(5);
        }
    }
    std::printf(" %9.3f %8.1f %5.2fx |", t * 1e3, flops / t * 1e-9, t / jao_median);
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 2;
    double seconds = 1.0;
    bool quick = false, peers = true, hot = false;
    int64_t only_m = 0, only_k = 0, only_n = 0;
    std::string only_format;
    int32_t act = JAO_F32;  // activation and output type of jao's runs
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
        else if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (a == "--quick") quick = true;
        else if (a == "--no-peers") peers = false;
        else if (a == "--hot") hot = true;  // one packed copy: weights stay in cache (kernel speed, not DRAM)
        else if (a == "--m" && i + 1 < argc) only_m = std::atoll(argv[++i]);
        else if (a == "--format" && i + 1 < argc) only_format = argv[++i];
        else if (a == "--act" && i + 1 < argc) {
            const std::string t = argv[++i];
            if (t != "f32" && t != "bf16") {
                std::fprintf(stderr, "--act wants f32 or bf16\n");
                return 2;
            }
            act = t == "bf16" ? JAO_BF16 : JAO_F32;
        } else if (a == "--shape" && i + 1 < argc) {
            if (!jao::bench::parse_shape(argv[++i], &only_k, &only_n)) {
                std::fprintf(stderr, "--shape wants KxN, e.g. 1024x1024\n");
                return 2;
            }
        } else if (a == "--isa" && i + 1 < argc) {
            int32_t tier;
            check(jao_isa_parse(argv[++i], &tier), "jao_isa_parse");
            check(jao_isa_set_cap(tier), "jao_isa_set_cap");
        } else {
            std::fprintf(stderr, "usage: %s [--threads N] [--seconds S] [--isa TIER] [--quick] [--no-peers] [--hot] [--m M] [--shape KxN] [--act f32|bf16] [--format F]\n", argv[0]);
            return 2;
        }
    }
    check(jao_threads_set(threads), "jao_threads_set");
    omp_set_num_threads(threads);  // oneDNN's OpenMP runtime
    jao::core::ReadProbe probe(jao::bench::kProbeBytes, threads);
    const double dram = jao::bench::median_read_gbs(probe);
    double load[3] = {0, 0, 0};
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
        std::fclose(f);
    }
    std::printf("jao %s, isa %s, %d threads, %s activations, measured DRAM read %.1f GB/s, load %.2f %.2f %.2f\n",
                jao_version_string(), jao_isa_name(jao_isa_active()), threads, act == JAO_BF16 ? "bf16" : "fp32", dram,
                load[0], load[1], load[2]);
    std::printf("%-9s %-11s %4s %9s %8s %8s %7s %5s %6s %5s | %9s %8s %6s | %9s %8s %6s | %9s\n", "format", "KxN", "M",
                "median_ms", "best_ms", "GFLOP/s", "GB/s", "read", "%DRAM", "kern", "sgemm_ms", "GFLOP/s", "x_sg",
                "wdec_ms", "GFLOP/s", "x_wd", "scalar_ms");

    const Format formats[] = {{"int4_g32", 4, 8, false, true, false},
                              {"int4wo_g32", 4, 8, false, false, false, true},
                              {"int8_pc", 8, 128, true, false, false},
                              {"int2_g32", 2, 2, false, true, true},
                              {"int3_g32", 3, 4, false, true, true}};
    if (!only_format.empty() &&
        std::none_of(std::begin(formats), std::end(formats), [&](const Format& f) { return only_format == f.name; })) {
        std::fprintf(stderr, "--format: no format %s\n", only_format.c_str());
        return 2;
    }
    std::vector<std::array<int64_t, 2>> shapes = {{4096, 4096}, {4096, 11008}, {11008, 4096}};
    if (only_k > 0) shapes = {{only_k, only_n}};
    const int64_t ms[] = {1, 4, 8, 32, 128};
    std::mt19937 rng(42);
    for (const Format& f : formats)
        for (const auto& shape : shapes) {
            const int64_t K = shape[0], N = shape[1];
            if (quick && !(K == 4096 && N == 11008)) continue;
            if (f.m1_only && N != 11008 && only_k == 0) continue;
            if (!only_format.empty() && only_format != f.name) continue;
            Weights w = make_weights(f, K, N, peers && !f.m1_only, hot, rng);
            const int copies = static_cast<int>(w.copies.size());
            for (int64_t M : ms) {
                if ((f.m1_only && M != 1) || (only_m && M != only_m)) continue;
                std::vector<float> x(static_cast<size_t>(M * K)), y(static_cast<size_t>(M * N));
                std::normal_distribution<float> xd(0.0f, 1.0f);
                for (auto& v : x) v = xd(rng);
                // bf16 runs: x and y as bf16 bits (the sgemm peer keeps fp32)
                std::vector<uint16_t> x16(x.size()), y16(y.size());
                for (size_t i = 0; i < x.size(); ++i) x16[i] = jao::affine::bf16_bits_rne(x[i]);
                int64_t ws = 0;
                check(jao_wo_workspace_size(w.copies[0].data(), w.size, M, &ws), "jao_wo_workspace_size");
                std::vector<uint8_t> work(static_cast<size_t>(ws));
                jao_wo_info info{};
                check(jao_wo_packed_info_typed(w.copies[0].data(), w.size, M, act, &info), "jao_wo_packed_info_typed");
                auto run = [&](int64_t i) {
                    const auto& packed = w.copies[i % copies];
                    if (act == JAO_F32)
                        check(jao_wo_linear_run(packed.data(), w.size, M, x.data(), y.data(), work.data(), ws),
                              "jao_wo_linear_run");
                    else
                        check(jao_wo_linear_run_typed(packed.data(), w.size, M, x16.data(), act, y16.data(), act,
                                                      work.data(), ws),
                              "jao_wo_linear_run_typed");
                };
                const int warmups = jao::bench::warmup_calls(copies);
                const jao::bench::RowTimings row =
                    M == 1 ? jao::bench::timed_row_with_read(probe, dram, run, w.copies, w.size, threads, seconds, warmups)
                           : jao::bench::timed_row(probe, dram, M, {run}, seconds, warmups);
                const std::vector<float> y_jao = y;  // the sgemm peer writes y
                const double read = row.read_gbs;
                const double med = row.calls[0].median, flops = 2.0 * M * K * N;
                const double gbs = static_cast<double>(w.size) / med * 1e-9;
                char kshape[32];
                std::snprintf(kshape, sizeof kshape, "%lldx%lld", static_cast<long long>(K), static_cast<long long>(N));
                std::printf("%-9s %-11s %4lld %9.3f %8.3f %8.1f %7.2f %5.1f %5.1f%% %5s |", f.name, kshape,
                            static_cast<long long>(M), med * 1e3, row.calls[0].best * 1e3, flops / med * 1e-9, gbs, read,
                            100.0 * gbs / read,
                            info.kernel == JAO_WO_KERNEL_GEMM      ? "gemm"
                            : info.isa == JAO_ISA_AVX512_BF16 ? "dotv"  // the bf16 dot-product GEMV
                                                              : "gemv");
                if (!w.dequant.empty()) {
                    const std::vector<double> ts = time_calls(seconds, [&](int) {
                        if (dnnl_sgemm('N', 'T', M, N, K, 1.0f, x.data(), K, w.dequant.data(), K, 0.0f, y.data(), N) !=
                            dnnl_success)
                            std::exit(4);
                    });
                    std::printf(" %9.3f %8.1f %5.2fx |", median(ts) * 1e3, flops / median(ts) * 1e-9, median(ts) / med);
                } else {
                    std::printf(" %9s %8s %6s |", "-", "-", "-");
                }
                print_wdec_peer(w, M, x, y_jao, act, flops, med, seconds, f.name);
                if (peers && M == 1 && K == 4096 && N == 4096) {
                    std::printf(" %9.3f", jao::bench::timed_scalar(run, seconds).median * 1e3);
                } else {
                    std::printf(" %9s", "-");
                }
                if (M == 1) jao::bench::print_read_peer(row, w.size);
                std::printf("\n");
                std::fflush(stdout);
            }
        }
    return 0;
}
