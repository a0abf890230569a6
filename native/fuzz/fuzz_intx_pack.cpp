// Target 2: jao_intx_packed_size / jao_intx_pack with fuzzed parameters, tensors and
// dst sizes; packed buffers must verify, unpack to their inputs and run.
#include "intx_traits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return jao_fuzz::fuzz_pack<jao_fuzz::IntxAbi>(data, size);
}
