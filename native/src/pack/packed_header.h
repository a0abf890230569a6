// The 64-byte header every jao packed buffer starts with (16 little-endian
// int32 words, torchao's PackedWeightsHeader order for words 0..7), and the
// checks and checksums shared by all packed formats. Each format (intx_format,
// wo_format) owns the meaning of its words 2..13; this file owns magic, type
// id, format version (word 8) and the two CRC32C words (14: payload, 15: header).
#pragma once

#include <cstdint>
#include <string>

namespace jao::pack {

constexpr int64_t kHeaderBytes = 64;
constexpr int32_t kHeaderMagic = 6712;  // torchao PackedWeightsHeader::magic
constexpr int kHeaderWords = 16;

int32_t load_word(const void* header, int i);
void store_word(void* header, int i, int32_t w);

// Zeroes the header and writes magic, type id and format version.
void begin_header(void* dst, int32_t type_id, int32_t version);
// Writes word 14 (CRC32C of the payload after the header) and word 15 (CRC32C of bytes 0..59).
void seal_header(void* dst, int64_t payload_bytes);

// Validates pointer, size >= 64, magic, type id, header CRC and version; throws
// jao::Error (JAO_INVALID_ARGUMENT for null / short buffers, JAO_CORRUPT_DATA
// otherwise) with messages naming `fn` and the format (`what`, e.g. "intx").
void check_header(const void* packed, int64_t packed_size, int32_t type_id, int32_t version, const char* what,
                  const char* fn);

// JAO_CORRUPT_DATA naming fn / what.
[[noreturn]] void corrupt_header(const char* what, const char* fn, const std::string& why);

// Recomputes the payload CRC32C against word 14 (JAO_CORRUPT_DATA on mismatch).
void verify_payload_crc(const void* packed, int64_t payload_bytes, const char* fn);

}  // namespace jao::pack
