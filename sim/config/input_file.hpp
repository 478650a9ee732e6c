// Reading an input file (config, job file, trace) with the documented size cap (docs/testing.md,
// "Limits"): directories, unreadable paths and oversized inputs are InputErrors naming the file,
// and a FIFO or a character device is read only up to the cap, so no input takes unbounded time
// or memory.
#pragma once
#include <cstddef>
#include <string>

namespace iosim
{

constexpr size_t kMaxConfigBytes = size_t(64) << 20; // 64 MiB: a 30,000-task config is ~3 MiB

// Whole content of @path; @what names the kind of file in messages ("config file").
std::string read_input_file(const std::string& path, const char* what, size_t max_bytes);

} // namespace iosim
