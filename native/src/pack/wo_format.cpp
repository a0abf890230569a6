#include "pack/wo_format.h"

#include <cmath>
#include <string>

#include "abi/guard.h"
#include "core/int_math.h"
#include "pack/param_checks.h"

namespace jao::pack {
namespace {

WoLayout geometry(const jao_wo_params& p) {
    WoLayout L;
    L.n = p.n;
    L.k = p.k;
    L.group_size = p.group_size;
    L.nbit = p.weight_nbit;
    L.center = p.center;
    L.bf16 = p.scale_dtype == JAO_SCALE_BF16;
    L.has_zp = p.has_zero_points != 0;
    L.has_off = p.has_offsets != 0;
    L.has_bias = p.has_bias != 0;
    L.layout = JAO_WO_LAYOUT_N16;
    L.groups = p.k / p.group_size;
    L.gpad = round_up(p.group_size, kWoChunkK);
    L.kpad = L.groups * L.gpad;
    L.nblocks = (p.n + kWoNr - 1) / kWoNr;
    L.chunks = L.gpad / kWoChunkK;
    L.chunk_bytes = int64_t{kWoPlaneBytes} * L.nbit;
    L.scale_off = L.chunks * L.chunk_bytes;
    L.zp_off = L.scale_off + kWoNr * (L.bf16 ? 2 : 4);
    L.off_off = L.zp_off + (L.has_zp ? kWoNr * 4 : 0);
    L.group_bytes = L.off_off + (L.has_off ? kWoNr * 4 : 0);
    L.bias_off = L.groups * L.group_bytes;
    L.block_bytes = L.bias_off + (L.has_bias ? kWoNr * 4 : 0);
    L.payload_bytes = L.nblocks * L.block_bytes;
    L.total_bytes = kHeaderBytes + L.payload_bytes;
    return L;
}

}  // namespace

WoLayout make_wo_layout(const jao_wo_params& p, const char* fn) {
    require_dims(p.n, p.k, fn);
    require_weight_nbit(p.weight_nbit, fn);
    require(p.center >= 0 && p.center < (1 << p.weight_nbit), fn,
            [&] { return "center must be in [0, 2^weight_nbit), got " + str(p.center); });
    require_group_divides_k(p.group_size, p.k, fn);
    require(p.group_size <= kWoMaxGroupSize, fn,
            [&] {
                return "group_size must be <= " + str(kWoMaxGroupSize) +
                       " (use group_size == k only up to that), got " + str(p.group_size);
            });
    require_scale_dtype(p.scale_dtype, fn);
    require_flag(p.has_zero_points, "has_zero_points", fn);
    require_flag(p.has_offsets, "has_offsets", fn);
    require_flag(p.has_bias, "has_bias", fn);
    require(p.layout == JAO_WO_LAYOUT_AUTO || p.layout == JAO_WO_LAYOUT_N16, fn,
            [&] { return "unknown layout " + str(p.layout); });
    return geometry(p);
}

jao_wo_params wo_params(const WoLayout& L) {
    jao_wo_params p{};
    p.n = L.n;
    p.k = L.k;
    p.weight_nbit = L.nbit;
    p.center = L.center;
    p.group_size = L.group_size;
    p.scale_dtype = L.bf16 ? JAO_SCALE_BF16 : JAO_SCALE_F32;
    p.has_zero_points = L.has_zp;
    p.has_offsets = L.has_off;
    p.has_bias = L.has_bias;
    p.layout = L.layout;
    return p;
}

WoLayout read_wo_header(const void* packed, int64_t packed_size, const char* fn) {
    check_header(packed, packed_size, kWoTypeId, kWoFormatVersion, "weight-only", fn);
    jao_wo_params p{};
    p.weight_nbit = load_word(packed, 2);
    p.has_zero_points = load_word(packed, 3);
    p.has_bias = load_word(packed, 4);
    p.center = load_word(packed, 6);
    p.has_offsets = load_word(packed, 7);
    p.k = load_word(packed, 9);
    p.n = load_word(packed, 10);
    p.group_size = load_word(packed, 11);
    p.scale_dtype = load_word(packed, 12);
    p.layout = load_word(packed, 13);
    if (load_word(packed, 5) != kWoNr) corrupt_header("weight-only", fn, "bad nr " + str(load_word(packed, 5)));
    if (p.layout != JAO_WO_LAYOUT_N16) corrupt_header("weight-only", fn, "unknown layout " + str(p.layout));
    WoLayout L;
    try {
        L = make_wo_layout(p, fn);
    } catch (const Error& e) {
        corrupt_header("weight-only", fn, e.what());
    }
    require_holds(packed_size, L.total_bytes, fn);
    return L;
}

void pack_wo(const WoLayout& L, const uint8_t* codes, const float* scales, const int32_t* zero_points,
             const float* offsets, const float* bias, void* dst, const char* fn) {
    const unsigned umax = (1u << L.nbit) - 1u;
    for (int64_t i = 0, e = L.n * L.k; i < e; ++i)
        if (codes[i] > umax)
            fail(JAO_INVALID_ARGUMENT, std::string(fn) + ": codes[" + str(i / L.k) + ", " + str(i % L.k) + "] = " +
                                           str(codes[i]) + " is outside [0, " + str(umax) + "]");
    const int64_t ng = L.n * L.groups;
    auto at = [&](int64_t i) { return std::string("[") + str(i / L.groups) + ", " + str(i % L.groups) + "]"; };
    for (int64_t i = 0; i < ng; ++i) {
        if (!std::isfinite(scales[i]) || (L.bf16 && !std::isfinite(affine::bf16_to_float(affine::bf16_bits_rne(scales[i])))))
            fail(JAO_INVALID_ARGUMENT, std::string(fn) + ": scales" + at(i) + " is not finite (in fp32 or bf16)");
        if (L.has_zp && (zero_points[i] < -kWoMaxZeroPoint || zero_points[i] > kWoMaxZeroPoint))
            fail(JAO_INVALID_ARGUMENT, std::string(fn) + ": zero_points" + at(i) + " = " + str(zero_points[i]) +
                                           " is outside [-65535, 65535]");
        if (L.has_off && !std::isfinite(offsets[i]))
            fail(JAO_INVALID_ARGUMENT, std::string(fn) + ": offsets" + at(i) + " is not finite");
    }
    if (L.has_bias)
        for (int64_t i = 0; i < L.n; ++i)
            if (!std::isfinite(bias[i])) fail(JAO_INVALID_ARGUMENT, std::string(fn) + ": bias[" + str(i) + "] is not finite");

    auto* out = static_cast<uint8_t*>(dst);
    uint8_t* payload = out + kHeaderBytes;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < L.nblocks; ++b) {
        uint8_t* blk = payload + b * L.block_bytes;
        std::memset(blk, 0, static_cast<size_t>(L.block_bytes));
        for (int64_t g = 0; g < L.groups; ++g) {
            uint8_t* rec = blk + g * L.group_bytes;
            for (int c = 0; c < kWoNr; ++c) {
                const int64_t col = b * kWoNr + c;
                const bool real = col < L.n;
                for (int64_t kl = 0; kl < L.gpad; ++kl) {
                    // Padding K and missing columns hold `center`: (u - center) = 0.
                    const unsigned u = real && kl < L.group_size ? codes[col * L.k + g * L.group_size + kl]
                                                                 : static_cast<unsigned>(L.center);
                    chunk_put(rec + (kl / kWoChunkK) * L.chunk_bytes, L.nbit, c, static_cast<int>(kl % kWoChunkK), u);
                }
                const int64_t gi = col * L.groups + g;
                const float s = real ? scales[gi] : 0.0f;
                if (L.bf16) {
                    const uint16_t sb = affine::bf16_bits_rne(s);
                    std::memcpy(rec + L.scale_off + 2 * c, &sb, 2);
                } else {
                    std::memcpy(rec + L.scale_off + 4 * c, &s, 4);
                }
                if (L.has_zp && real) std::memcpy(rec + L.zp_off + 4 * c, zero_points + gi, 4);
                if (L.has_off && real) std::memcpy(rec + L.off_off + 4 * c, offsets + gi, 4);
            }
        }
        if (L.has_bias)
            for (int c = 0; c < kWoNr && b * kWoNr + c < L.n; ++c) std::memcpy(blk + L.bias_off + 4 * c, bias + b * kWoNr + c, 4);
    }

