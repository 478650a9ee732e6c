// Per-task, per-direction I/O statistics, reported under fio's JSON names and units
// (architecture doc, Report keys): total_ios, io_bytes, bw (KiB/s), iops, clat_ns.
#pragma once
#include "sim/metrics/histogram.hpp"

#include <nlohmann/json.hpp>

namespace iosim
{

struct DirStats {
  uint64_t total_ios = 0;
  uint64_t io_bytes  = 0;
  LatencyHistogram clat;
  void record(uint64_t bytes, uint64_t clat_ns)
  {
    total_ios++;
    io_bytes += bytes;
    clat.add(clat_ns);
  }
  // runtime_ns: how long the task was issuing I/O (fio's job runtime).
  nlohmann::json to_json(uint64_t runtime_ns) const;
};

} // namespace iosim
