// JAO_INT8_BACKEND_AUTO, from jao_bench_int8 on the reference host (AMD EPYC,
// AVX-512 VNNI; 1-thread medians, the 2-thread ones were dominated by other
// jobs on the shared host):
//  - M = 128, the compute-bound prefill case int8 x int8 exists for, oneDNN's
//    brgemm leads (4096x4096: 757 vs 677 GOPS, 11008x4096: 480 vs 454); at
//    M = 8..32 they trade places by shape (4096x11008: oneDNN 1.45x faster);
//    at M = 1 jao is 0-13 % faster. A pack-time choice cannot know M, so
//    large weights get oneDNN;
//  - small weights (K * N <= 2^20) are call-overhead bound, where jao's path
//    (no oneDNN primitive lookup / execute) wins at every M (256x256: 8 vs 10 us);
//  - below AVX-512 VNNI jao has only the vpmaddwd AVX2 tier: oneDNN there;
//  - Arm with dotprod or i8mm: jao, by construction (no Arm timings exist,
//    emulation only). Its tiles run sdot / smmla straight on the packed
//    weights with no per-call primitive lookup, while the oneDNN jar from
//    Maven carries no Arm Compute Library and its aarch64 brgemm kernels are
//    SVE only (brg:sve_128/256/512): ONEDNN_VERBOSE under qemu shows its s8
//    matmul on the generic gemm:jit path (-cpu neoverse-n1 and -cpu max). A
//    NEON-only core (Armv8.0) keeps oneDNN: jao's smull tile does a quarter
//    of sdot's work per instruction, and nothing measured says it wins there.
#include "kernels/int8_backend_choice.h"

#include "core/isa.h"
#include "jao/jao_int8.h"

namespace jao::kernels::int8 {

int32_t auto_backend(int64_t n, int64_t k) {
    constexpr int64_t kSmallWeights = int64_t{1} << 20;
    const jao_isa active = core::active_isa();
    const bool vnni = active == JAO_ISA_AVX512_VNNI || active == JAO_ISA_AVX512_BF16;
    if (vnni && n * k <= kSmallWeights) return JAO_INT8_BACKEND_JAO;
    if (active == JAO_ISA_DOTPROD || active == JAO_ISA_I8MM) return JAO_INT8_BACKEND_JAO;
    return JAO_INT8_BACKEND_ONEDNN;
}

}  // namespace jao::kernels::int8
