// RHS qsi4cxp: kai_rhs_pack_nxk_qsi4cxp_qs4cxs1s0. 4-bit per-channel weights in the
// nibble interleave of the 4-bit formats over k32 columns; sums are 16 * sum(q) and
// scales are stored as scale / 16 (the kernels work on q << 4).
#include "kleidiai/rhs_channel.h"

namespace jao::kai {
namespace {

struct Qsi4Format {
    static constexpr int kSr = 2;
    static constexpr int64_t kSumFactor = 16;
    static constexpr float kScaleFactor = 0.0625f;
    static int64_t data_bytes(int64_t k32) { return k32 / 2; }
    static void check_row(const int8_t* q, int64_t k, int64_t row, const char* fn) { require_int4(q, k, row, fn); }
    static void put_row(uint8_t* panel, const int8_t* q, int64_t k32, int r, const Qsi4cxpShape& s) {
        for (int64_t c = 0; c < k32 / 32; ++c)
            put_nibble_chunk(panel + c * 16 * s.nr, q + c * 32, r, s.nr, s.kr / s.sr, [](int32_t) {});
    }
    static void get_row(const uint8_t* panel, int8_t* q, int64_t k32, int r, const Qsi4cxpShape& s) {
        for (int64_t c = 0; c < k32 / 32; ++c) get_nibble_chunk(panel + c * 16 * s.nr, q + c * 32, r, s.nr, s.kr / s.sr);
    }
};
using Impl = ChannelRhs<Qsi4Format>;

}  // namespace

void validate(const Qsi4cxpShape& s, const char* fn) { Impl::validate(s, fn); }
int64_t packed_size(const Qsi4cxpShape& s, const char* fn) {
    Impl::validate(s, fn);
    return Impl::panels(s).size(fn);
}
void pack(const Qsi4cxpShape& s, const ChannelRows& rows, uint8_t* dst) { Impl::pack(s, rows, dst, "jao_kai_rhs_qsi4cxp_pack"); }
void unpack(const Qsi4cxpShape& s, const uint8_t* src, int8_t* q, float* scales, float* bias) {
    Impl::unpack(s, src, q, scales, bias);
}

}  // namespace jao::kai
