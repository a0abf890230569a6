// Thread-local last-error text and status names.
#include <string>

#include "abi/guard.h"

namespace {
thread_local std::string last_error;
}

namespace jao::abi {

void set_last_error(const std::string& message) noexcept {
    try {
        last_error = message;
    } catch (...) {
        last_error.clear();  // out of memory while reporting: keep an empty but valid message
    }
}

void clear_last_error() noexcept { last_error.clear(); }

}  // namespace jao::abi

extern "C" {

JAO_API const char* jao_last_error(void) { return last_error.c_str(); }

JAO_API const char* jao_status_name(int32_t status) {
    switch (status) {
        case JAO_OK: return "ok";
        case JAO_INVALID_ARGUMENT: return "invalid argument";
        case JAO_UNSUPPORTED: return "unsupported";
        case JAO_OUT_OF_MEMORY: return "out of memory";
        case JAO_CORRUPT_DATA: return "corrupt data";
        case JAO_INTERNAL: return "internal error";
        default: return "unknown status";
    }
}

}
