// jao_int8_* (jao_int8.h): verify / packed_info / workspace_size / unpack / linear_run on random and mutated packed buffers.
#include "int8_traits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return jao_fuzz::fuzz_parse<jao_fuzz::Int8Abi>(data, size);
}
