// JAO_INT8_BACKEND_AUTO, from jao_bench_int8 on the reference host (AMD EPYC,
// AVX-512 VNNI, 1 and 2 threads; numbers in the int8 commit messages):
//  - oneDNN's brgemm s8 matmul is 0-20 % faster than jao's tiles from M = 8 on
//    (K, N >= 1024), jao is ~10 % faster at M = 1 (decode): a pack-time choice
//    cannot know M, and int8 x int8 is the prefill / throughput config, so
//    larger weights get oneDNN;
//  - small weights (K * N <= 2^20) are call-overhead bound, where jao's path
//    (no oneDNN primitive lookup / memory objects) wins at every M;
//  - below AVX-512 VNNI jao has only the vpmaddwd AVX2 tier and on Arm only the
//    scalar one: oneDNN everywhere there.
#include "kernels/int8_backend_choice.h"

#include "core/isa.h"
#include "jao/jao_int8.h"

namespace jao::kernels::int8 {

int32_t auto_backend(int64_t n, int64_t k) {
    constexpr int64_t kSmallWeights = int64_t{1} << 20;
    if (core::active_isa() == JAO_ISA_AVX512_VNNI && n * k <= kSmallWeights) return JAO_INT8_BACKEND_JAO;
    return JAO_INT8_BACKEND_ONEDNN;
}

}  // namespace jao::kernels::int8
