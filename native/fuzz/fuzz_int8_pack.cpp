// jao_int8_* (jao_int8.h): packed_size / pack with fuzzed parameters, tensors and dst sizes; round trip and run.
#include "int8_traits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return jao_fuzz::fuzz_pack<jao_fuzz::Int8Abi>(data, size);
}
