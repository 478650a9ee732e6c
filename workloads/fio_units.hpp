// fio's number syntax (fio 3.33 parse.c, docs/workloads.md "Units"): sizes with k/m/g/t/p
// suffixes read under kb_base, percentages, and times with us/ms/s/m/h/d suffixes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace iosim::fio
{

struct FioSize {
  uint64_t value = 0;
  bool percent   = false; // "50%": value is the percentage
};

// A size as fio reads it: decimal (or 0x hex) digits, then an optional case-insensitive suffix.
// kb_base 1024 (fio's default, "compatibility mode"): k/kb = 1024 and kib = 1000; kb_base 1000:
// k/kb = 1000 and kib = 1024 (and likewise m, g, t, p). "b" alone is bytes; "%" a percentage.
// nullopt: not a size (sign, fraction, unknown suffix or overflow).
std::optional<FioSize> parse_size(const std::string& s, unsigned kb_base);

// A time in microseconds: digits and an optional suffix us/usec, ms/msec, s/sec, m/min, h, d;
// without a suffix the unit is seconds when `seconds` (runtime, startdelay) else microseconds
// (thinktime).
std::optional<uint64_t> parse_time_us(const std::string& s, bool seconds);

// A plain non-negative integer (no suffix), e.g. numjobs, iodepth, percentages.
std::optional<uint64_t> parse_uint(const std::string& s);

} // namespace iosim::fio
