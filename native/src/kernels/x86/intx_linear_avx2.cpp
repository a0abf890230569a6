// AVX2 tier of the intx linear (contract: kernels/ref/intx_kernels.h). Same
// packed layout as the VNNI tier; each 64-byte weight vector is two ymm halves
// (columns 0-7, 8-15). u8 x s8 quads use vpmaddubsw + vpmaddwd; for 8-bit
// weights the activation is split as 2*(u>>1) + (u&1) so vpmaddubsw cannot
// saturate. 16 ymm registers: tiles of 1-2 rows x 16 columns.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "core/with_nbit.h"
#include "kernels/x86/activation_quad.h"
#include "kernels/x86/intx_linear.h"

namespace jao::kernels::intx {
namespace {

using pack::kChunkK;
using pack::kNr;
using pack::kVecBytes;

template <int NBIT, int V, int H>
inline __m256i unpack_half(const uint8_t* chunk, __m256i sub) {
    const uint8_t* base = chunk + H * 32;
    if constexpr (NBIT == 8) {
        return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(base + V * kVecBytes));
    } else {
        constexpr pack::BitPieces ps = pack::bit_pieces(NBIT);
        __m256i u = _mm256_setzero_si256();
        [&]<int... P>(std::integer_sequence<int, P...>) {
            (([&] {
                 constexpr pack::BitPiece bp = ps.piece[P];
                 constexpr int per = 8 / bp.width;
                 constexpr int s = (V % per) * bp.width;
                 constexpr int mask = ((1 << bp.width) - 1) << bp.shift;
                 __m256i plane =
                     _mm256_loadu_si256(reinterpret_cast<const __m256i*>(base + (bp.plane_base + V / per) * kVecBytes));
                 __m256i f;
                 if constexpr (s > bp.shift)
                     f = _mm256_srli_epi16(plane, s - bp.shift);
                 else if constexpr (s < bp.shift)
                     f = _mm256_slli_epi16(plane, bp.shift - s);
                 else
                     f = plane;
                 f = _mm256_and_si256(f, _mm256_set1_epi8(static_cast<char>(mask)));
                 u = ps.count == 1 ? f : _mm256_or_si256(u, f);
             }()),
             ...);
        }(std::make_integer_sequence<int, ps.count>{});
        return _mm256_sub_epi8(u, sub);
    }
}

// Bytes offset + zw[c] for the 4 K of the 8 columns of half h (folded zero points).
inline __m256i folded_sub(const uint8_t* zw16, int h, int offset) {
    __m256i z = _mm256_broadcastsi128_si256(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(zw16 + 8 * h)));
    const __m256i idx = _mm256_setr_epi32(0x00000000, 0x01010101, 0x02020202, 0x03030303, 0x04040404, 0x05050505,
                                          0x06060606, 0x07070707);
    return _mm256_add_epi8(_mm256_shuffle_epi8(z, idx), _mm256_set1_epi8(static_cast<char>(offset)));
}

inline __m256 load_scales(const IntxLayout& L, const uint8_t* rec, int h) {
    if (L.bf16) {
        __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rec + L.scale_off + 16 * h));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(b), 16));
    }
    return _mm256_loadu_ps(reinterpret_cast<const float*>(rec + L.scale_off) + 8 * h);
}

// acc += per-column int32 sums of 4 u8 x s8 products. vpmaddubsw saturates
// at 2*255*|w| > 32767, i.e. for |w| > 64: 8-bit weights and 7-bit ones with
// folded zero points (|q - zw| <= 127) take the split-activation path.
template <int NBIT>
inline __m256i dot4(__m256i acc, __m256i a, __m256i a_half, __m256i a_low, __m256i w) {
    if constexpr (NBIT >= 7) {
        __m256i hi = _mm256_madd_epi16(_mm256_maddubs_epi16(a_half, w), _mm256_set1_epi16(2));
        __m256i lo = _mm256_madd_epi16(_mm256_maddubs_epi16(a_low, w), _mm256_set1_epi16(1));
        return _mm256_add_epi32(acc, _mm256_add_epi32(hi, lo));
    } else {
        return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(a, w), _mm256_set1_epi16(1)));
    }
}

