// The sweep's flags and its fixed run order (sweep.hpp, docs/sweeps.md).
#include "sim/cli/sweep.hpp"
#include "sim/config/input_error.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace iosim
{

static bool all_digits(const std::string& s, size_t max_len)
{
  return !s.empty() && s.size() <= max_len && s.find_first_not_of("0123456789") == std::string::npos;
}

// A value as --set reads it: JSON when it parses, else the bare string.
static nlohmann::ordered_json read_value(const std::string& flag, const std::string& text)
{
  try {
    return nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error&) {
    return text;
  } catch (const nlohmann::json::exception&) {
    throw InputError(flag + ": value " + text + ": the number is too large for a double");
  }
}

// Splits on commas that are outside "...", [...] and {...}, so a JSON array or a quoted string
// with commas stays one value.
static std::vector<std::string> split_values(const std::string& flag, const std::string& list)
{
  std::vector<std::string> out;
  std::string cur;
  int depth   = 0;
  bool in_str = false, escaped = false;
  for (char c : list) {
    if (in_str) {
      in_str  = escaped || c != '"';
      escaped = !escaped && c == '\\';
    } else if (c == '"') {
      in_str = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  out.push_back(cur);
  for (const auto& v : out)
    if (v.empty()) throw InputError(flag + ": empty value in the list (expected KEY=V1,V2,...)");
  return out;
}

GridAxis parse_grid(const std::string& text)
{
  std::string flag = "--grid " + text;
  auto eq          = text.find('=');
  if (eq == std::string::npos || eq == 0) throw InputError(flag + ": expected KEY=V1,V2,... (e.g. kernel.hz=100,1000)");
  GridAxis ax;
  ax.key   = text.substr(0, eq);
  ax.texts = split_values(flag, text.substr(eq + 1));
  for (const auto& t : ax.texts) {
    ax.values.push_back(read_value(flag, t));
    for (size_t i = 0; i + 1 < ax.values.size(); ++i)
      if (ax.values[i] == ax.values.back()) throw InputError(flag + ": value " + t + " is listed twice");
  }
  return ax;
}

void parse_seeds(const std::string& text, SweepArgs& a)
{
  std::string flag = "--seeds " + text;
  auto dash        = text.find('-');
  std::string lo = text.substr(0, dash), hi = dash == std::string::npos ? lo : text.substr(dash + 1);
  auto bad = [&] { throw InputError(flag + ": expected A-B (or N) with 0 <= A <= B <= " + std::to_string(INT64_MAX)); };
  if (!all_digits(lo, 19) || !all_digits(hi, 19)) bad();
  a.seed_first = std::stoull(lo);
  a.seed_last  = std::stoull(hi);
  if (a.seed_first > uint64_t(INT64_MAX) || a.seed_last > uint64_t(INT64_MAX) || a.seed_first > a.seed_last) bad();
}

void parse_shard(const std::string& text, SweepArgs& a)
{
  auto slash    = text.find('/');
  std::string i = text.substr(0, slash), n = slash == std::string::npos ? "" : text.substr(slash + 1);
  if (!all_digits(i, 9) || !all_digits(n, 9) || std::stoull(n) == 0 || std::stoull(i) >= std::stoull(n))
    throw InputError("--shard " + text + ": expected I/N with 0 <= I < N (0-based, e.g. 0/4)");
  a.shard  = std::stoull(i);
  a.shards = std::stoull(n);
}

unsigned parse_jobs(const std::string& text)
{
  if (!all_digits(text, 4) || std::stoul(text) < 1 || std::stoul(text) > 1024)
    throw InputError("--jobs " + text + ": expected an integer 1..1024");
  return unsigned(std::stoul(text));
}

double parse_timeout(const std::string& text)
{
  char* end = nullptr;
  double v  = std::strtod(text.c_str(), &end);
  if (text.empty() || *end || !std::isfinite(v) || v < 0 || v > 1e7 ||
      text.find_first_not_of("0123456789.") != std::string::npos)
    throw InputError("--timeout " + text + ": expected seconds, a number 0..10000000 (0 = no limit)");
  return v;
}

SweepPlan make_plan(const SweepArgs& a)
{
  SweepPlan p;
  p.args             = &a;
  p.seeds            = a.seed_last - a.seed_first + 1;
  const double limit = 1e9; // runs: far beyond any sweep; keeps the resume bitmap small
  double points      = 1;
  for (const auto& ax : a.grid)
    points *= double(ax.values.size());
  if (points * double(p.seeds) > limit) {
    char n[64];
    std::snprintf(n, sizeof n, "%.0f", points * double(p.seeds));
    throw InputError(std::string("--seeds/--grid: ") + n + " runs; a sweep has at most 10^9");
  }
  p.points = uint64_t(points);
  p.total  = p.points * p.seeds;
  return p;
}

// Point p's value index on each axis: the last axis varies fastest.
static std::vector<size_t> digits(const SweepArgs& a, size_t p)
{
  std::vector<size_t> d(a.grid.size());
  for (size_t k = a.grid.size(); k-- > 0;) {
    d[k] = p % a.grid[k].values.size();
    p /= a.grid[k].values.size();
  }
  return d;
}

nlohmann::ordered_json SweepPlan::point(size_t p) const
{
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  auto d                     = digits(*args, p);
  for (size_t k = 0; k < d.size(); ++k)
    out[args->grid[k].key] = args->grid[k].values[d[k]];
  return out;
}

std::vector<std::string> SweepPlan::sets(size_t p) const
{
  std::vector<std::string> out = args->sets;
  auto d                       = digits(*args, p);
  for (size_t k = 0; k < d.size(); ++k)
    out.push_back(args->grid[k].key + "=" + args->grid[k].texts[d[k]]);
  return out;
}

} // namespace iosim
