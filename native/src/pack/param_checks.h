// Parameter checks every packed format (int8_format, intx_format, wo_format)
// applies the same way, with the same messages; each throws jao::Error
// (JAO_INVALID_ARGUMENT) naming the ABI function `fn`.
#pragma once

#include <cstdint>
#include <string>

namespace jao::pack {

// Decimal text of v, for the formats' messages.
inline std::string str(int64_t v) { return std::to_string(v); }

// n (output features) and k (input features) in [1, 2^31).
void require_dims(int64_t n, int64_t k, const char* fn);
// weight_nbit in [1, 8].
void require_weight_nbit(int32_t nbit, const char* fn);
// group_size >= 1 and a divisor of k.
void require_group_divides_k(int64_t group_size, int64_t k, const char* fn);
// JAO_SCALE_F32 or JAO_SCALE_BF16.
void require_scale_dtype(int32_t scale_dtype, const char* fn);
// A 0 / 1 flag field called `name`.
void require_flag(int32_t value, const char* name, const char* fn);
// A buffer of packed_size bytes holds all total_bytes its header describes.
void require_holds(int64_t packed_size, int64_t total_bytes, const char* fn);

}  // namespace jao::pack
