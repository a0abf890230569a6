// Activation quantization of the int8 x int8 linear, written once over a
// vector-traits class V (contract: kernels/ref/int8_kernels.h, quantize_ref).
// Included only by the tier files (x86/int8_linear_{avx2,avx512vnni}.cpp,
// arm/int8_quant_neon.cpp), which compile it with their own flags and
// instantiate it with their traits.
//
// V provides: F, I (kLanes fp32 / int32 lanes); set1, load (lanes past `left`
// read as 0), round_bf16 (RNE, NaN kept: affine::round_bf16 per lane), mul,
// add, rint (half to even), min, max; to_int (lanes past `left` set to 0),
// add_i, reduce_add, store_q (the first min(left, kLanes) lanes as int8).
#pragma once

#include <cstdint>
#include <cstring>

#include "kernels/ref/int8_kernels.h"

namespace jao::kernels::int8 {

template <class V>
void quantize_rows(const float* x, int64_t k, int64_t r0, int64_t r1, const ActQuant& s, const Act& a) {
    const typename V::F lo = V::set1(static_cast<float>(s.qmin)), hi = V::set1(static_cast<float>(s.qmax));
    for (int64_t r = r0; r < r1; ++r) {
        int8_t* q = a.q + r * a.stride;
        if (a.bad[r]) {
            std::memset(q, 0, static_cast<size_t>(a.stride));
            a.asum[r] = 0;
            continue;
        }
        const float* row = x + r * k;
        const typename V::F inv = V::set1(a.inv[r]), zp = V::set1(a.zp[r]);
        typename V::I sum = V::set1_i(0);
        for (int64_t i = 0; i < k; i += V::kLanes) {
            const int64_t left = k - i;
            typename V::F v = V::load(row + i, left);
            if (s.bf16) v = V::round_bf16(v);  // act_value
            v = V::add(V::rint(V::mul(v, inv)), zp);
            v = V::min(V::max(v, lo), hi);  // NaN (only from a NaN scale) -> qmin, as fmax / fmin in quantize_one
            const typename V::I iv = V::to_int(v, left);
            sum = V::add_i(sum, iv);
            V::store_q(q + i, iv, left);
        }
        std::memset(q + k, 0, static_cast<size_t>(a.stride - k));
        a.asum[r] = V::reduce_add(sum);
    }
}

}  // namespace jao::kernels::int8
