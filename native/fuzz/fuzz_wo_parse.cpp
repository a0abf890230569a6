// jao_wo_* (jao_weight_only.h): verify / packed_info / workspace_size / unpack / linear_run on random and mutated packed buffers.
#include "wo_traits.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return jao_fuzz::fuzz_parse<jao_fuzz::WoAbi>(data, size);
}