template <int NBIT, int MR>
void tile(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int64_t b, float* y) {
    const uint8_t* blk = payload + b * L.block_bytes;
    const uint8_t* qrow[MR];
    const float* info[MR];
    for (int r = 0; r < MR; ++r) {
        qrow[r] = a.q + (m0 + r) * L.kpad;
        info[r] = a.info + (m0 + r) * a.info_stride;
    }
    __m256 facc[MR][2];
    for (int r = 0; r < MR; ++r) facc[r][0] = facc[r][1] = _mm256_setzero_ps();
    for (int64_t g = 0; g < L.groups; ++g) {
        __m256i acc[MR][2];
        for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
        const uint8_t* rec = blk + g * L.group_bytes;
        __m256i sub0, sub1;
        if (L.folded_zp()) {
            sub0 = folded_sub(rec + L.zp_off, 0, L.weight_offset());
            sub1 = folded_sub(rec + L.zp_off, 1, L.weight_offset());
        } else {
            sub0 = sub1 = _mm256_set1_epi8(static_cast<char>(L.weight_offset()));
        }
        for (int64_t ch = 0; ch < L.chunks; ++ch) {
            const uint8_t* chunk = rec + ch * L.chunk_bytes;
            const int64_t kofs = g * L.gpad + ch * kChunkK;
            [&]<int... V>(std::integer_sequence<int, V...>) {
                (([&] {
                     __m256i w0 = unpack_half<NBIT, V, 0>(chunk, sub0), w1 = unpack_half<NBIT, V, 1>(chunk, sub1);
                     for (int r = 0; r < MR; ++r) {
                         __m256i av = _mm256_set1_epi32(load_quad(qrow[r] + kofs + 4 * V)), ah = av, al = av;
                         if constexpr (NBIT >= 7) {
                             ah = _mm256_and_si256(_mm256_srli_epi16(av, 1), _mm256_set1_epi8(0x7F));
                             al = _mm256_and_si256(av, _mm256_set1_epi8(1));
                         }
                         acc[r][0] = dot4<NBIT>(acc[r][0], av, ah, al, w0);
                         acc[r][1] = dot4<NBIT>(acc[r][1], av, ah, al, w1);
                     }
                 }()),
                 ...);
            }(std::make_integer_sequence<int, 8>{});
        }
        for (int h = 0; h < 2; ++h) {
            __m256 s = load_scales(L, rec, h);
            if (NBIT == 8 && L.exact_zp()) {
                // Mode X: I = D - uz * sum_k q - zw * A, exact in int32.
                __m256i wsum = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(rec + L.wsum_off + 32 * h));
                __m256i zw =
                    _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(rec + L.zp_off + 8 * h)));
                for (int r = 0; r < MR; ++r) {
                    __m256i t = _mm256_sub_epi32(
                        acc[r][h], _mm256_mullo_epi32(_mm256_set1_epi32(info_int(info[r], kInfoUzInt)), wsum));
                    t = _mm256_sub_epi32(t, _mm256_mullo_epi32(zw, _mm256_set1_epi32(info_int(info[r], kInfoA + g))));
                    facc[r][h] = _mm256_fmadd_ps(s, _mm256_cvtepi32_ps(t), facc[r][h]);
                }
            } else {
                for (int r = 0; r < MR; ++r)
                    facc[r][h] = _mm256_fmadd_ps(s, _mm256_cvtepi32_ps(acc[r][h]), facc[r][h]);
            }
        }
    }
    const int64_t col0 = b * kNr;
    const int cols = static_cast<int>(std::min<int64_t>(kNr, L.n - col0));
    for (int h = 0; h < 2; ++h) {
        __m256 w1 = _mm256_loadu_ps(reinterpret_cast<const float*>(blk + L.w1_off) + 8 * h);
        __m256 bias = L.has_bias ? _mm256_loadu_ps(reinterpret_cast<const float*>(blk + L.bias_off) + 8 * h)
                                 : _mm256_setzero_ps();
        const int hc = std::clamp(cols - 8 * h, 0, 8);
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(hc), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int r = 0; r < MR; ++r) {
            __m256 t = L.exact_zp() ? facc[r][h] : _mm256_fnmadd_ps(_mm256_set1_ps(info[r][kInfoUz]), w1, facc[r][h]);
            __m256 out = _mm256_fmadd_ps(t, _mm256_set1_ps(info[r][kInfoScale]), bias);
            if (hc > 0) _mm256_maskstore_ps(y + (m0 + r) * L.n + col0 + 8 * h, mask, out);
        }
    }
}

