// JAO_INT8_BACKEND_AUTO, from jao_bench_int8 on the reference host (AMD EPYC
// Zen 5, AVX-512 VNNI + BF16, 2 threads, full paths: activation quantization +
// int32 matmul + torchao's epilogue). Two runs on 2026-12-01 over the three
// shapes of the issue x M in {1, 8, 32, 128}: jao's tiles were faster than the
// oneDNN path in 16 of 19 points — M = 1 by 16-24 % (GEMV, prefetching tiles;
// oneDNN's brgemm plus the separate epilogue pass), M = 32 by 4-13 %, M = 128
// by -1 to +8 % — and slower only at 11008x4096 M = 8 (by 3-8 %) and once at
// 4096x11008 M = 128 (1 %). (An earlier session, before the VNNI tiles
// prefetched, measured oneDNN ahead by 5-12 % at M = 128 and gave it the large
// weights.) So every weight gets jao on VNNI;
//  - below AVX-512 VNNI jao has only the vpmaddwd AVX2 tier: oneDNN there
//    when its own kernels have VNNI (AVX-VNNI); without VNNI oneDNN's s8
//    matmul saturates (onednn/int8_matmul.h), so jao's exact AVX2 tier;
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
#include "onednn/int8_matmul.h"

namespace jao::kernels::int8 {

int32_t auto_backend() {
    const jao_isa active = core::active_isa();
    if (active == JAO_ISA_AVX512_VNNI || active == JAO_ISA_AVX512_BF16) return JAO_INT8_BACKEND_JAO;
    if (active == JAO_ISA_DOTPROD || active == JAO_ISA_I8MM) return JAO_INT8_BACKEND_JAO;
    return onednn::int8_matmul_is_exact() ? JAO_INT8_BACKEND_ONEDNN : JAO_INT8_BACKEND_JAO;
}

}  // namespace jao::kernels::int8
