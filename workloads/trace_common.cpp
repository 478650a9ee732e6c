// Windowing, scaling and grouping shared by the trace importers (see trace_import.hpp).
#include "sim/config/input_error.hpp"
#include "workloads/trace_import.hpp"

#include <algorithm>

namespace iosim::trace
{

void fail_line(const std::string& path, int line, const std::string& what)
{
  throw InputError(path + ":" + std::to_string(line) + ": " + what);
}

bool parse_u64(const std::string& s, uint64_t& out)
{
  if (s.empty() || s.size() > 20) return false;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (n > (UINT64_MAX - uint64_t(c - '0')) / 10) return false;
    n = n * 10 + uint64_t(c - '0');
  }
  out = n;
  return true;
}

uint32_t KeyTable::of(const std::string& key)
{
  auto it = index.find(key);
  if (it != index.end()) return it->second;
  keys.push_back(key);
  return index[key] = uint32_t(keys.size() - 1);
}

namespace
{

// ns -> milliseconds "1234.5" (integers only; up to 6 decimals, trailing zeros dropped).
std::string ms_text(unsigned __int128 ns)
{
  if (ns > UINT64_MAX) return "more than 18446744073709551";
  uint64_t n    = uint64_t(ns);
  std::string s = std::to_string(n / 1000000);
  if (uint64_t frac = n % 1000000) {
    std::string f = std::to_string(frac);
    f             = std::string(6 - f.size(), '0') + f;
    f.erase(f.find_last_not_of('0') + 1);
    s += "." + f;
  }
  return s;
}

} // namespace

TraceImport finish_trace(const std::string& path, std::vector<RawRecord>& raw, const std::vector<std::string>& keys,
                         uint64_t tick_ns, const TraceOptions& opt)
{
  TraceImport out;
  out.tasks.resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i)
    out.tasks[i].key = keys[i];
  if (raw.empty()) throw InputError(path + ": no requests");
  uint64_t first = raw.front().ticks, last = raw.front().ticks;
  size_t out_of_order = 0;
  for (const auto& r : raw) {
    if (r.ticks < last) ++out_of_order; // earlier than a request before it in the file
    first = std::min(first, r.ticks);
    last  = std::max(last, r.ticks);
  }
  if (out_of_order)
    out.warnings.push_back(path + ": " + std::to_string(out_of_order) +
                           " requests were out of time order in the file and were replayed in timestamp order");
  std::stable_sort(raw.begin(), raw.end(), [](const RawRecord& a, const RawRecord& b) { return a.ticks < b.ticks; });
  // The window is [start_ms, start_ms + length_ms) of the trace; its first request is time 0 of
  // the replay (raw is in time order, so that is the first one inside the window).
  unsigned __int128 zero = 0;
  bool have_zero         = false;
  for (const auto& r : raw) {
    unsigned __int128 ns = (unsigned __int128)(r.ticks - first) * tick_ns;
    if (ns < opt.start_ns) continue;
    if (opt.length_ns && ns - opt.start_ns >= opt.length_ns) continue;
    if (!have_zero) {
      zero      = ns;
      have_zero = true;
    }
    ns -= zero;
    unsigned __int128 scaled = ns * opt.scale_ppm / 1000000;
    if (scaled > UINT64_MAX / 2) throw InputError("trace timestamps span more than 292 years after scaling");
    TraceRecord rec;
    rec.t_ns   = uint64_t(scaled);
    rec.offset = r.offset;
    rec.bytes  = r.bytes;
    rec.write  = r.write;
    rec.sync   = r.sync;
    out.tasks[r.task].records.push_back(rec);
    out.requests++;
    out.bytes += r.bytes;
  }
  if (!out.requests) {
    unsigned __int128 span = (unsigned __int128)(last - first) * tick_ns;
    if (opt.start_ns > span)
      throw InputError(path + ": no requests: start_ms " + ms_text(opt.start_ns) +
                       " is past the trace's last request at " + ms_text(span) + " ms (from its first)");
    unsigned __int128 next = span; // the first request at or after start_ns
    for (const auto& r : raw) {
      unsigned __int128 ns = (unsigned __int128)(r.ticks - first) * tick_ns;
      if (ns >= opt.start_ns) {
        next = ns;
        break;
      }
    }
    throw InputError(path + ": no requests in the window start_ms " + ms_text(opt.start_ns) + ", length_ms " +
                     ms_text(opt.length_ns) + ": the first request after start_ms is at " + ms_text(next) + " ms");
  }
  // Tasks left without a request in the window create nothing.
  out.tasks.erase(
      std::remove_if(out.tasks.begin(), out.tasks.end(), [](const TraceTask& t) { return t.records.empty(); }),
      out.tasks.end());
  return out;
}

} // namespace iosim::trace
