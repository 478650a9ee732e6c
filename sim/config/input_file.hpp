// Reading an input file (config, job file, trace) with the documented caps (docs/testing.md,
// "Limits"): directories, unreadable paths, oversized inputs, over-long lines and NUL bytes in
// text inputs are InputErrors naming the file (and line), and a FIFO or a character device is
// read only up to the cap, so no input takes unbounded time or memory.
#pragma once
#include <cstddef>
#include <string>

namespace iosim
{

constexpr size_t kMaxConfigBytes  = size_t(64) << 20; // 64 MiB: a 30,000-task config is ~3 MiB
constexpr size_t kMaxJobFileBytes = size_t(1) << 20;  // 1 MiB of fio job file
constexpr size_t kMaxTraceBytes   = size_t(1) << 30;  // 1 GiB of trace text (~10M requests)
constexpr size_t kMaxLineBytes    = size_t(64) << 10; // 64 KiB per line of a job file or trace

// Whole content of @path. @what names the kind of file with its article ("a config file").
std::string read_input_file(const std::string& path, const std::string& what, size_t max_bytes);
// Same for a line-oriented text input: also rejects NUL bytes and lines over kMaxLineBytes,
// naming the line.
std::string read_text_input(const std::string& path, const std::string& what, size_t max_bytes);

} // namespace iosim
