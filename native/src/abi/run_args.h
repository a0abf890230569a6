// Argument checks every jao_*_linear_run entry point (intx, weight-only, int8)
// makes, with one wording, in the order the entry points report them.
#pragma once

#include <cstdint>
#include <string>

#include "abi/guard.h"
#include "jao/jao_affine.h"

namespace jao::abi {

inline void require_run_buffers(const char* fn, const void* x, const void* y, const void* workspace) {
    require(x != nullptr && y != nullptr && workspace != nullptr, fn, "x, y and workspace must not be null");
}

inline bool is_float_type(int32_t type) { return type == JAO_F32 || type == JAO_BF16 || type == JAO_F16; }

// x_type and y_type of a typed run: a jao_float_type.
inline void require_float_types(const char* fn, int32_t x_type, int32_t y_type) {
    for (const int32_t type : {x_type, y_type})
        require(is_float_type(type), fn,
                [&] { return "x_type and y_type must be JAO_F32, JAO_BF16 or JAO_F16, got " + std::to_string(type); });
}

inline void require_workspace(const char* fn, int64_t workspace_size, int64_t need) {
    require(workspace_size >= need, fn,
            [&] { return "workspace_size " + std::to_string(workspace_size) + " < required " + std::to_string(need); });
}

}  // namespace jao::abi
