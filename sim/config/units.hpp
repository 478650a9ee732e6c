// Byte-count parsing and printing ("4k" = 4096, as fio reads sizes: powers of 1024).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace iosim
{
std::optional<uint64_t> parse_bytes(const std::string& s);
std::string format_bytes(uint64_t n);
} // namespace iosim
