// Target 5: the matmul over KleidiAI's packed operands (jao_kai_matmul_f32_*,
// jao_kai_aten_dyn_quant_matmul_4bit) and over ATen's fallback buffer (jao_aten.h:
// packed from fuzzed nibbles / scales / bias, sometimes with one element replaced by a
// fuzzed float, so corrupt nibble floats reach the matmul too). Fuzzed shapes and (mr, nr, kr, sr), operand
// buffers of fuzzed bytes (any byte is a valid int8 / nibble / float, so the kernels
// must cope with garbage scales, sums and zero points) sized exactly at, or just
// below, the packed sizes, fuzzed y strides and clamps, at a fuzzed ISA tier.
// Contract: documented statuses only, a message with every failure, no read past a
// buffer (ASan), and an accepted call writes only n values per y row.
#include "fuzz_util.h"
#include "jao/jao_aten.h"
#include "jao/jao_kleidiai.h"

namespace {

using namespace jao_fuzz;

enum Format { kQsi4c32p, kQsi4cxp, kQsi8cxp };

// The packed sizes the operands must have; false when the shape is refused or too big.
bool sizes(int fmt, int64_t m, int64_t n, int64_t k, int64_t bl, int32_t mr, int32_t nr, int32_t kr, int32_t sr,
           int64_t* lhs, int64_t* rhs) {
    if (jao_kai_lhs_qai8dxp_packed_size(m, k, mr, kr, sr, lhs) != JAO_OK) return false;
    jao_status st = fmt == kQsi4c32p ? jao_kai_rhs_qsi4c32p_packed_size(n, k, bl, nr, kr, sr, rhs)
                    : fmt == kQsi4cxp ? jao_kai_rhs_qsi4cxp_packed_size(n, k, nr, kr, sr, rhs)
                                      : jao_kai_rhs_qsi8cxp_packed_size(n, k, nr, kr, sr, rhs);
    return st == JAO_OK && *lhs <= kMaxBytes && *rhs <= kMaxBytes && bounded(m, k) >= 0 && bounded(n, k) >= 0;
}

void fuzz_matmul(FuzzedDataProvider& f) {
    const int fmt = f.ConsumeIntegralInRange<int>(0, 2);
    const int64_t m = dim(f, 1, kMaxRows), n = dim(f, 1, 40), k = dim(f, 1, 300), bl = dim(f, 32, 128);
    static const int32_t nrs[] = {4, 8, 12, 16, 0, 3, 260}, krs[] = {4, 8, 16, 2, 32};
    const int32_t mr = choice(f, 1, 8), nr = f.PickValueInArray(nrs), kr = f.PickValueInArray(krs);
    const int32_t sr = choice(f, 1, 2);
    int64_t lsize = 0, rsize = 0;
    const bool fits = sizes(fmt, m, n, k, bl, mr, nr, kr, sr, &lsize, &rsize);
    // Accepted shapes get exact-size (sometimes one byte short) buffers; others small ones.
    const int64_t lhave = fits ? lsize - f.ConsumeIntegralInRange<int>(0, 1) : 64;
    const int64_t rhave = fits ? rsize - f.ConsumeIntegralInRange<int>(0, 1) : 64;
    std::vector<uint8_t> lhs = bytes(f, size_t(lhave)), rhs = bytes(f, size_t(rhave));
    const int64_t rows = fits ? m : 1, cols = fits ? n : 1;
    const int64_t stride = cols + f.ConsumeIntegralInRange<int64_t>(-1, 3);
    const int64_t y_elems = bounded(rows, stride > 0 ? stride : 1);
    std::vector<float> y(size_t(y_elems > 0 ? y_elems : 1), 7.0f);
    const float lo = f.ConsumeBool() ? -3.4e38f : any_float(f), hi = f.ConsumeBool() ? 3.4e38f : any_float(f);
    float* out = f.ConsumeIntegralInRange<int>(0, 15) == 0 ? nullptr : y.data();
    pick_isa(f);
    const jao_status st =
        fmt == kQsi4c32p
            ? JAO_FUZZ_CALL(jao_kai_matmul_f32_qai8dxp_qsi4c32p, m, n, k, bl, mr, nr, kr, sr, lhs.data(), lhave,
                            rhs.data(), rhave, out, stride, lo, hi)
        : fmt == kQsi4cxp
            ? JAO_FUZZ_CALL(jao_kai_matmul_f32_qai8dxp_qsi4cxp, m, n, k, mr, nr, kr, sr, lhs.data(), lhave, rhs.data(),
                            rhave, out, stride, lo, hi)
            : JAO_FUZZ_CALL(jao_kai_matmul_f32_qai8dxp_qsi8cxp, m, n, k, mr, nr, kr, sr, lhs.data(), lhave,
                            rhs.data(), rhave, out, stride, lo, hi);
    if (st != JAO_OK) return;
    check(fits && lhave == lsize && rhave == rsize && out && stride >= n, "run accepted a bad call");
    for (int64_t i = 0; i < m; ++i)
        for (int64_t j = n; j < stride; ++j) check(y[size_t(i * stride + j)] == 7.0f, "write past n in a y row");
}

// The fallback buffer of the same shape: packed, maybe corrupted, then multiplied.
void fuzz_aten_fallback(FuzzedDataProvider& f, int64_t m, int64_t n, int64_t k, int64_t bs) {
    const int32_t has_bias = f.ConsumeBool();
    int64_t size = 0;
    const bool fits = jao_aten_dyn_quant_4bit_fallback_packed_size(n, k, bs, has_bias, &size) == JAO_OK &&
                      size <= kMaxBytes && bounded(m, k) >= 0 && bounded(m, n) >= 0;
    if (!fits) return;
    const std::vector<uint8_t> w = bytes(f, size_t(n * k / 2));
    const std::vector<float> scales = values<float>(f, n * (k / bs), any_float), bias = values<float>(f, n, any_float);
    const std::vector<float> x = values<float>(f, m * k, any_float);
    std::vector<float> packed(size_t(size / 4));
    JAO_FUZZ_CALL(jao_aten_dyn_quant_4bit_fallback_pack, n, k, bs, w.data(), scales.data(), JAO_KAI_SCALE_F32,
                  has_bias ? bias.data() : nullptr, packed.data(), size);
    if (f.ConsumeBool()) packed[f.ConsumeIntegralInRange<size_t>(0, packed.size() - 1)] = any_float(f);
    const int64_t have = size - 4 * f.ConsumeIntegralInRange<int>(0, 1);
    std::vector<float> y(size_t(m * n));
    const jao_status st = JAO_FUZZ_CALL(jao_aten_dyn_quant_matmul_4bit_fallback, m, n, k, bs, has_bias, x.data(),
                                        packed.data(), have, y.data());
    if (st == JAO_OK) check(have == size, "aten fallback run accepted a short buffer");
}

void fuzz_aten(FuzzedDataProvider& f) {
    const int64_t m = dim(f, 1, kMaxRows), n = dim(f, 1, 40), k = dim(f, 2, 256);  // odd k: refused
    const int64_t bs = f.ConsumeBool() ? k : dim(f, 32, 128);
    int64_t size = 0;
    const bool fits = jao_kai_aten_dyn_quant_4bit_packed_size(n, k, bs, &size) == JAO_OK && size <= kMaxBytes &&
                      bounded(m, k) >= 0 && bounded(m, n) >= 0;
    const int64_t have = fits ? size - f.ConsumeIntegralInRange<int>(0, 1) : 64;
    std::vector<uint8_t> packed = bytes(f, size_t(have));
    std::vector<float> x = values<float>(f, fits ? m * k : 1, any_float);
    std::vector<float> y(size_t(fits ? m * n : 1));
    pick_isa(f);
    const jao_status st =
        JAO_FUZZ_CALL(jao_kai_aten_dyn_quant_matmul_4bit, m, n, k, bs, x.data(), packed.data(), have, y.data());
    if (st == JAO_OK) check(fits && have == size, "aten run accepted a bad call");
    fuzz_aten_fallback(f, m, n, k, bs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider f(data, size);
    if (f.ConsumeBool()) fuzz_matmul(f);
    else fuzz_aten(f);
    return 0;
}
