// fio number and time syntax (see fio_units.hpp).
#include "workloads/fio_units.hpp"

#include <cctype>

namespace iosim::fio
{

static std::string lower(std::string s)
{
  for (auto& c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Digits (or 0x hex digits) at the front of `s`; `rest` gets what follows.
static std::optional<uint64_t> leading_number(const std::string& s, std::string& rest)
{
  size_t i = 0;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i    = 2;
  }
  size_t start = i;
  uint64_t n   = 0;
  for (; i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i])); ++i) {
    if (base == 10 && !std::isdigit(static_cast<unsigned char>(s[i]))) break;
    uint64_t d =
        std::isdigit(static_cast<unsigned char>(s[i])) ? uint64_t(s[i] - '0') : uint64_t(std::tolower(s[i]) - 'a' + 10);
    if (n > (UINT64_MAX - d) / uint64_t(base)) return std::nullopt;
    n = n * uint64_t(base) + d;
  }
  if (i == start) return std::nullopt;
  rest = s.substr(i);
  return n;
}

std::optional<uint64_t> parse_uint(const std::string& s)
{
  std::string rest;
  auto n = leading_number(s, rest);
  if (!n || !rest.empty()) return std::nullopt;
  return n;
}

std::optional<FioSize> parse_size(const std::string& s, unsigned kb_base)
{
  std::string rest;
  auto n = leading_number(s, rest);
  if (!n) return std::nullopt;
  std::string suf = lower(rest);
  if (suf == "%") return FioSize{*n, true};
  if (suf.empty() || suf == "b") return FioSize{*n, false};
  static const char* prefixes = "kmgtp";
  int pow                     = 0;
  for (int i = 0; prefixes[i]; ++i)
    if (suf[0] == prefixes[i]) pow = i + 1;
  if (!pow) return std::nullopt;
  std::string tail = suf.substr(1);
  uint64_t mult;
  if (tail.empty() || tail == "b")
    mult = kb_base; // k, kb: the "SI" spelling takes kb_base
  else if (tail == "ib")
    mult = kb_base == 1024 ? 1000 : 1024; // kib: the opposite base (fio's compatibility rule)
  else
    return std::nullopt;
  uint64_t v = *n;
  for (int i = 0; i < pow; ++i) {
    if (v > UINT64_MAX / mult) return std::nullopt;
    v *= mult;
  }
  return FioSize{v, false};
}

std::optional<uint64_t> parse_time_us(const std::string& s, bool seconds)
{
  std::string rest;
  auto n = leading_number(s, rest);
  if (!n) return std::nullopt;
  std::string suf = lower(rest);
  uint64_t mult;
  if (suf.empty())
    mult = seconds ? 1000000 : 1;
  else if (suf == "us" || suf == "usec")
    mult = 1;
  else if (suf == "ms" || suf == "msec")
    mult = 1000;
  else if (suf == "s" || suf == "sec")
    mult = 1000000;
  else if (suf == "m" || suf == "min")
    mult = 60000000;
  else if (suf == "h")
    mult = 3600000000ull;
  else if (suf == "d")
    mult = 86400000000ull;
  else
    return std::nullopt;
  if (*n > UINT64_MAX / mult) return std::nullopt;
  return *n * mult;
}

} // namespace iosim::fio
