#include "onednn/int8_matmul.h"

#include <dnnl.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>

#include "abi/guard.h"

namespace jao::onednn {
namespace {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

// The M oneDNN is asked about when choosing the weight layout at pack time.
// Its brgemm kernels read the same blocked layout for every M (checked by
// the tests), so one layout serves all runs.
constexpr int64_t kLayoutM = 32;
// Primitives kept per process; beyond that the cache starts over (entries in
// use stay alive through their shared_ptr).
constexpr size_t kMaxPrimitives = 512;

const dnnl::engine& engine() {
    static const dnnl::engine eng(dnnl::engine::kind::cpu, 0);
    return eng;
}

// oneDNN refusing a shape (e.g. a row count whose descriptors it cannot
// build, found by fuzz_int8_pack) is the caller's argument, not a jao bug.
[[noreturn]] void rethrow(const dnnl::error& e, const std::string& what) {
    const jao_status st = e.status == dnnl_unimplemented       ? JAO_UNSUPPORTED
                          : e.status == dnnl_invalid_arguments ? JAO_INVALID_ARGUMENT
                                                               : JAO_INTERNAL;
    fail(st, "oneDNN " + what + " failed: " + e.what());
}

dnnl::memory::desc src_desc(int64_t m, int64_t k, int64_t lda) { return {{m, k}, dt::s8, {lda, 1}}; }
dnnl::memory::desc dst_desc(int64_t m, int64_t n) { return {{m, n}, dt::s32, tag::ab}; }

dnnl::matmul::primitive_desc make_pd(int64_t k, int64_t n, int64_t m, const dnnl::memory::desc& wei) {
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    return dnnl::matmul::primitive_desc(engine(), src_desc(m, k, k), wei, dst_desc(m, n), attr);
}

struct Layouts {
    std::mutex mu;
    std::map<std::pair<int64_t, int64_t>, std::unique_ptr<WeightsLayout>> by_shape;
};
Layouts& layouts() {
    static Layouts l;
    return l;
}

dnnl::memory::desc weights_desc(const WeightsLayout& w) { return dnnl::memory::desc(w.blob); }

struct Entry {
    dnnl::matmul prim;
    dnnl::memory::desc src, wei, dst, scratch_md;
    int64_t scratch = 0;
    std::string impl;
};
struct Primitives {
    std::mutex mu;
    std::map<std::tuple<int64_t, int64_t, int64_t>, std::shared_ptr<const Entry>> by_shape;
};
Primitives& primitives() {
    static Primitives p;
    return p;
}

std::shared_ptr<const Entry> primitive(int64_t k, int64_t n, int64_t m) {
    Primitives& c = primitives();
    const auto key = std::make_tuple(k, n, m);
    {
        std::lock_guard<std::mutex> lock(c.mu);
        auto it = c.by_shape.find(key);
        if (it != c.by_shape.end()) return it->second;
    }
    auto e = std::make_shared<Entry>();
    try {
        auto pd = make_pd(k, n, m, weights_desc(int8_weights_layout(k, n)));
        e->prim = dnnl::matmul(pd);
        e->src = pd.src_desc();
        e->wei = pd.weights_desc();
        e->dst = pd.dst_desc();
        e->scratch_md = pd.scratchpad_desc();
        e->scratch = static_cast<int64_t>(e->scratch_md.get_size());
        e->impl = pd.impl_info_str();
    } catch (const dnnl::error& err) {
        rethrow(err, "s8 matmul primitive creation");
    }
    std::lock_guard<std::mutex> lock(c.mu);
    if (c.by_shape.size() >= kMaxPrimitives) c.by_shape.clear();
    return c.by_shape.emplace(key, std::move(e)).first->second;  // a racing thread's entry wins: same primitive
}

dnnl::stream& stream() {
    thread_local dnnl::stream s(engine());
    return s;
}

void reorder(const dnnl::memory::desc& from, const void* src, const dnnl::memory::desc& to, void* dst) {
    dnnl::memory a(from, engine(), const_cast<void*>(src));
    dnnl::memory b(to, engine(), dst);
    dnnl::reorder(a, b).execute(stream(), a, b);
    stream().wait();
}

// qdata [n, k] row-major viewed as the [K, N] weights.
dnnl::memory::desc plain_weights(int64_t k, int64_t n) { return {{k, n}, dt::s8, {1, k}}; }

}  // namespace

const WeightsLayout& int8_weights_layout(int64_t k, int64_t n) {
    Layouts& l = layouts();
    std::lock_guard<std::mutex> lock(l.mu);
    auto& slot = l.by_shape[{k, n}];
    if (!slot) {
        auto w = std::make_unique<WeightsLayout>();
        try {
            auto pd = make_pd(k, n, kLayoutM, dnnl::memory::desc({k, n}, dt::s8, tag::any));
            w->blob = pd.weights_desc().get_blob();
            w->bytes = static_cast<int64_t>(pd.weights_desc().get_size());
        } catch (const dnnl::error& e) {
            rethrow(e, "s8 matmul weight layout query");
        }
        slot = std::move(w);
    }
    return *slot;
}

void int8_reorder_weights(int64_t k, int64_t n, const int8_t* qdata, void* dst) {
    try {
        reorder(plain_weights(k, n), qdata, weights_desc(int8_weights_layout(k, n)), dst);
    } catch (const dnnl::error& e) {
        rethrow(e, "weight reorder");
    }
}

void int8_unreorder_weights(int64_t k, int64_t n, const uint8_t* blob, int64_t blob_bytes, const void* src,
                            int8_t* qdata) {
    dnnl::memory::desc from;
    try {
        from = dnnl::memory::desc(std::vector<uint8_t>(blob, blob + blob_bytes));
    } catch (const dnnl::error& e) {
        fail(JAO_UNSUPPORTED, std::string("oneDNN cannot read the stored weight descriptor: ") + e.what());
    }
    if (from.get_dims() != dnnl::memory::dims{k, n} || from.get_data_type() != dt::s8)
        fail(JAO_CORRUPT_DATA, "the stored oneDNN weight descriptor does not describe s8 [K, N] weights");
    try {
        reorder(from, src, plain_weights(k, n), qdata);
    } catch (const dnnl::error& e) {
        rethrow(e, "weight reorder to plain");
    }
}

int64_t int8_scratchpad_bytes(int64_t k, int64_t n, int64_t m) { return primitive(k, n, m)->scratch; }

bool int8_matmul_is_exact() {
#if defined(__x86_64__)
    // dnnl_cpu_isa_t values are feature masks: 0x8 = avx2_vnni, 0x40 = avx512_core_vnni (and every ISA above them).
    const unsigned isa = static_cast<unsigned>(dnnl_get_effective_cpu_isa());
    return (isa & (0x8u | 0x40u)) != 0;
#else
    return true;
#endif
}

void require_exact_int8_matmul(const char* fn) {
    if (int8_matmul_is_exact()) return;
    const char* isa = "below avx2";
    switch (dnnl_get_effective_cpu_isa()) {
        case dnnl_cpu_isa_avx2: isa = "avx2"; break;
        case dnnl_cpu_isa_avx512_core: isa = "avx512_core"; break;
        default: break;
    }
    fail(JAO_UNSUPPORTED, std::string(fn) + ": oneDNN's int8 matmul is not exact on this CPU (oneDNN runs " + isa +
                              " kernels without VNNI, which sum u8 x s8 pairs in saturating int16); use the jao "
                              "backend (JAO_INT8_BACKEND_JAO or AUTO)");
}

const char* int8_impl_name(int64_t k, int64_t n, int64_t m) { return primitive(k, n, m)->impl.c_str(); }

void int8_matmul(int64_t k, int64_t n, int64_t m, const int8_t* a, int64_t lda, const void* weights, int32_t* c,
                 void* scratchpad, int threads) {
    if (lda != k) fail(JAO_INTERNAL, "int8_matmul: src row stride must equal k");
    const std::shared_ptr<const Entry> e = primitive(k, n, m);
    // Memory objects of the last primitive this thread ran, re-pointed per call
    // (creating four dnnl::memory per call cost several microseconds).
    struct Bound {
        std::shared_ptr<const Entry> entry;
        dnnl::memory src, wei, dst, scratch;
    };
    thread_local Bound bound;
    try {
        if (bound.entry != e) {
            bound.src = dnnl::memory(e->src, engine(), DNNL_MEMORY_NONE);
            bound.wei = dnnl::memory(e->wei, engine(), DNNL_MEMORY_NONE);
            bound.dst = dnnl::memory(e->dst, engine(), DNNL_MEMORY_NONE);
            bound.scratch = e->scratch > 0 ? dnnl::memory(e->scratch_md, engine(), DNNL_MEMORY_NONE) : dnnl::memory();
            bound.entry = e;
        }
        bound.src.set_data_handle(const_cast<int8_t*>(a));
        bound.wei.set_data_handle(const_cast<void*>(weights));
        bound.dst.set_data_handle(c);
        std::unordered_map<int, dnnl::memory> args{
            {DNNL_ARG_SRC, bound.src}, {DNNL_ARG_WEIGHTS, bound.wei}, {DNNL_ARG_DST, bound.dst}};
        if (e->scratch > 0) {
            bound.scratch.set_data_handle(scratchpad);
            args.emplace(DNNL_ARG_SCRATCHPAD, bound.scratch);
        }
        (void)threads;  // the caller's CallScope set this thread's OpenMP budget, which oneDNN reads
        e->prim.execute(stream(), args);
        stream().wait();
    } catch (const dnnl::error& err) {
        bound.entry.reset();
        rethrow(err, "s8 matmul");
    }
}

}  // namespace jao::onednn
