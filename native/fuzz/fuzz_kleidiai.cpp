// Target 4: the KleidiAI packers (jao_kleidiai.h). For each layout: packed_size with
// fuzzed shapes and (nr, kr, sr); pack of fuzzed tensors and unpack of the result
// (a round trip); unpack of fuzzed bytes of the right size; torchao's 64-byte header
// parsed from fuzzed / mutated bytes; too small buffers and oversized shapes refused.
#include "fuzz_util.h"
#include "jao/jao_kleidiai.h"

namespace {

using namespace jao_fuzz;

// One call's arguments. rows = n (RHS) or m (LHS); bl = block / group size.
struct Shape {
    int64_t rows, k, bl;
    int32_t nr, kr, sr;
};

// Plain tensors of one layout as bytes (their element types differ per layout).
struct Tensors {
    std::vector<uint8_t> q, scales;
    std::vector<float> bias;
    int32_t scale_type = JAO_KAI_SCALE_F32;  // ATen only
};

int64_t groups(const Shape& s) { return s.bl > 0 ? s.k / s.bl : 0; }
int64_t aten_scale_bytes(const Shape& s, int32_t) { return s.bl == s.k ? 4 * s.rows : 2 * s.rows * groups(s); }

// A layout: size / pack / unpack over Shape + Tensors, tensor sizes, round-trip rule.
struct Layout {
    const char* name;
    jao_status (*size)(const Shape&, int64_t*);
    jao_status (*pack)(const Shape&, const Tensors&, void*, int64_t);
    jao_status (*unpack)(const Shape&, const void*, int64_t, Tensors&);
    int64_t (*q_bytes)(const Shape&);
    int64_t (*scale_bytes)(const Shape&, int32_t scale_type);
    bool int4;           // q values must be in [-8, 7]
    bool exact_scales;   // unpack returns the packed scale bytes unchanged
};

template <class T>
T* as(std::vector<uint8_t>& v) { return v.empty() ? nullptr : reinterpret_cast<T*>(v.data()); }
template <class T>
const T* as(const std::vector<uint8_t>& v) { return v.empty() ? nullptr : reinterpret_cast<const T*>(v.data()); }

int64_t nk(const Shape& s) { return s.rows * s.k; }

const Layout kLayouts[] = {
    {"qsi4c32p",
     [](const Shape& s, int64_t* z) { return jao_kai_rhs_qsi4c32p_packed_size(s.rows, s.k, s.bl, s.nr, s.kr, s.sr, z); },
     [](const Shape& s, const Tensors& t, void* d, int64_t z) {
         return jao_kai_rhs_qsi4c32p_pack(s.rows, s.k, s.bl, s.nr, s.kr, s.sr, as<int8_t>(t.q), as<uint16_t>(t.scales),
                                          ptr(t.bias), d, z);
     },
     [](const Shape& s, const void* src, int64_t z, Tensors& t) {
         return jao_kai_rhs_qsi4c32p_unpack(s.rows, s.k, s.bl, s.nr, s.kr, s.sr, src, z, as<int8_t>(t.q),
                                            as<uint16_t>(t.scales), ptr(t.bias));
     },
     nk, [](const Shape& s, int32_t) { return 2 * s.rows * groups(s); }, true, true},
    {"qsi4cxp",
     [](const Shape& s, int64_t* z) { return jao_kai_rhs_qsi4cxp_packed_size(s.rows, s.k, s.nr, s.kr, s.sr, z); },
     [](const Shape& s, const Tensors& t, void* d, int64_t z) {
         return jao_kai_rhs_qsi4cxp_pack(s.rows, s.k, s.nr, s.kr, s.sr, as<int8_t>(t.q), as<float>(t.scales),
                                         ptr(t.bias), d, z);
     },
     [](const Shape& s, const void* src, int64_t z, Tensors& t) {
         return jao_kai_rhs_qsi4cxp_unpack(s.rows, s.k, s.nr, s.kr, s.sr, src, z, as<int8_t>(t.q), as<float>(t.scales),
                                           ptr(t.bias));
     },
     nk, [](const Shape& s, int32_t) { return 4 * s.rows; }, true, false},
    {"qsi8cxp",
     [](const Shape& s, int64_t* z) { return jao_kai_rhs_qsi8cxp_packed_size(s.rows, s.k, s.nr, s.kr, s.sr, z); },
     [](const Shape& s, const Tensors& t, void* d, int64_t z) {
         return jao_kai_rhs_qsi8cxp_pack(s.rows, s.k, s.nr, s.kr, s.sr, as<int8_t>(t.q), as<float>(t.scales),
                                         ptr(t.bias), d, z);
     },
     [](const Shape& s, const void* src, int64_t z, Tensors& t) {
         return jao_kai_rhs_qsi8cxp_unpack(s.rows, s.k, s.nr, s.kr, s.sr, src, z, as<int8_t>(t.q), as<float>(t.scales),
                                           ptr(t.bias));
     },
     nk, [](const Shape& s, int32_t) { return 4 * s.rows; }, false, false},
    {"torchao",
     [](const Shape& s, int64_t* z) {
         return jao_kai_torchao_qsi4c32p_packed_size(s.rows, s.k, s.bl, s.nr, s.kr, s.sr, z);
     },
     [](const Shape& s, const Tensors& t, void* d, int64_t z) {
         return jao_kai_torchao_qsi4c32p_pack(s.rows, s.k, s.bl, s.nr, s.kr, s.sr, as<int8_t>(t.q),
                                              as<float>(t.scales), ptr(t.bias), d, z);
     },
     [](const Shape& s, const void* src, int64_t z, Tensors& t) {
         return jao_kai_torchao_qsi4c32p_unpack(s.rows, s.k, s.bl, src, z, as<int8_t>(t.q), as<float>(t.scales),
                                                ptr(t.bias));
     },
     nk, [](const Shape& s, int32_t) { return 4 * s.rows * groups(s); }, true, false},
    {"aten",
     [](const Shape& s, int64_t* z) { return jao_kai_aten_dyn_quant_4bit_packed_size(s.rows, s.k, s.bl, z); },
     [](const Shape& s, const Tensors& t, void* d, int64_t z) {
         return jao_kai_aten_dyn_quant_4bit_pack(s.rows, s.k, s.bl, as<uint8_t>(t.q), as<uint8_t>(t.scales),
                                                 t.scale_type, ptr(t.bias), d, z);
     },
     [](const Shape& s, const void* src, int64_t z, Tensors& t) {
         return jao_kai_aten_dyn_quant_4bit_unpack(s.rows, s.k, s.bl, src, z, as<uint8_t>(t.q), as<uint8_t>(t.scales),
                                                   ptr(t.bias));
     },
     [](const Shape& s) { return s.rows * (s.k / 2); }, aten_scale_bytes, false, true},
};

Shape shape(FuzzedDataProvider& f, bool torchao) {
    static const int32_t torchao_cfg[][3] = {{8, 16, 2}, {4, 16, 2}, {8, 8, 2}};
    Shape s{};
    s.rows = dim(f, 1, 40);
    s.bl = f.ConsumeBool() ? 32 * f.ConsumeIntegralInRange<int64_t>(1, 4) : dim(f, 1, 160);
    s.k = f.ConsumeBool() && s.bl > 0 && s.bl < 1024 ? s.bl * f.ConsumeIntegralInRange<int64_t>(1, 4) : dim(f, 1, 300);
    if (torchao && f.ConsumeBool()) {
        const auto& c = torchao_cfg[f.ConsumeIntegralInRange<int>(0, 2)];
        s.nr = c[0], s.kr = c[1], s.sr = c[2];
    } else {
        s.nr = f.ConsumeBool() ? 4 * f.ConsumeIntegralInRange<int32_t>(1, 16) : choice(f, -4, 300);
        s.kr = f.ConsumeBool() ? 4 << f.ConsumeIntegralInRange<int32_t>(0, 2) : choice(f, 0, 32);
        s.sr = choice(f, 1, 2);
    }
    return s;
}

Tensors inputs(const Layout& L, const Shape& s, FuzzedDataProvider& f, int32_t scale_type) {
    const bool valid = f.ConsumeIntegralInRange<int>(0, 7) != 0;
    Tensors t;
    t.scale_type = scale_type;
    t.q = values<uint8_t>(f, L.q_bytes(s), [&](FuzzedDataProvider& g) {
        return static_cast<uint8_t>(L.int4 && valid ? g.ConsumeIntegralInRange<int>(-8, 7) : g.ConsumeIntegral<int8_t>());
    });
    t.scales = bytes(f, static_cast<size_t>(L.scale_bytes(s, scale_type)));
    if (f.ConsumeBool()) t.bias = values<float>(f, s.rows, any_float);
    return t;
}

Tensors outputs(const Layout& L, const Shape& s, int32_t scale_type) {
    Tensors t;
    t.q.resize(static_cast<size_t>(L.q_bytes(s)));
    t.scales.resize(static_cast<size_t>(L.scale_bytes(s, scale_type)));
    t.bias.resize(static_cast<size_t>(s.rows));
    return t;
}

void fuzz_rhs(const Layout& L, FuzzedDataProvider& f) {
    const Shape s = shape(f, L.name[0] == 't');
    const int32_t scale_type = choice(f, 0, 1);
    int64_t need = -1;
    const jao_status ss = JAO_FUZZ_CALL(L.size, s, &need);
    const int64_t elems = bounded(s.rows, s.k);
    if (ss != JAO_OK || need > kMaxBytes || elems < 0 || groups(s) < 1) {
        // Invalid or not allocatable: one-byte tensors and a too small buffer.
        Tensors tiny{{0}, {0, 0, 0, 0}, {}, scale_type};
        std::vector<uint8_t> buf(static_cast<size_t>(ss == JAO_OK ? std::min<int64_t>(need - 1, 256) : 256));
        check(JAO_FUZZ_CALL(L.pack, s, tiny, buf.data(), static_cast<int64_t>(buf.size())) != JAO_OK,
              "pack accepted an invalid or oversized request", L.name);
        check(JAO_FUZZ_CALL(L.unpack, s, buf.data(), static_cast<int64_t>(buf.size()), tiny) != JAO_OK,
              "unpack accepted an invalid or oversized request", L.name);
        return;
    }
    const Tensors in = inputs(L, s, f, scale_type);
    const int64_t cap = std::max<int64_t>(0, need + f.ConsumeIntegralInRange<int64_t>(-2, 32));
    std::vector<uint8_t> dst(static_cast<size_t>(cap), 0xA5);
    const jao_status sp = JAO_FUZZ_CALL(L.pack, s, in, ptr(dst), cap);
    if (cap < need) check(sp != JAO_OK, "pack accepted a too small dst", L.name);
    Tensors out = outputs(L, s, scale_type);
    if (sp == JAO_OK) {
        for (int64_t i = need; i < cap; ++i) check(dst[static_cast<size_t>(i)] == 0xA5, "pack wrote past its size", L.name);
        check(JAO_FUZZ_CALL(L.unpack, s, dst.data(), cap, out) == JAO_OK, "unpack(pack) failed", L.name);
        check(out.q == in.q, "unpack(pack(q)) != q", L.name);
        // ATen's channelwise buffers are qsi4cxp ones: scales stored / 16, not exact.
        const bool channelwise = std::strcmp(L.name, "aten") == 0 && s.bl == s.k;
        if (L.exact_scales && !channelwise) check(out.scales == in.scales, "unpack(pack(scales)) != scales", L.name);
        if (!in.bias.empty())
            check(std::memcmp(in.bias.data(), out.bias.data(), 4 * in.bias.size()) == 0, "bias differs", L.name);
    }
    // Fuzzed bytes (torchao: behind a valid or mutated header) through unpack.
    if (dst.size() >= 64 && L.name[0] == 't' && sp == JAO_OK) {
        for (int i = f.ConsumeIntegralInRange<int>(0, 3); i > 0; --i)
            dst[f.ConsumeIntegralInRange<size_t>(0, 63)] ^= f.ConsumeIntegralInRange<uint8_t>(1, 255);
    } else {
        std::vector<uint8_t> junk = bytes(f, dst.size());
        dst.swap(junk);
    }
    const int64_t len = f.ConsumeBool() ? cap : f.ConsumeIntegralInRange<int64_t>(0, cap);
    std::vector<uint8_t> exact(dst.begin(), dst.begin() + len);
    const jao_status su = JAO_FUZZ_CALL(L.unpack, s, ptr(exact), len, out);
    check(len < need || L.name[0] == 't' || su == JAO_OK, "unpack refused bytes of the right size", L.name);
}

void fuzz_lhs(FuzzedDataProvider& f) {
    const Shape s = shape(f, false);
    const int64_t stride = f.ConsumeBool() ? s.k : dim(f, 0, 400);
    int64_t need = -1;
    const jao_status ss = JAO_FUZZ_CALL(jao_kai_lhs_qai8dxp_packed_size, s.rows, s.k, s.nr, s.kr, s.sr, &need);
    const int64_t xs = bounded(s.rows, std::max<int64_t>(stride, 0));
    if (ss != JAO_OK || need > kMaxBytes || xs < 0 || bounded(s.rows, s.k) < 0) {
        float x = 0;
        uint8_t buf[256];
        const int64_t cap = ss == JAO_OK ? std::min<int64_t>(need - 1, 256) : 256;
        check(JAO_FUZZ_CALL(jao_kai_lhs_qai8dxp_pack, s.rows, s.k, s.nr, s.kr, s.sr, &x, stride, buf, cap) != JAO_OK,
              "qai8dxp pack accepted an invalid or oversized request");
        return;
    }
    // x holds rows - 1 strides plus the last row's k values (stride may be < k: refused).
    const int64_t xlen = stride >= s.k ? (s.rows - 1) * stride + s.k : 1;
    std::vector<float> x = values<float>(f, xlen, any_float);
    const int64_t cap = std::max<int64_t>(0, need + f.ConsumeIntegralInRange<int64_t>(-2, 16));
    std::vector<uint8_t> dst(static_cast<size_t>(cap));
    const jao_status sp =
        JAO_FUZZ_CALL(jao_kai_lhs_qai8dxp_pack, s.rows, s.k, s.nr, s.kr, s.sr, x.data(), stride, ptr(dst), cap);
    if (cap < need || stride < s.k) check(sp != JAO_OK, "qai8dxp pack accepted a bad stride or dst");
    if (sp != JAO_OK) dst = bytes(f, dst.size());
    std::vector<int8_t> q(static_cast<size_t>(s.rows * s.k));
    std::vector<int32_t> nzp(static_cast<size_t>(s.rows));
    std::vector<float> inv(static_cast<size_t>(s.rows));
    const jao_status su = JAO_FUZZ_CALL(jao_kai_lhs_qai8dxp_unpack, s.rows, s.k, s.nr, s.kr, s.sr, ptr(dst), cap,
                                        q.data(), nzp.data(), inv.data());
    check(cap < need || su == JAO_OK, "qai8dxp unpack refused a buffer of the right size");
}

void fuzz_bf16(FuzzedDataProvider& f) {
    const int64_t count = dim(f, 0, 64);
    const int32_t rounding = choice(f, 0, 1);
    if (count < 0) {
        float x = 0;
        uint16_t y = 0;
        check(JAO_FUZZ_CALL(jao_kai_bf16_from_f32, count, &x, rounding, &y) != JAO_OK,
              "bf16_from_f32 accepted a negative count");
        return;
    }
    if (count > kMaxElems) return;  // valid, too large to allocate
    std::vector<float> x = values<float>(f, count, any_float);
    std::vector<uint16_t> y(static_cast<size_t>(count));
    JAO_FUZZ_CALL(jao_kai_bf16_from_f32, count, ptr(x), rounding, ptr(y));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider f(data, size);
    const int which = f.ConsumeIntegralInRange<int>(0, static_cast<int>(std::size(kLayouts)) + 1);
    if (which < static_cast<int>(std::size(kLayouts))) fuzz_rhs(kLayouts[which], f);
    else if (which == static_cast<int>(std::size(kLayouts))) fuzz_lhs(f);
    else fuzz_bf16(f);
    return 0;
}
