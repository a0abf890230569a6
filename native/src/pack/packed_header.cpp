#include "pack/packed_header.h"

#include <cstring>

#include "abi/guard.h"
#include "pack/crc32c.h"

namespace jao::pack {
namespace {

uint32_t header_crc(const void* h) { return crc32c(h, 60); }

}  // namespace

int32_t load_word(const void* header, int i) {
    int32_t w;
    std::memcpy(&w, static_cast<const uint8_t*>(header) + 4 * i, 4);  // little-endian hosts only (x86_64, aarch64)
    return w;
}

void store_word(void* header, int i, int32_t w) { std::memcpy(static_cast<uint8_t*>(header) + 4 * i, &w, 4); }

void begin_header(void* dst, int32_t type_id, int32_t version) {
    std::memset(dst, 0, kHeaderBytes);
    store_word(dst, 0, kHeaderMagic);
    store_word(dst, 1, type_id);
    store_word(dst, 8, version);
}

void seal_header(void* dst, int64_t payload_bytes) {
    const uint8_t* payload = static_cast<const uint8_t*>(dst) + kHeaderBytes;
    store_word(dst, 14, static_cast<int32_t>(crc32c(payload, static_cast<size_t>(payload_bytes))));
    store_word(dst, 15, static_cast<int32_t>(header_crc(dst)));
}

void corrupt_header(const char* what, const char* fn, const std::string& why) {
    fail(JAO_CORRUPT_DATA, std::string(fn) + ": not a valid jao " + what + " packed buffer: " + why);
}

void check_header(const void* packed, int64_t packed_size, int32_t type_id, int32_t version, const char* what,
                  const char* fn) {
    require(packed != nullptr, fn, "packed buffer must not be null");
    require(packed_size >= kHeaderBytes, fn,
            [&] {
                return "packed buffer of " + std::to_string(packed_size) + " bytes is smaller than the 64-byte header";
            });
    const auto str = [](int64_t v) { return std::to_string(v); };
    if (load_word(packed, 0) != kHeaderMagic) corrupt_header(what, fn, "bad magic " + str(load_word(packed, 0)));
    if (load_word(packed, 1) != type_id)
        corrupt_header(what, fn, "packed type " + str(load_word(packed, 1)) + ", expected " + str(type_id));
    if (static_cast<uint32_t>(load_word(packed, 15)) != header_crc(packed))
        corrupt_header(what, fn, "header checksum mismatch");
    if (load_word(packed, 8) != version)
        corrupt_header(what, fn,
                       "format version " + str(load_word(packed, 8)) + ", this library reads " + str(version));
}

void verify_payload_crc(const void* packed, int64_t payload_bytes, const char* fn) {
    const uint8_t* payload = static_cast<const uint8_t*>(packed) + kHeaderBytes;
    if (crc32c(payload, static_cast<size_t>(payload_bytes)) != static_cast<uint32_t>(load_word(packed, 14)))
        fail(JAO_CORRUPT_DATA, std::string(fn) + ": packed payload checksum (CRC32C) mismatch");
}

}  // namespace jao::pack