template <int NBIT>
void run_tiles(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    for (int64_t b = b0; b < b0 + nb; ++b) {
        int r = 0;
        for (; r + 2 <= mr; r += 2) tile<NBIT, 2>(L, payload, a, m0 + r, b, y);
        if (r < mr) tile<NBIT, 1>(L, payload, a, m0 + r, b, y);
    }
}

}  // namespace

void tile_avx2(const IntxLayout& L, const uint8_t* payload, const Act& a, int64_t m0, int mr, int64_t b0, int nb,
               float* y) {
    with_nbit(L.nbit, [&](auto nbit) { run_tiles<decltype(nbit)::value>(L, payload, a, m0, mr, b0, nb, y); });
}

void quantize_rows_avx2(const IntxLayout& L, const float* x, int64_t m0, int64_t m1, const Act& a) {
    for (int64_t m = m0; m < m1; ++m) {
        const float* xr = x + m * L.k;
        uint8_t* qr = a.q + m * L.kpad;
        float* info = a.info + m * a.info_stride;
        __m256 vmn = _mm256_set1_ps(xr[0]), vmx = vmn;
        int64_t i = 0;
        for (; i + 8 <= L.k; i += 8) {
            __m256 v = _mm256_loadu_ps(xr + i);
            vmn = _mm256_min_ps(vmn, v);
            vmx = _mm256_max_ps(vmx, v);
        }
        float mn, mx, t[8];
        _mm256_storeu_ps(t, vmn);
        mn = *std::min_element(t, t + 8);
        _mm256_storeu_ps(t, vmx);
        mx = *std::max_element(t, t + 8);
        for (; i < L.k; ++i) {
            mn = std::min(mn, xr[i]);
            mx = std::max(mx, xr[i]);
        }
        const auto [inv, zp] = set_row_qparams(info, mn, mx);
        const __m256 vinv = _mm256_set1_ps(inv), vzp = _mm256_set1_ps(zp);
        const __m256 lo = _mm256_set1_ps(-128.0f), hi = _mm256_set1_ps(127.0f);
        const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
        for (int64_t g = 0; g < L.groups; ++g) {
            const float* xg = xr + g * L.group_size;
            uint8_t* qg = qr + g * L.gpad;
            __m256i sum = _mm256_setzero_si256();
            int64_t j = 0;
            for (; j + 8 <= L.group_size; j += 8) {
                __m256 v = _mm256_mul_ps(_mm256_loadu_ps(xg + j), vinv);
                v = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
                v = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(v, vzp), lo), hi);
                __m256i q = _mm256_cvtps_epi32(v);
                sum = _mm256_add_epi32(sum, q);
                __m128i p16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
                _mm_storel_epi64(reinterpret_cast<__m128i*>(qg + j), _mm_xor_si128(_mm_packs_epi16(p16, p16), flip));
            }
            int32_t ts[8];
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(ts), sum);
            int32_t total = ts[0] + ts[1] + ts[2] + ts[3] + ts[4] + ts[5] + ts[6] + ts[7];
            for (; j < L.group_size; ++j) {
                float v = std::nearbyint(xg[j] * inv) + zp;
                int q = static_cast<int>(clamp_code(v));
                total += q;
                qg[j] = static_cast<uint8_t>(q + 128);
            }
            if (L.gpad > L.group_size) std::memset(qg + L.group_size, 0, static_cast<size_t>(L.gpad - L.group_size));
            set_info_int(info, kInfoA + g, total - static_cast<int32_t>(zp) * static_cast<int32_t>(L.group_size));
        }
    }
}

}  // namespace jao::kernels::intx