    begin_header(out, kWoTypeId, kWoFormatVersion);
    store_word(out, 2, L.nbit);
    store_word(out, 3, L.has_zp);
    store_word(out, 4, L.has_bias);
    store_word(out, 5, kWoNr);
    store_word(out, 6, L.center);
    store_word(out, 7, L.has_off);
    store_word(out, 9, static_cast<int32_t>(L.k));
    store_word(out, 10, static_cast<int32_t>(L.n));
    store_word(out, 11, static_cast<int32_t>(L.group_size));
    store_word(out, 12, L.bf16 ? JAO_SCALE_BF16 : JAO_SCALE_F32);
    store_word(out, 13, L.layout);
    seal_header(out, L.payload_bytes);
}

void unpack_wo(const WoLayout& L, const void* packed, uint8_t* codes, float* scales, int32_t* zero_points,
               float* offsets, float* bias) {
    const uint8_t* payload = static_cast<const uint8_t*>(packed) + kHeaderBytes;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < L.nblocks; ++b) {
        const uint8_t* blk = payload + b * L.block_bytes;
        for (int c = 0; c < kWoNr && b * kWoNr + c < L.n; ++c) {
            const int64_t col = b * kWoNr + c;
            for (int64_t g = 0; g < L.groups; ++g) {
                const uint8_t* rec = blk + g * L.group_bytes;
                if (codes)
                    for (int64_t kl = 0; kl < L.group_size; ++kl)
                        codes[col * L.k + g * L.group_size + kl] = static_cast<uint8_t>(
                            chunk_code(rec + (kl / kWoChunkK) * L.chunk_bytes, L.nbit, c, static_cast<int>(kl % kWoChunkK)));
                const int64_t gi = col * L.groups + g;
                if (scales) scales[gi] = record_scale(L, rec, c);
                if (zero_points) {
                    int32_t z = 0;
                    if (L.has_zp) std::memcpy(&z, rec + L.zp_off + 4 * c, 4);
                    zero_points[gi] = z;
                }
                if (offsets) {
                    float o = 0.0f;
                    if (L.has_off) std::memcpy(&o, rec + L.off_off + 4 * c, 4);
                    offsets[gi] = o;
                }
            }
            if (bias) {
                float v = 0.0f;
                if (L.has_bias) std::memcpy(&v, blk + L.bias_off + 4 * c, 4);
                bias[col] = v;
            }
        }
    }
}

}  // namespace jao::pack
