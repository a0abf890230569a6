// Benchmark of the int8 x int8 linear (jao_int8.h) through the C ABI, per
// backend, next to oneDNN's s8 matmul called directly on the same shape.
//
//   cmake -S native -B /tmp/build-int8 -DJAO_DNNL_ROOT=<dnnl> -DCMAKE_BUILD_TYPE=Release
//   cmake --build /tmp/build-int8 --parallel 2
//   /tmp/build-int8/bench/jao_bench_int8 [--threads 2] [--seconds 0.6] [--isa avx512_vnni] [--quick] [--shape KxN]... [--m M]
//
// Shapes: (K, N) in {(4096,4096), (4096,11008), (11008,4096)} x M in {1, 8, 32, 128},
// symmetric per-token activations, per-row weight scales, bias. Weights are
// cycled through >= 160 MB of packed copies, so every call streams them from DRAM.
// Rows: "jao/onednn" and "jao/jao" = full path (activation quantization +
// integer matmul + epilogue), at M=1 also "jao alone" (jao/jao timed by
// itself, not interleaved with the others), "plain read" / "read alone" (the
// same bytes as jao/jao only read, once per call: bench_util.h PlainRead; in
// the row and by itself) and "jao/scalar" (the scalar reference
// tier); "onednn s8" = dnnl matmul on pre-quantized s8 input (same primitive kind, format_any weights). Columns: median / best ms,
// GOPS = 2MKN / median, weight GB/s, the read bandwidth probed in the same run
// ("read"; at M=1 probe passes interleaved with the row's calls) and its %, and the ratio
// median / median of the direct oneDNN call. The direct call and the two paths
// are timed call by call in turn (bench_util.h timed_row): this host's
// speed drifts within seconds, and the ratios must compare like with like.
// On x86 without VNNI jao refuses its oneDNN backend (oneDNN's avx2 s8 kernels
// sum u8 x s8 pairs in saturating int16) and the bench says so; "onednn s8"
// is then still timed, as a speed peer only: its outputs are not exact there.
#include <omp.h>

#include <array>
#include <cstring>

#include "bench_onednn.h"

namespace {

using jao::bench::check;

struct Layer {
    int64_t size = 0;
    int copies = 0;
    std::vector<jao::bench::PackedCopy> bytes;
};

jao_int8_params layer_params(int64_t k, int64_t n, int32_t backend) {
    jao_int8_params p{};
    p.n = n;
    p.k = k;
    p.act_mapping = JAO_ACT_SYMMETRIC;
    p.has_bias = 1;
    p.backend = backend;
    return p;
}

// jao refuses its oneDNN backend where oneDNN's s8 matmul is not exact (x86
// without VNNI); the bench then prints why and times jao's own path only.
bool onednn_backend_offered() {
    const jao_int8_params p = layer_params(64, 64, JAO_INT8_BACKEND_ONEDNN);
    int64_t size = 0;
    const jao_status st = jao_int8_packed_size(&p, &size);
    if (st == JAO_UNSUPPORTED) {
        std::printf("no jao/onednn row: %s\n", jao_last_error());
        return false;
    }
    check(st, "jao_int8_packed_size");
    return true;
}

Layer pack_layer(int64_t k, int64_t n, int32_t backend, const std::vector<int8_t>& q, const std::vector<float>& s,
                 const std::vector<float>& bias) {
    const jao_int8_params p = layer_params(k, n, backend);
    Layer l;
    check(jao_int8_packed_size(&p, &l.size), "jao_int8_packed_size");
    l.copies = jao::bench::copies_to_stream(jao::bench::kStreamBytes, l.size);
    l.bytes.reserve(static_cast<size_t>(l.copies));
    l.bytes.emplace_back(l.size);
    check(jao_int8_pack(&p, q.data(), s.data(), bias.data(), l.bytes[0].data(), l.size), "jao_int8_pack");
    for (int c = 1; c < l.copies; ++c) l.bytes.push_back(l.bytes[0]);
    return l;
}

}  // namespace

