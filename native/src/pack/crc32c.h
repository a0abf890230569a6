// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
// packed-buffer payloads. SSE4.2 instruction on x86 when present, else portable
// table-driven code (slicing by 8); it runs on pack / verify / unpack and the
// header check of run.
#pragma once

#include <cstddef>
#include <cstdint>

namespace jao::pack {

// crc32c("123456789") == 0xE3069283. Pass the previous result as `crc` to continue a stream.
uint32_t crc32c(const void* data, size_t size, uint32_t crc = 0) noexcept;

}  // namespace jao::pack
