#include "pack/int8_format.h"

#include <cmath>
#include <cstring>
#include <string>

#include "abi/guard.h"
#include "pack/crc32c.h"
#include "pack/param_checks.h"
#include "kernels/int8_backend_choice.h"
#include "onednn/int8_matmul.h"

namespace jao::pack {
namespace {

// First 64 bytes of the payload, the size record: int64 blob_bytes, int64
// weights_bytes (the oneDNN layout's sizes are CPU dependent, so they travel
// with the buffer), uint32 CRC32C of those 16 bytes (read_int8_header checks
// it, so a damaged size is JAO_CORRUPT_DATA, not a misleading size error).
constexpr int64_t kRecordBytes = 64;

void write_record(uint8_t* out, int64_t blob_bytes, int64_t weights_bytes) {
    const int64_t sizes[2] = {blob_bytes, weights_bytes};
    std::memcpy(out + kHeaderBytes, sizes, sizeof sizes);
    const uint32_t crc = crc32c(sizes, sizeof sizes);
    std::memcpy(out + kHeaderBytes + sizeof sizes, &crc, 4);
}

Int8Layout geometry(Int8Layout L, int64_t blob_bytes, int64_t weights_bytes) {
    L.kpad = round_up(L.k, kInt8Kr);
    L.nblocks = (L.n + kInt8Nr - 1) / kInt8Nr;
    const int64_t vec = round_up(4 * L.n, 64);
    L.scale_off = kHeaderBytes + kRecordBytes;
    L.bias_off = L.scale_off + vec;
    L.rowsum_off = L.bias_off + (L.has_bias ? vec : 0);
    L.blob_off = L.rowsum_off + vec;
    L.blob_bytes = blob_bytes;
    L.weights_off = L.blob_off + round_up(blob_bytes, 64);
    L.weights_bytes = weights_bytes;
    L.total_bytes = L.weights_off + weights_bytes;
    return L;
}

// The layout fields that come straight from the parameters (geometry() adds the rest).
Int8Layout parameters(const jao_int8_params& p, int32_t backend) {
    Int8Layout L;
    L.n = p.n;
    L.k = p.k;
    L.act_mapping = p.act_mapping;
    L.act_flags = p.act_flags;
    L.has_bias = p.has_bias != 0;
    L.backend = backend;
    return L;
}

int64_t jao_weight_bytes(int64_t n, int64_t k) { return (n + kInt8Nr - 1) / kInt8Nr * int8_block_bytes(round_up(k, kInt8Kr)); }

}  // namespace

Int8Layout make_int8_layout(const jao_int8_params& p, const char* fn) {
    require_dims(p.n, p.k, fn);
    require(p.act_mapping == JAO_ACT_SYMMETRIC || p.act_mapping == JAO_ACT_ASYMMETRIC, fn,
            [&] {
                return "act_mapping must be JAO_ACT_SYMMETRIC (0) or JAO_ACT_ASYMMETRIC (1), got " +
                       str(p.act_mapping);
            });
    require_flag(p.has_bias, "has_bias", fn);
    require(p.backend == JAO_INT8_BACKEND_AUTO || p.backend == JAO_INT8_BACKEND_ONEDNN ||
                p.backend == JAO_INT8_BACKEND_JAO,
            fn, [&] { return "backend must be AUTO (0), ONEDNN (1) or JAO (2), got " + str(p.backend); });
    require((p.act_flags & ~kInt8ActFlags) == 0, fn,
            [&] { return "unknown act_flags bits " + str(p.act_flags); });
    if (p.k > kInt8MaxK)
        fail(JAO_UNSUPPORTED, std::string(fn) + ": k above " + str(kInt8MaxK) +
                                  " could overflow the exact int32 accumulation, got " + str(p.k));
    Int8Layout L = parameters(p, p.backend == JAO_INT8_BACKEND_AUTO ? kernels::int8::auto_backend() : p.backend);
    if (L.backend == JAO_INT8_BACKEND_ONEDNN) {
        onednn::require_exact_int8_matmul(fn);
        const onednn::WeightsLayout& w = onednn::int8_weights_layout(p.k, p.n);
        return geometry(L, static_cast<int64_t>(w.blob.size()), w.bytes);
    }
    return geometry(L, 0, jao_weight_bytes(p.n, p.k));
}

Int8Layout read_int8_header(const void* packed, int64_t packed_size, const char* fn) {
    require(packed != nullptr, fn, "packed buffer must not be null");
    require(reinterpret_cast<uintptr_t>(packed) % 4 == 0, fn, "packed buffer must be 4-byte aligned");
    require(packed_size >= kHeaderBytes + kRecordBytes, fn,
            [&] { return "packed buffer of " + str(packed_size) + " bytes is smaller than its 128-byte header"; });
    check_header(packed, packed_size, kInt8TypeId, kInt8FormatVersion, "int8", fn);
    const auto* h = static_cast<const uint8_t*>(packed);
    auto corrupt = [&](const std::string& what) { corrupt_header("int8", fn, what); };
    if (load_word(h, 2) != 8 || load_word(h, 3) != 0) corrupt("weight_nbit / has_weight_zeros must be 8 / 0");
    jao_int8_params p{};
    p.has_bias = load_word(h, 4);
    p.k = load_word(h, 9);
    p.n = load_word(h, 10);
    p.act_mapping = load_word(h, 11);
    p.act_flags = load_word(h, 12);
    p.backend = load_word(h, 13);
    const bool jao_layout = p.backend == JAO_INT8_BACKEND_JAO;
    if (p.backend != JAO_INT8_BACKEND_JAO && p.backend != JAO_INT8_BACKEND_ONEDNN) corrupt("backend " + str(p.backend));
    if (load_word(h, 5) != (jao_layout ? kInt8Nr : 0) || load_word(h, 6) != (jao_layout ? kInt8Kr : 0) ||
        load_word(h, 7) != (jao_layout ? 1 : 0))
        corrupt("bad nr/kr/sr");
    if (p.n < 1 || p.k < 1 || p.k > kInt8MaxK || (p.has_bias != 0 && p.has_bias != 1) ||
        (p.act_mapping != JAO_ACT_SYMMETRIC && p.act_mapping != JAO_ACT_ASYMMETRIC) ||
        (p.act_flags & ~kInt8ActFlags) != 0)
        corrupt("bad parameters");
    int64_t sizes[2];
    uint32_t record_crc;
    std::memcpy(sizes, h + kHeaderBytes, sizeof sizes);
    std::memcpy(&record_crc, h + kHeaderBytes + sizeof sizes, 4);
    if (record_crc != crc32c(sizes, sizeof sizes)) corrupt("size record checksum mismatch");
    Int8Layout L = parameters(p, p.backend);
    const int64_t nk = p.n * p.k;
    if (jao_layout ? (sizes[0] != 0 || sizes[1] != jao_weight_bytes(p.n, p.k))
                   : (sizes[0] < 1 || sizes[0] > kMaxBlobBytes || sizes[1] < nk || sizes[1] > 2 * nk + (int64_t{1} << 24)))
        corrupt("bad section sizes");
    L = geometry(L, sizes[0], sizes[1]);
    require_holds(packed_size, L.total_bytes, fn);
    return L;
}

void verify_int8_payload(const void* packed, const Int8Layout& L, const char* fn) {
    verify_payload_crc(packed, L.total_bytes - kHeaderBytes, fn);
}

void pack_int8(const Int8Layout& L, const int8_t* qdata, const float* w_scale, const float* bias, void* dst,
               const char* fn) {
    for (int64_t i = 0; i < L.n; ++i)
        if (!(std::isfinite(w_scale[i]) && w_scale[i] > 0.0f))
            fail(JAO_INVALID_ARGUMENT, std::string(fn) + ": w_scale[" + str(i) + "] = " + std::to_string(w_scale[i]) +
                                           " must be finite and > 0");
    auto* out = static_cast<uint8_t*>(dst);
    std::memset(out, 0, static_cast<size_t>(L.weights_off));
    write_record(out, L.blob_bytes, L.weights_bytes);
    std::memcpy(out + L.scale_off, w_scale, static_cast<size_t>(4 * L.n));
    if (L.has_bias) std::memcpy(out + L.bias_off, bias, static_cast<size_t>(4 * L.n));
    // float(rowsum(w_q)): exact, |rowsum| <= 128 * kInt8MaxK < 2^24.
    auto* rowsum = reinterpret_cast<float*>(out + L.rowsum_off);
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < L.n; ++r) {
        int32_t s = 0;
        for (int64_t i = 0; i < L.k; ++i) s += qdata[r * L.k + i];
        rowsum[r] = static_cast<float>(s);
    }
    uint8_t* w = out + L.weights_off;
    if (L.backend == JAO_INT8_BACKEND_ONEDNN) {
        onednn::require_exact_int8_matmul(fn);
        const onednn::WeightsLayout& wl = onednn::int8_weights_layout(L.k, L.n);
        std::memcpy(out + L.blob_off, wl.blob.data(), wl.blob.size());
        onednn::int8_reorder_weights(L.k, L.n, qdata, w);
    } else {
        // Block b, 4-K step j: 64 bytes, byte 4c + t = w[16b + c, 4j + t] + 128 (u8 for vpdpbusd).
        const int64_t steps = L.kpad / kInt8Kr, block_bytes = int8_block_bytes(L.kpad);
#pragma omp parallel for schedule(static)
        for (int64_t b = 0; b < L.nblocks; ++b) {
            std::memset(w + b * block_bytes + steps * 64, 0, static_cast<size_t>(kInt8BlockPad));
            for (int64_t j = 0; j < steps; ++j) {
                uint8_t* v = w + b * block_bytes + j * 64;
                for (int c = 0; c < kInt8Nr; ++c)
                    for (int t = 0; t < kInt8Kr; ++t) {
                        const int64_t col = b * kInt8Nr + c, kk = j * kInt8Kr + t;
                        const int q = col < L.n && kk < L.k ? qdata[col * L.k + kk] : 0;
                        v[4 * c + t] = static_cast<uint8_t>(q + 128);
                    }
            }
        }
    }
    begin_header(out, kInt8TypeId, kInt8FormatVersion);
    store_word(out, 2, 8);
    store_word(out, 3, 0);
    store_word(out, 4, L.has_bias);
    const bool jao_layout = L.backend == JAO_INT8_BACKEND_JAO;
    store_word(out, 5, jao_layout ? kInt8Nr : 0);
    store_word(out, 6, jao_layout ? kInt8Kr : 0);
    store_word(out, 7, jao_layout ? 1 : 0);
    store_word(out, 9, static_cast<int32_t>(L.k));
    store_word(out, 10, static_cast<int32_t>(L.n));
    store_word(out, 11, L.act_mapping);
    store_word(out, 12, L.act_flags);
    store_word(out, 13, L.backend);
    seal_header(out, L.total_bytes - kHeaderBytes);
}

