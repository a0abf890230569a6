// jao_wo_* (jao_weight_only.h): packed_size / pack with fuzzed parameters, tensors and dst sizes; round trip and run.
#include "wo_traits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return jao_fuzz::fuzz_pack<jao_fuzz::WoAbi>(data, size);
}