int main(int argc, char** argv) {
    int threads = 2;
    double seconds = 0.6;
    bool quick = false;
    std::vector<int64_t> ms = {1, 8, 32, 128};
    std::vector<std::array<int64_t, 2>> shapes = {{4096, 4096}, {4096, 11008}, {11008, 4096}}, custom;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
        else if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
        else if (a == "--quick") quick = true;
        else if (a == "--m" && i + 1 < argc) ms = {std::atoll(argv[++i])};
        else if (a == "--shape" && i + 1 < argc) {
            int64_t k = 0, n = 0;
            if (!jao::bench::parse_shape(argv[++i], &k, &n)) {
                std::fprintf(stderr, "--shape wants KxN, e.g. 4096x11008\n");
                return 2;
            }
            custom.push_back({k, n});
        } else if (a == "--isa" && i + 1 < argc) {
            int32_t tier;
            check(jao_isa_parse(argv[++i], &tier), "jao_isa_parse");
            check(jao_isa_set_cap(tier), "jao_isa_set_cap");
        } else {
            std::fprintf(stderr, "usage: %s [--threads N] [--seconds S] [--isa TIER] [--quick] [--shape KxN]... [--m M]\n", argv[0]);
            return 2;
        }
    }
    check(jao_threads_set(threads), "jao_threads_set");
    omp_set_num_threads(threads);  // the direct oneDNN calls
    jao::core::ReadProbe probe(jao::bench::kProbeBytes, threads);
    const double measured = jao::bench::median_read_gbs(probe);
    std::printf("jao %s, isa %s, %d threads, measured DRAM read %.1f GB/s (notes: ~%.0f)\n", jao_version_string(),
                jao_isa_name(jao_isa_active()), threads, measured, jao::bench::kDramGBs);
    const bool with_onednn_backend = onednn_backend_offered();
    std::printf("%-11s %-11s %4s %9s %9s %7s %7s %5s %6s %6s  %s\n", "path", "KxN", "M", "median_ms", "best_ms", "GOPS",
                "GB/s", "read", "%DRAM", "/onednn", "impl");

    if (!custom.empty()) shapes = custom;
    std::mt19937 rng(42);
    for (const auto& shape : shapes) {
        const int64_t K = shape[0], N = shape[1];
        if (quick && custom.empty() && (K != 4096 || N != 11008)) continue;
        std::vector<int8_t> q(static_cast<size_t>(N * K));
        std::uniform_int_distribution<int> qd(-128, 127);
        for (auto& v : q) v = static_cast<int8_t>(qd(rng));
        std::vector<float> s(static_cast<size_t>(N), 0.01f), bias(static_cast<size_t>(N), 0.5f);
        // Timed in this order after the direct call: jao/jao, then jao/onednn if offered.
        std::vector<Layer> layers;
        layers.push_back(pack_layer(K, N, JAO_INT8_BACKEND_JAO, q, s, bias));
        if (with_onednn_backend) layers.push_back(pack_layer(K, N, JAO_INT8_BACKEND_ONEDNN, q, s, bias));
        const Layer& own = layers[0];
        q.clear();
        q.shrink_to_fit();
        char kshape[32];
        std::snprintf(kshape, sizeof kshape, "%lldx%lld", static_cast<long long>(K), static_cast<long long>(N));
        for (int64_t M : ms) {
            std::vector<float> x(static_cast<size_t>(M * K)), y(static_cast<size_t>(M * N));
            std::normal_distribution<float> xd(0.0f, 1.0f);
            for (auto& v : x) v = xd(rng);
            double read = measured;  // the row's probe, set once it is timed
            auto report = [&](const char* path, const jao::bench::Timing& t, int64_t wbytes, double peer,
                              const std::string& impl) {
                const double gops = 2.0 * M * K * N / t.median * 1e-9, gbs = static_cast<double>(wbytes) / t.median * 1e-9;
                std::printf("%-11s %-11s %4lld %9.3f %9.3f %7.1f %7.2f %5.1f %5.1f%% %6.2f  %s\n", path, kshape,
                            static_cast<long long>(M), t.median * 1e3, t.best * 1e3, gops, gbs, read, 100.0 * gbs / read,
                            peer > 0 ? t.median / peer : 1.0, impl.c_str());
                std::fflush(stdout);
            };
            jao::bench::OnednnS8Matmul direct(M, K, N, 7);
            // The direct call and both paths are timed call by call in turn, so the
            // ratios compare them under the same host conditions.
            std::vector<std::function<void(int64_t)>> runs{[&](int64_t i) { direct.run(i); }};
            std::vector<std::vector<uint8_t>> works;
            std::vector<jao_int8_info> infos;
            for (const Layer* l : {&layers[0], layers.size() > 1 ? &layers[1] : nullptr}) {
                if (l == nullptr) continue;
                int64_t ws = 0;
                check(jao_int8_workspace_size(l->bytes[0].data(), l->size, M, &ws), "jao_int8_workspace_size");
                works.emplace_back(static_cast<size_t>(ws));
                infos.emplace_back();
                check(jao_int8_packed_info(l->bytes[0].data(), l->size, M, &infos.back()), "jao_int8_packed_info");
                runs.push_back([&, l, work = works.back().data(), ws](int64_t i) {
                    check(jao_int8_linear_run(l->bytes[i % l->copies].data(), l->size, M, x.data(), y.data(), work, ws),
                          "jao_int8_linear_run");
                });
            }
            // At M=1 also a plain read of jao/jao's bytes, call by call with the others.
            jao::bench::PlainRead plain(own.bytes, own.size, threads);
            const size_t plain_at = runs.size();
            if (M == 1) runs.push_back([&](int64_t i) { plain(i); });
            int copies = direct.copies();
            for (const Layer& l : layers) copies = std::max(copies, l.copies);
            const int warmups = jao::bench::warmup_calls(copies);
            const jao::bench::RowTimings row = jao::bench::timed_row(probe, measured, M, runs, seconds, warmups);
            const std::vector<jao::bench::Timing>& t = row.calls;
            read = row.read_gbs;
            report("onednn s8", t[0], direct.weight_bytes(), 0, direct.impl());
            if (layers.size() > 1) {
                report("jao/onednn", t[2], layers[1].size, t[0].median,
                       std::string(jao_isa_name(infos[1].isa)) + " + " + direct.impl());
            }
            report("jao/jao", t[1], own.size, t[0].median, std::string(jao_isa_name(infos[0].isa)) + " tiles");
            if (M == 1) {
                report("plain read", t[plain_at], own.size, t[0].median, "jao/jao's bytes read once per call, no compute");
                // jao's path alone (its own probe rounds): interleaved with oneDNN's calls it
                // reads a few % slower than when a layer follows a layer of its own kind; and
                // the plain read alone, for the same reason.
                const jao::bench::RowTimings alone = jao::bench::timed_row(probe, measured, M, {runs[1]}, seconds, warmups);
                read = alone.read_gbs;
                report("jao alone", alone.calls[0], own.size, t[0].median, "the jao/jao row timed by itself");
                const jao::bench::RowTimings read_alone =
                    jao::bench::timed_row(probe, measured, M, {runs[plain_at]}, seconds, warmups);
                read = read_alone.read_gbs;
                report("read alone", read_alone.calls[0], own.size, t[0].median, "the plain read timed by itself");
                read = alone.read_gbs;
                // The scalar reference tier on the same layer and calls.
                report("jao/scalar", jao::bench::timed_scalar(runs[1], seconds), own.size, t[0].median,
                       "scalar reference tier");
            }
        }
    }
    return 0;
}
