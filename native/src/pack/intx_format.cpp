#include "pack/intx_format.h"

#include <string>

#include "abi/guard.h"
#include "core/int_math.h"
#include "pack/param_checks.h"

namespace jao::pack {
namespace {

IntxLayout geometry(const jao_intx_params& p) {
    IntxLayout L;
    L.n = p.n;
    L.k = p.k;
    L.group_size = p.group_size;
    L.nbit = p.weight_nbit;
    L.bf16 = p.scale_dtype == JAO_SCALE_BF16;
    L.has_zp = p.has_zero_points != 0;
    L.has_bias = p.has_bias != 0;
    L.layout = JAO_INTX_LAYOUT_VNNI_N16K4;
    L.groups = p.k / p.group_size;
    L.gpad = round_up(p.group_size, kChunkK);
    L.kpad = L.groups * L.gpad;
    L.nblocks = (p.n + kNr - 1) / kNr;
    L.chunks = L.gpad / kChunkK;
    L.chunk_bytes = int64_t{kVecBytes} * L.nbit;
    L.scale_off = L.chunks * L.chunk_bytes;
    L.zp_off = L.scale_off + kNr * (L.bf16 ? 2 : 4);
    L.wsum_off = L.zp_off + (L.has_zp ? kNr : 0);
    L.group_bytes = L.wsum_off + (L.exact_zp() ? kNr * 4 : 0);
    L.w1_off = L.groups * L.group_bytes;
    L.bias_off = L.w1_off + kNr * 4;
    L.block_bytes = L.bias_off + (L.has_bias ? kNr * 4 : 0);
    L.payload_bytes = L.nblocks * L.block_bytes;
    L.total_bytes = kHeaderBytes + L.payload_bytes;
    return L;
}

}  // namespace

IntxLayout make_layout(const jao_intx_params& p, const char* fn) {
    require_dims(p.n, p.k, fn);
    require_weight_nbit(p.weight_nbit, fn);
    require_group_divides_k(p.group_size, p.k, fn);
    if (p.group_size > kMaxGroupSize)
        fail(JAO_UNSUPPORTED, std::string(fn) + ": group_size above " + str(kMaxGroupSize) +
                                  " is not supported (int32 dot products), got " + str(p.group_size));
    require_scale_dtype(p.scale_dtype, fn);
    require_flag(p.has_zero_points, "has_zero_points", fn);
    require_flag(p.has_bias, "has_bias", fn);
    require(p.layout == JAO_INTX_LAYOUT_AUTO || p.layout == JAO_INTX_LAYOUT_VNNI_N16K4, fn,
            [&] { return "unknown layout " + str(p.layout); });
    return geometry(p);
}

IntxLayout read_header(const void* packed, int64_t packed_size, const char* fn) {
    check_header(packed, packed_size, kIntxTypeId, kIntxFormatVersion, "intx", fn);
    const auto* h = static_cast<const uint8_t*>(packed);
    auto corrupt = [&](const std::string& what) { corrupt_header("intx", fn, what); };
    jao_intx_params p{};
    p.weight_nbit = load_word(h, 2);
    p.has_zero_points = load_word(h, 3);
    p.has_bias = load_word(h, 4);
    p.k = load_word(h, 9);
    p.n = load_word(h, 10);
    p.group_size = load_word(h, 11);
    p.scale_dtype = load_word(h, 12);
    p.layout = load_word(h, 13);
    if (load_word(h, 5) != kNr || load_word(h, 6) != kKr || load_word(h, 7) != kSr) corrupt("bad nr/kr/sr");
    if (p.layout != JAO_INTX_LAYOUT_VNNI_N16K4) corrupt("unknown layout " + str(p.layout));
    IntxLayout L;
    try {
        L = make_layout(p, fn);
    } catch (const Error& e) {
        corrupt(e.what());
    }
    require_holds(packed_size, L.total_bytes, fn);
    return L;
}

void verify_payload(const void* packed, const IntxLayout& L, const char* fn) {
    verify_payload_crc(packed, L.payload_bytes, fn);
}

void pack_intx(const IntxLayout& L, const int8_t* qdata, const float* scales, const int8_t* zero_points,
               const float* bias, void* dst, const char* fn) {
    const int qmin = -(1 << (L.nbit - 1)), qmax = (1 << (L.nbit - 1)) - 1;
    for (int64_t i = 0, e = L.n * L.k; i < e; ++i)
        if (qdata[i] < qmin || qdata[i] > qmax)
            fail(JAO_INVALID_ARGUMENT, std::string(fn) + ": qdata[" + str(i / L.k) + ", " + str(i % L.k) + "] = " +
                                           str(qdata[i]) + " is outside [" + str(qmin) + ", " + str(qmax) + "] of int" +
                                           str(L.nbit));
    if (L.folded_zp())
        for (int64_t i = 0, e = L.n * L.groups; i < e; ++i)
            if (zero_points[i] < qmin || zero_points[i] > qmax)
                fail(JAO_INVALID_ARGUMENT, std::string(fn) + ": zero_points[" + str(i / L.groups) + ", " +
                                               str(i % L.groups) + "] = " + str(zero_points[i]) + " is outside [" +
                                               str(qmin) + ", " + str(qmax) + "] of int" + str(L.nbit));
    auto* out = static_cast<uint8_t*>(dst);
    uint8_t* payload = out + kHeaderBytes;
    const uint8_t off = static_cast<uint8_t>(L.weight_offset());
    const BitPieces ps = bit_pieces(L.nbit);

#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < L.nblocks; ++b) {
        uint8_t* blk = payload + b * L.block_bytes;
        float w1[kNr] = {};
        for (int64_t g = 0; g < L.groups; ++g) {
            uint8_t* rec = blk + g * L.group_bytes;
            for (int64_t ch = 0; ch < L.chunks; ++ch) {
                uint8_t* chunk = rec + ch * L.chunk_bytes;
                std::memset(chunk, 0, static_cast<size_t>(L.chunk_bytes));
                for (int v = 0; v < 8; ++v) {
                    uint8_t u[kVecBytes];
                    for (int i = 0; i < kVecBytes; ++i) {
                        int64_t col = b * kNr + i / kKr;
                        int64_t kl = ch * kChunkK + v * kKr + i % kKr;
                        u[i] = (col < L.n && kl < L.group_size)
                                   ? static_cast<uint8_t>(qdata[col * L.k + g * L.group_size + kl] + off)
                                   : off;
                    }
                    for (int p = 0; p < ps.count; ++p) {
                        const BitPiece& bp = ps.piece[p];
                        const int per = 8 / bp.width;
                        uint8_t* plane = chunk + (bp.plane_base + v / per) * kVecBytes;
                        const int s = (v % per) * bp.width;
                        const unsigned mask = (1u << bp.width) - 1u;
                        for (int i = 0; i < kVecBytes; ++i)
                            plane[i] |= static_cast<uint8_t>(((u[i] >> bp.shift) & mask) << s);
                    }
                }
            }
            for (int c = 0; c < kNr; ++c) {
                int64_t col = b * kNr + c;
                bool real = col < L.n;
                float s = real ? scales[col * L.groups + g] : 0.0f;
                if (L.bf16) {
                    uint16_t sb = f32_to_bf16_rne(s);
                    std::memcpy(rec + L.scale_off + 2 * c, &sb, 2);
                    s = bf16_to_f32(sb);
                } else {
                    std::memcpy(rec + L.scale_off + 4 * c, &s, 4);
                }
                const int32_t zw = L.has_zp && real ? zero_points[col * L.groups + g] : 0;
                if (L.has_zp) rec[L.zp_off + c] = static_cast<uint8_t>(zw);
                int32_t wsum = 0;
                if (real)
                    for (int64_t kl = 0; kl < L.group_size; ++kl) wsum += qdata[col * L.k + g * L.group_size + kl];
                if (L.exact_zp()) std::memcpy(rec + L.wsum_off + 4 * c, &wsum, 4);
                // W1 = sum_g s * sum_k (q - zw) (folded zero points; unused in exact_zp mode).
                const int32_t wzsum = wsum - (L.folded_zp() ? zw * static_cast<int32_t>(L.group_size) : 0);
                w1[c] = real ? __builtin_fmaf(s, static_cast<float>(wzsum), w1[c]) : 0.0f;
            }
        }
        std::memcpy(blk + L.w1_off, w1, sizeof w1);
        if (L.has_bias) {
            float bb[kNr];
            for (int c = 0; c < kNr; ++c) bb[c] = b * kNr + c < L.n ? bias[b * kNr + c] : 0.0f;
            std::memcpy(blk + L.bias_off, bb, sizeof bb);
        }
    }

