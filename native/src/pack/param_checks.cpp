#include "pack/param_checks.h"

#include "abi/guard.h"
#include "jao/jao_linear.h"

namespace jao::pack {

void require_dims(int64_t n, int64_t k, const char* fn) {
    constexpr int64_t kInt32Max = 2147483647;
    require(n >= 1 && n <= kInt32Max, fn, [&] { return "n must be in [1, 2^31), got " + str(n); });
    require(k >= 1 && k <= kInt32Max, fn, [&] { return "k must be in [1, 2^31), got " + str(k); });
}

void require_weight_nbit(int32_t nbit, const char* fn) {
    require(nbit >= 1 && nbit <= 8, fn, [&] { return "weight_nbit must be in [1, 8], got " + str(nbit); });
}

void require_group_divides_k(int64_t group_size, int64_t k, const char* fn) {
    require(group_size >= 1 && k % group_size == 0, fn,
            [&] { return "group_size must divide k (k=" + str(k) + ", group_size=" + str(group_size) + ")"; });
}

void require_scale_dtype(int32_t scale_dtype, const char* fn) {
    require(scale_dtype == JAO_SCALE_F32 || scale_dtype == JAO_SCALE_BF16, fn,
            [&] { return "scale_dtype must be JAO_SCALE_F32 (0) or JAO_SCALE_BF16 (1), got " + str(scale_dtype); });
}

void require_flag(int32_t value, const char* name, const char* fn) {
    require(value == 0 || value == 1, fn, [&] { return std::string(name) + " must be 0 or 1"; });
}

void require_holds(int64_t packed_size, int64_t total_bytes, const char* fn) {
    require(packed_size >= total_bytes, fn, [&] {
        return "packed buffer of " + str(packed_size) + " bytes is smaller than its header says (" + str(total_bytes) +
               ")";
    });
}

}  // namespace jao::pack
