// The one place where C++ failures become jao_status codes. Every extern "C"
// entry point runs its body through jao::abi::guarded(), so no C++ exception
// ever unwinds into the JVM.
#pragma once

#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "jao/jao_core.h"

namespace jao {

// Thrown by validation and kernels' callers; carries the status to return.
class Error : public std::runtime_error {
public:
    Error(jao_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    jao_status status() const noexcept { return status_; }

private:
    jao_status status_;
};

[[noreturn]] inline void fail(jao_status status, const std::string& message) { throw Error(status, message); }

// Checks a precondition; the message names the function and the rule. The rule
// is a string literal, or a callable returning it as a std::string, called only
// when the check fails: a linear run checks a dozen rules per call, and building
// their messages up front (to_string, concatenation, malloc + free) took about a
// microsecond of a 5 us small call.
inline void require(bool ok, const char* function, const char* rule) {
    if (!ok) [[unlikely]]
        fail(JAO_INVALID_ARGUMENT, std::string(function) + ": " + rule);
}
template <class Rule>
    requires std::is_invocable_r_v<std::string, Rule>
inline void require(bool ok, const char* function, Rule&& rule) {
    if (!ok) [[unlikely]]
        fail(JAO_INVALID_ARGUMENT, std::string(function) + ": " + rule());
}

namespace abi {

void set_last_error(const std::string& message) noexcept;
void clear_last_error() noexcept;

// Runs body(); maps exceptions to a status and records the message.
template <class Body>
jao_status guarded(const char* function, Body&& body) noexcept {
    try {
        clear_last_error();
        body();
        return JAO_OK;
    } catch (const Error& e) {
        set_last_error(e.what());
        return e.status();
    } catch (const std::bad_alloc&) {
        set_last_error(std::string(function) + ": out of memory");
        return JAO_OUT_OF_MEMORY;
    } catch (const std::exception& e) {
        set_last_error(std::string(function) + ": internal error: " + e.what());
        return JAO_INTERNAL;
    } catch (...) {
        set_last_error(std::string(function) + ": internal error: unknown exception");
        return JAO_INTERNAL;
    }
}

}  // namespace abi
}  // namespace jao