    begin_header(out, kIntxTypeId, kIntxFormatVersion);
    store_word(out, 2, L.nbit);
    store_word(out, 3, L.has_zp);
    store_word(out, 4, L.has_bias);
    store_word(out, 5, kNr);
    store_word(out, 6, kKr);
    store_word(out, 7, kSr);
    store_word(out, 9, static_cast<int32_t>(L.k));
    store_word(out, 10, static_cast<int32_t>(L.n));
    store_word(out, 11, static_cast<int32_t>(L.group_size));
    store_word(out, 12, L.bf16 ? JAO_SCALE_BF16 : JAO_SCALE_F32);
    store_word(out, 13, L.layout);
    seal_header(out, L.payload_bytes);
}

void unpack_intx(const IntxLayout& L, const void* packed, int8_t* qdata, float* scales, int8_t* zero_points,
                 float* bias) {
    const uint8_t* payload = static_cast<const uint8_t*>(packed) + kHeaderBytes;
    const uint8_t off = static_cast<uint8_t>(L.weight_offset());
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < L.nblocks; ++b) {
        const uint8_t* blk = payload + b * L.block_bytes;
        for (int64_t g = 0; g < L.groups; ++g) {
            const uint8_t* rec = blk + g * L.group_bytes;
            for (int64_t ch = 0; ch < L.chunks; ++ch) {
                for (int v = 0; v < 8; ++v) {
                    uint8_t u[kVecBytes];
                    decode_vector(rec + ch * L.chunk_bytes, L.nbit, v, u);
                    for (int i = 0; i < kVecBytes; ++i) {
                        int64_t col = b * kNr + i / kKr;
                        int64_t kl = ch * kChunkK + v * kKr + i % kKr;
                        if (col < L.n && kl < L.group_size)
                            qdata[col * L.k + g * L.group_size + kl] = static_cast<int8_t>(static_cast<uint8_t>(u[i] - off));
                    }
                }
            }
            for (int c = 0; c < kNr && b * kNr + c < L.n; ++c) {
                int64_t col = b * kNr + c;
                float s;
                if (L.bf16) {
                    uint16_t sb;
                    std::memcpy(&sb, rec + L.scale_off + 2 * c, 2);
                    s = bf16_to_f32(sb);
                } else {
                    std::memcpy(&s, rec + L.scale_off + 4 * c, 4);
                }
                scales[col * L.groups + g] = s;
                if (zero_points) zero_points[col * L.groups + g] = L.has_zp ? static_cast<int8_t>(rec[L.zp_off + c]) : 0;
            }
        }
        if (bias)
            for (int c = 0; c < kNr && b * kNr + c < L.n; ++c) {
                float v = 0.0f;
                if (L.has_bias) std::memcpy(&v, blk + L.bias_off + 4 * c, 4);
                bias[b * kNr + c] = v;
            }
    }
}

}  // namespace jao::pack
