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

TraceImport finish_trace(std::vector<RawRecord>& raw, const std::vector<std::string>& keys, uint64_t tick_ns,
                         const TraceOptions& opt)
{
  TraceImport out;
  out.tasks.resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i)
    out.tasks[i].key = keys[i];
  if (raw.empty()) return out;
  uint64_t first = raw.front().ticks;
  for (const auto& r : raw)
    first = std::min(first, r.ticks);
  std::stable_sort(raw.begin(), raw.end(), [](const RawRecord& a, const RawRecord& b) { return a.ticks < b.ticks; });
  for (const auto& r : raw) {
    unsigned __int128 ns = (unsigned __int128)(r.ticks - first) * tick_ns;
    if (ns < opt.start_ns) continue;
    ns -= opt.start_ns;
    if (opt.length_ns && ns >= opt.length_ns) continue;
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
  // Tasks left without a request in the window create nothing.
  out.tasks.erase(
      std::remove_if(out.tasks.begin(), out.tasks.end(), [](const TraceTask& t) { return t.records.empty(); }),
      out.tasks.end());
  return out;
}

} // namespace iosim::trace
