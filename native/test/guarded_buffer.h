// Guarded: a buffer placed flush against a PROT_NONE page, so a one-byte
// over-read or over-write past its end crashes the test (DESIGN §8).
#pragma once

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace jao::test {

// `bytes` of memory ending exactly at an inaccessible page.
class Guarded {
public:
    explicit Guarded(size_t bytes) : bytes_(bytes) {
        page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        size_t data_pages = (bytes + page_ - 1) / page_;
        total_ = (data_pages + 1) * page_;
        base_ = static_cast<uint8_t*>(mmap(nullptr, total_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        EXPECT_NE(base_, MAP_FAILED);
        EXPECT_EQ(mprotect(base_ + data_pages * page_, page_, PROT_NONE), 0);
        data_ = base_ + data_pages * page_ - bytes;
    }
    ~Guarded() { munmap(base_, total_); }
    Guarded(const Guarded&) = delete;
    Guarded& operator=(const Guarded&) = delete;

    template <class T>
    T* as() { return reinterpret_cast<T*>(data_); }
    size_t size() const { return bytes_; }

private:
    size_t bytes_, page_ = 0, total_ = 0;
    uint8_t* base_ = nullptr;
    uint8_t* data_ = nullptr;
};

}  // namespace jao::test
