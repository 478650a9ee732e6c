// Size suffixes k/m/g/t (case-insensitive, optional trailing "b"/"ib"), powers of 1024 like fio.
#include "sim/config/units.hpp"

#include <cctype>

namespace iosim
{

std::optional<uint64_t> parse_bytes(const std::string& s)
{
  size_t i   = 0;
  uint64_t n = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    if (n > (UINT64_MAX - 9) / 10) return std::nullopt;
    n = n * 10 + uint64_t(s[i] - '0');
    ++i;
  }
  if (i == 0) return std::nullopt;
  std::string suffix;
  for (; i < s.size(); ++i)
    suffix += char(std::tolower(static_cast<unsigned char>(s[i])));
  int shift = 0;
  if (suffix.empty() || suffix == "b")
    shift = 0;
  else if (suffix == "k" || suffix == "kb" || suffix == "kib")
    shift = 10;
  else if (suffix == "m" || suffix == "mb" || suffix == "mib")
    shift = 20;
  else if (suffix == "g" || suffix == "gb" || suffix == "gib")
    shift = 30;
  else if (suffix == "t" || suffix == "tb" || suffix == "tib")
    shift = 40;
  else
    return std::nullopt;
  if (shift && n > (UINT64_MAX >> shift)) return std::nullopt;
  return n << shift;
}

std::string format_bytes(uint64_t n)
{
  static const char* units[] = {"", "k", "m", "g", "t"};
  int u                      = 0;
  while (u < 4 && n >= 1024 && n % 1024 == 0) {
    n /= 1024;
    ++u;
  }
  return std::to_string(n) + units[u];
}

} // namespace iosim
