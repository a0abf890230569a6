// torchao's packed weights for its KleidiAI path (pytorch/ao 36027d8,
// kai_matmul_clamp_f32_qai8dxp_qsi4c32p::pack_weights + pack_weights_operator): a 64-byte
// header of 16 LE int32 [6712, 3, weight_nbit 4, has_weight_zeros 0, has_bias, nr, kr,
// sr, 0 x 8], then the qsi4c32p bytes of the problem padded to even n. torchao's padding
// rows have unsigned nibble bytes 0 (q = -8), bf16 scale 0 and bias 0; KleidiAI then
// repeats that row up to a multiple of nr. Scales are truncated f32 -> bf16.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kleidiai/kai_layout.h"
#include "kleidiai/kai_packers.h"
#include "jao/jao_kleidiai.h"

namespace jao::kai {
namespace {

constexpr int kHeaderWords = JAO_KAI_TORCHAO_HEADER_SIZE / 4;

Qsi4c32pShape inner(const TorchaoShape& s) { return {round_up(s.n, 2), s.k, s.group_size, s.nr, s.kr, s.sr}; }

bool torchao_kernel_config(int64_t nr, int64_t kr, int64_t sr) {
    return sr == 2 && ((nr == 8 && kr == 16) || (nr == 4 && kr == 16) || (nr == 8 && kr == 8));
}

}  // namespace

void validate(const TorchaoShape& s, const char* fn) {
    require(torchao_kernel_config(s.nr, s.kr, s.sr), fn,
            [&] {
                return "(nr, kr, sr) must be one of torchao's (8, 16, 2), (4, 16, 2), (8, 8, 2), got (" +
                       std::to_string(s.nr) + ", " + std::to_string(s.kr) + ", " + std::to_string(s.sr) + ")";
            });
    require_dim(s.n, "n", fn);
    validate(inner(s), fn);
}

int64_t packed_size(const TorchaoShape& s, const char* fn) {
    validate(s, fn);
    return JAO_KAI_TORCHAO_HEADER_SIZE + packed_size(inner(s), fn);
}

void pack(const TorchaoShape& s, const int8_t* q, const float* scales, const float* bias, uint8_t* dst,
          const char* fn) {
    const int64_t nb = s.k / s.group_size;
    const int32_t header[kHeaderWords] = {JAO_KAI_TORCHAO_MAGIC, JAO_KAI_TORCHAO_TYPE_KLEIDI, 4, 0,
                                          bias ? 1 : 0, s.nr, s.kr, s.sr};
    for (int i = 0; i < kHeaderWords; ++i) store<int32_t>(dst + 4 * i, header[i]);
    pack(inner(s), [&](int64_t row, int8_t* qr, uint16_t* sc, float* b) {
        if (row >= s.n) {  // torchao's even-n padding row
            std::fill(qr, qr + s.k, int8_t{-8});
            std::fill(sc, sc + nb, uint16_t{0});
            *b = 0.0f;
            return;
        }
        std::copy(q + row * s.k, q + (row + 1) * s.k, qr);
        require_int4(qr, s.k, row, fn);
        for (int64_t j = 0; j < nb; ++j) sc[j] = bf16_truncate(scales[row * nb + j]);
        *b = bias ? bias[row] : 0.0f;
    }, dst + JAO_KAI_TORCHAO_HEADER_SIZE);
}

void unpack(const TorchaoShape& s, const uint8_t* src, int64_t src_size, int8_t* q, float* scales, float* bias,
            const char* fn) {
    require(src != nullptr, fn, "src must not be null");
    require_dim(s.n, "n", fn);
    if (src_size < JAO_KAI_TORCHAO_HEADER_SIZE)
        fail(JAO_CORRUPT_DATA, std::string(fn) + ": buffer shorter than the 64-byte torchao header");
    int32_t h[kHeaderWords];
    for (int i = 0; i < kHeaderWords; ++i) h[i] = load<int32_t>(src + 4 * i);
    bool ok = h[0] == JAO_KAI_TORCHAO_MAGIC && h[1] == JAO_KAI_TORCHAO_TYPE_KLEIDI && h[2] == 4 && h[3] == 0 &&
              (h[4] == 0 || h[4] == 1) && torchao_kernel_config(h[5], h[6], h[7]);
    for (int i = 8; i < kHeaderWords; ++i) ok = ok && h[i] == 0;
    if (!ok) fail(JAO_CORRUPT_DATA, std::string(fn) + ": not a torchao kleidi (4-bit qsi4c32p) header");
    TorchaoShape hs = s;
    hs.nr = h[5];
    hs.kr = h[6];
    hs.sr = h[7];
    const int64_t need = packed_size(hs, fn);
    require(src_size >= need, fn,
            [&] { return "src holds " + std::to_string(src_size) + " bytes, needs " + std::to_string(need); });
    const Qsi4c32pShape is = inner(hs);
    const int64_t nb = s.k / s.group_size;
    std::vector<uint16_t> sc(scales ? static_cast<size_t>(is.n * nb) : 0);
    std::vector<float> b(bias ? static_cast<size_t>(is.n) : 0);
    // Unpack the even-n problem, then keep the first n rows (q goes straight to the caller's
    // first n rows: the padding row, if any, lands in a scratch copy).
    std::vector<int8_t> qq(q ? static_cast<size_t>(is.n * s.k) : 0);
    unpack(is, src + JAO_KAI_TORCHAO_HEADER_SIZE, q ? qq.data() : nullptr, scales ? sc.data() : nullptr,
           bias ? b.data() : nullptr);
    if (q) std::copy(qq.begin(), qq.begin() + s.n * s.k, q);
    if (scales)
        for (int64_t i = 0; i < s.n * nb; ++i) {
            const uint32_t u = static_cast<uint32_t>(sc[i]) << 16;
            std::memcpy(scales + i, &u, 4);
        }
    if (bias) {
        if (h[4]) std::copy(b.begin(), b.begin() + s.n, bias);
        else std::fill(bias, bias + s.n, 0.0f);
    }
}

}  // namespace jao::kai
