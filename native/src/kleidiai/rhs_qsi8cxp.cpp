// RHS qsi8cxp: kai_rhs_pack_nxk_qsi8cxp_qsi8cx_neon (plain C despite the name), sr = 1,
// lhs_zero_point 1. int8 per-channel weights in kr-wide chunks, row after row, over k32
// columns; sums are sum(q); scales are copied.
#include "kleidiai/rhs_channel.h"

namespace jao::kai {
namespace {

struct Qsi8Format {
    static constexpr int kSr = 1;
    static constexpr int64_t kSumFactor = 1;
    static constexpr float kScaleFactor = 1.0f;
    static int64_t data_bytes(int64_t k32) { return k32; }
    static void check_row(const int8_t*, int64_t, int64_t, const char*) {}
    static void put_row(uint8_t* panel, const int8_t* q, int64_t k32, int r, const Qsi8cxpShape& s) {
        for (int64_t c = 0; c < k32; ++c) panel[byte_interleave(c, r, s.nr, s.kr)] = static_cast<uint8_t>(q[c]);
    }
    static void get_row(const uint8_t* panel, int8_t* q, int64_t k32, int r, const Qsi8cxpShape& s) {
        for (int64_t c = 0; c < k32; ++c) q[c] = static_cast<int8_t>(panel[byte_interleave(c, r, s.nr, s.kr)]);
    }
};
using Impl = ChannelRhs<Qsi8Format>;

}  // namespace

void validate(const Qsi8cxpShape& s, const char* fn) { Impl::validate(s, fn); }
int64_t packed_size(const Qsi8cxpShape& s, const char* fn) {
    Impl::validate(s, fn);
    return Impl::panels(s).size(fn);
}
void pack(const Qsi8cxpShape& s, const ChannelRows& rows, uint8_t* dst) { Impl::pack(s, rows, dst, "jao_kai_rhs_qsi8cxp_pack"); }
void unpack(const Qsi8cxpShape& s, const uint8_t* src, int8_t* q, float* scales, float* bias) {
    Impl::unpack(s, src, q, scales, bias);
}

}  // namespace jao::kai
