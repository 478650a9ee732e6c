// fio-compatible per-direction JSON (bw in KiB/s as fio's "bw", iops per second).
#include "sim/metrics/io_stats.hpp"

namespace iosim
{

nlohmann::json DirStats::to_json(uint64_t runtime_ns) const
{
  if (total_ios == 0) runtime_ns = 0; // fio reports no runtime for a direction without I/O
  double secs        = double(runtime_ns) / 1e9;
  nlohmann::json pct = nlohmann::json::object();
  const auto& ps             = LatencyHistogram::default_percentiles();
  std::vector<uint64_t> vals = clat.percentiles(ps);
  for (size_t i = 0; i < ps.size(); ++i)
    pct[percentile_key(ps[i])] = vals[i];
  return {
      {"total_ios", total_ios},
      {"io_bytes", io_bytes},
      {"runtime_ms", runtime_ns / 1000000},
      {"bw", secs > 0 ? double(io_bytes) / 1024.0 / secs : 0.0},
      {"iops", secs > 0 ? double(total_ios) / secs : 0.0},
      {"clat_ns",
       {{"min", clat.min()}, {"max", clat.max()}, {"mean", clat.mean()}, {"N", clat.count()}, {"percentile", pct}}}};
}

} // namespace iosim
