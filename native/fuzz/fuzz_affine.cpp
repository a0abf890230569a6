// Target 3: the affine primitives (jao_affine.h): choose_qparams, quantize,
// dequantize, fake_quantize_backward and hqq_scale_only with fuzzed parameters,
// inputs (NaN, inf, subnormals, raw bf16 / f16 bits) and scales / zero points,
// both fuzzed and as chosen by choose_qparams.
#include <iterator>

#include "fuzz_util.h"
#include "jao/jao_affine.h"

namespace {

using namespace jao_fuzz;

int64_t elem_bytes(int32_t type) { return type == JAO_BF16 || type == JAO_F16 ? 2 : 4; }

// Elements of a float tensor of `type`: raw bits, so 16-bit types get every pattern.
std::vector<uint8_t> tensor(FuzzedDataProvider& f, int64_t count, int32_t type) {
    if (elem_bytes(type) == 2) return bytes(f, static_cast<size_t>(2 * count));
    std::vector<float> v = values<float>(f, count, any_float);
    std::vector<uint8_t> b(static_cast<size_t>(4 * count));
    if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
    return b;
}

jao_affine_params params(FuzzedDataProvider& f) {
    static const int32_t ranges[][2] = {{-8, 7}, {0, 15}, {-128, 127}, {0, 255}, {-1, 0}, {-2, 1}, {0, 1}, {-64, 63}};
    jao_affine_params p{};
    p.rows = dim(f, 1, 16);
    p.cols = dim(f, 1, 96);
    p.group_size = f.ConsumeBool() && p.cols > 0 ? p.cols / f.ConsumeIntegralInRange<int64_t>(1, std::min<int64_t>(p.cols, 8))
                                                 : dim(f, 1, 96);
    p.input_type = choice(f, 0, 2);
    p.scale_type = choice(f, 0, 2);
    p.mapping = choice(f, 0, 2);
    if (f.ConsumeBool()) {
        const auto& r = ranges[f.ConsumeIntegralInRange<size_t>(0, std::size(ranges) - 1)];
        p.quant_min = r[0];
        p.quant_max = r[1];
    } else {
        p.quant_min = choice(f, -130, 260);
        p.quant_max = choice(f, -130, 260);
    }
    p.preserve_zero = choice(f, 0, 1);
    p.zero_point_domain = choice(f, 0, 2);
    p.eps = f.ConsumeBool() ? 1.17549435e-38f : any_float(f);
    return p;
}

// Shapes no valid call could have: every entry must refuse them (tiny buffers given).
bool surely_invalid(const jao_affine_params& p) {
    int64_t unused;
    return p.rows < 1 || p.cols < 1 || p.group_size < 1 || p.cols % p.group_size != 0 ||
           __builtin_mul_overflow(p.rows, p.cols, &unused);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider f(data, size);
    const jao_affine_params p = params(f);
    const int64_t count = bounded(p.rows, p.cols);
    if (count < 0 || p.group_size < 1 || p.cols % p.group_size != 0) {
        if (!surely_invalid(p)) return 0;  // valid but too large to allocate
        uint8_t x[4] = {};
        float s = 1, z = 0, g = 0, y = 0;
        int8_t q = 0;
        check(JAO_FUZZ_CALL(jao_affine_choose_qparams, &p, x, &s, &z) != JAO_OK, "choose_qparams: bad shape");
        check(JAO_FUZZ_CALL(jao_affine_quantize, &p, x, &s, &z, &q) != JAO_OK, "quantize: bad shape");
        check(JAO_FUZZ_CALL(jao_affine_dequantize, &p, &q, &s, &z, JAO_F32, &y) != JAO_OK, "dequantize: bad shape");
        check(JAO_FUZZ_CALL(jao_affine_fake_quantize_backward, &p, x, &s, &z, &g, &y) != JAO_OK, "backward: bad shape");
        check(JAO_FUZZ_CALL(jao_affine_hqq_scale_only, &p, x, &s, &q) != JAO_OK, "hqq: bad shape");
        return 0;
    }
    const int64_t groups = p.rows * (p.cols / p.group_size);
    std::vector<uint8_t> x = tensor(f, count, p.input_type);
    std::vector<float> scales(static_cast<size_t>(groups)), zps(static_cast<size_t>(groups));
    const bool with_zp = f.ConsumeIntegralInRange<int>(0, 7) != 0;
    jao_status chosen = JAO_FUZZ_CALL(jao_affine_choose_qparams, &p, x.data(), scales.data(),
                                      with_zp ? zps.data() : nullptr);
    if (chosen != JAO_OK || f.ConsumeIntegralInRange<int>(0, 3) == 0) {  // the primitives take any scales
        scales = values<float>(f, groups, any_float);
        zps = values<float>(f, groups, any_float);
    }
    float* zp = with_zp ? zps.data() : nullptr;
    std::vector<int8_t> q(static_cast<size_t>(count));
    if (JAO_FUZZ_CALL(jao_affine_quantize, &p, x.data(), scales.data(), zp, q.data()) != JAO_OK)
        q = values<int8_t>(f, count, [](FuzzedDataProvider& g) { return g.ConsumeIntegral<int8_t>(); });

    const int32_t out_type = choice(f, 0, 2);
    std::vector<uint8_t> y(static_cast<size_t>(count * elem_bytes(out_type)));
    JAO_FUZZ_CALL(jao_affine_dequantize, &p, q.data(), scales.data(), zp, out_type, y.data());

    std::vector<float> grad_y = values<float>(f, count, any_float);
    std::vector<uint8_t> grad_x(static_cast<size_t>(count * elem_bytes(p.input_type)));
    JAO_FUZZ_CALL(jao_affine_fake_quantize_backward, &p, x.data(), scales.data(), zp, grad_y.data(), grad_x.data());

    JAO_FUZZ_CALL(jao_affine_hqq_scale_only, &p, x.data(), scales.data(), q.data());
    return 0;
}
