// oneDNN backend of the int8 linear: s8 [M, K] x s8 [K, N] -> s32 [M, N]
// (exact), weights in the blocked layout oneDNN prefers on this CPU.
// Every function is thread safe; oneDNN errors become jao::Error.
#pragma once

#include <cstdint>
#include <vector>

namespace jao::onednn {

// Whether oneDNN's s8 matmul is exact on this CPU. Without VNNI (AVX2-only
// CPUs such as Zen 3, AVX-512 Skylake) its kernels add 128 to the s8 source
// and sum u8 x s8 pairs with vpmaddubsw into saturating int16, so products
// above 32767 per pair clip (oneDNN's "int8 computation aspects"; 64 x 127 x 127
// came back as 8160 on a Zen 3). On Arm its s8 matmul accumulates in int32.
bool int8_matmul_is_exact();

// Fails with JAO_UNSUPPORTED, naming oneDNN's ISA here, when int8_matmul_is_exact() is false.
void require_exact_int8_matmul(const char* fn);

// This CPU's preferred layout of the [K, N] s8 weights: its serialized memory
// descriptor (dnnl_memory_desc_get_blob) and byte size. Cached per (K, N).
struct WeightsLayout {
    std::vector<uint8_t> blob;
    int64_t bytes = 0;
};
const WeightsLayout& int8_weights_layout(int64_t k, int64_t n);

// qdata [n, k] row-major (= the [K, N] weights with strides (1, K)) -> dst in the preferred layout.
void int8_reorder_weights(int64_t k, int64_t n, const int8_t* qdata, void* dst);

// Inverse: blocked bytes described by `blob` -> qdata [n, k]. Fails with
// JAO_UNSUPPORTED when this oneDNN cannot read the descriptor.
void int8_unreorder_weights(int64_t k, int64_t n, const uint8_t* blob, int64_t blob_bytes, const void* src,
                            int8_t* qdata);

// Scratchpad bytes of the cached primitive for m rows (user scratchpad mode).
int64_t int8_scratchpad_bytes(int64_t k, int64_t n, int64_t m);

// c [m, n] (row stride n) = a [m, k] (row stride lda) x weights; `threads`
// OpenMP threads (the caller's CallScope budget).
void int8_matmul(int64_t k, int64_t n, int64_t m, const int8_t* a, int64_t lda, const void* weights, int32_t* c,
                 void* scratchpad, int threads);

// Implementation name oneDNN picked for m rows (for info and benchmarks).
const char* int8_impl_name(int64_t k, int64_t n, int64_t m);

}  // namespace jao::onednn
