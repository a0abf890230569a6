// AVX-512 VNNI tier of the intx linear (contract: kernels/ref/intx_kernels.h):
// the tiles of intx_tile_avx512.h by row count, the one-row GEMV on GFNI when
// the CPU has it (intx_gemv_avx512gfni.cpp), and the activation quantizer.
// GCC 12 reports its own _mm512_undefined_*() self-initialisation as "may be
// used uninitialized" once these intrinsics are inlined in large templates.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "core/cpu_features.h"
#include "core/with_nbit.h"
#include "kernels/x86/intx_tile_avx512.h"

namespace jao::kernels::intx {
namespace {

using avx512::tile;

using Fn = void (*)(const IntxLayout&, const uint8_t*, const Act&, int64_t, const TileBlocks&, float*);

// Runs rows [m0, m0+mr) x blocks [b0, b0+nb): one row as tiles over 4 streams of
// consecutive blocks (run_row), more over 2 streams (a GEMV call hands over a
// whole claim; a GEMM call 2 blocks, i.e. 2 streams of one block), each tile's
// prefetch running on into the one after it (kernels/stream_prefetch.h).
template <int NBIT>
void run_tiles(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    if (mr == 1) return avx512::run_row<NBIT, avx512::Unpack::kShiftMask>(L, payload, a, m0, b0, nb, y);
    if (mr > 4) {
        if (mr == 8 && L.groups == 1) {
            for_each_stream_tile<2>(b0, nb, [&](int w, const TileBlocks& t) {
                if (w == 2) tile<NBIT, 8, 2, true>(L, payload, a, m0, t, y);
                else tile<NBIT, 8, 1, true>(L, payload, a, m0, t, y);
            });
            return;
        }
        run_tiles<NBIT>(L, payload, a, m0, 4, b0, nb, y);
        run_tiles<NBIT>(L, payload, a, m0 + 4, mr - 4, b0, nb, y);
        return;
    }
    static constexpr Fn nb1[3] = {tile<NBIT, 2, 1>, tile<NBIT, 3, 1>, tile<NBIT, 4, 1>};
    static constexpr Fn nb2[3] = {tile<NBIT, 2, 2>, tile<NBIT, 3, 2>, tile<NBIT, 4, 2>};
    for_each_stream_tile<2>(b0, nb, [&](int w, const TileBlocks& t) {
        (w == 2 ? nb2[mr - 2] : nb1[mr - 2])(L, payload, a, m0, t, y);
    });
}

}  // namespace

void tile_avx512vnni(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0,
                     int nb, float* y) {
    if (mr == 1 && L.nbit < 8 && core::gfni_usable())
        return gemv_avx512gfni(L, payload, a, m0, b0, nb, y);
    with_nbit(L.nbit, [&](auto nbit) { run_tiles<decltype(nbit)::value>(L, payload, a, m0, mr, b0, nb, y); });
}

void quantize_rows_avx512vnni(const IntxLayout& L, const float* x, int64_t m0, int64_t m1, const Act& a) {
    for (int64_t m = m0; m < m1; ++m) {
        const float* xr = x + m * L.k;
        uint8_t* qr = a.q + m * L.kpad;
        float* info = a.info + m * a.info_stride;
        __m512 vmn = _mm512_set1_ps(xr[0]), vmx = vmn;
        int64_t i = 0;
        for (; i + 16 <= L.k; i += 16) {
            __m512 v = _mm512_loadu_ps(xr + i);
            vmn = _mm512_min_ps(vmn, v);
            vmx = _mm512_max_ps(vmx, v);
        }
        if (i < L.k) {
            const __mmask16 tm = static_cast<__mmask16>((1u << (L.k - i)) - 1u);
            __m512 v = _mm512_mask_loadu_ps(vmn, tm, xr + i);
            vmn = _mm512_min_ps(vmn, v);
            v = _mm512_mask_loadu_ps(vmx, tm, xr + i);
            vmx = _mm512_max_ps(vmx, v);
        }
        const auto [inv, zp] = set_row_qparams(info, _mm512_reduce_min_ps(vmn), _mm512_reduce_max_ps(vmx));
        const __m512 vinv = _mm512_set1_ps(inv), vzp = _mm512_set1_ps(zp);
        const __m512 lo = _mm512_set1_ps(-128.0f), hi = _mm512_set1_ps(127.0f);
        const __m512i v128 = _mm512_set1_epi32(128);
        for (int64_t g = 0; g < L.groups; ++g) {
            const float* xg = xr + g * L.group_size;
            uint8_t* qg = qr + g * L.gpad;
            __m512i sum = _mm512_setzero_si512();
            for (int64_t j = 0; j < L.group_size; j += 16) {
                const int64_t left = L.group_size - j;
                const __mmask16 tm = left >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << left) - 1u);
                __m512 v = _mm512_maskz_loadu_ps(tm, xg + j);
                v = _mm512_mul_ps(v, vinv);
                v = _mm512_roundscale_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
                v = _mm512_add_ps(v, vzp);
                v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
                __m512i q = _mm512_cvtps_epi32(v);
                sum = _mm512_mask_add_epi32(sum, tm, sum, q);
                _mm_mask_storeu_epi8(qg + j, tm, _mm512_cvtepi32_epi8(_mm512_add_epi32(q, v128)));
            }
            if (L.gpad > L.group_size) std::memset(qg + L.group_size, 0, static_cast<size_t>(L.gpad - L.group_size));
            set_info_int(info, kInfoA + g,
                         _mm512_reduce_add_epi32(sum) - static_cast<int32_t>(zp) * static_cast<int32_t>(L.group_size));
        }
    }
}

}  // namespace jao::kernels::intx
