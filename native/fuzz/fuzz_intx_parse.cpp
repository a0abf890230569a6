// Target 1: jao_intx_verify / packed_info / workspace_size / unpack / linear_run on
// random bytes and on valid packed buffers with mutated header words and payload.
#include "intx_traits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return jao_fuzz::fuzz_parse<jao_fuzz::IntxAbi>(data, size);
}