void unpack_int8(const Int8Layout& L, const void* packed, int8_t* qdata, float* w_scale, float* bias) {
    const auto* in = static_cast<const uint8_t*>(packed);
    if (w_scale) std::memcpy(w_scale, in + L.scale_off, static_cast<size_t>(4 * L.n));
    if (bias) {
        if (L.has_bias) std::memcpy(bias, in + L.bias_off, static_cast<size_t>(4 * L.n));
        else std::memset(bias, 0, static_cast<size_t>(4 * L.n));
    }
    if (!qdata) return;
    const uint8_t* w = in + L.weights_off;
    if (L.backend == JAO_INT8_BACKEND_ONEDNN) {
        onednn::int8_unreorder_weights(L.k, L.n, in + L.blob_off, L.blob_bytes, w, qdata);
        return;
    }
    const int64_t block_bytes = int8_block_bytes(L.kpad);
#pragma omp parallel for schedule(static)
    for (int64_t col = 0; col < L.n; ++col)
        for (int64_t kk = 0; kk < L.k; ++kk) {
            const int64_t b = col / kInt8Nr, c = col % kInt8Nr, j = kk / kInt8Kr, t = kk % kInt8Kr;
            qdata[col * L.k + kk] = static_cast<int8_t>(w[b * block_bytes + j * 64 + 4 * c + t] - 128);
        }
}

}  // namespace jao::pack
