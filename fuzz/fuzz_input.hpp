// Shared by the file-based fuzz targets: the importers read a path (with the input caps of
// sim/config/input_file.hpp), so each input is written to one scratch file per process first.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

inline std::string fuzz_input_file(const uint8_t* data, size_t size, const char* suffix)
{
  static const std::string path = "/tmp/iosim-fuzz-" + std::to_string(getpid()) + suffix;
  FILE* f                       = std::fopen(path.c_str(), "wb");
  if (!f) return path;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  return path;
}
