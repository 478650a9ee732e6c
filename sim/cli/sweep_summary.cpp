// `iosim sweep --summary`: what a sweep's analysis reads, without the bulk of the report (the
// violation traces, clat min/max/N) and without `engine`, so summaries are byte-identical for
// the same config and seed. Key names and units stay those of the report (docs/report.md).
#include "sim/cli/sweep.hpp"

namespace iosim
{

static nlohmann::json direction(const nlohmann::json& d)
{
  nlohmann::json out;
  for (const char* k : {"total_ios", "io_bytes", "bw", "iops"})
    if (d.contains(k)) out[k] = d[k];
  if (d.contains("clat_ns"))
    for (const char* k : {"mean", "percentile"})
      if (d["clat_ns"].contains(k)) out["clat_ns"][k] = d["clat_ns"][k];
  return out;
}

nlohmann::json report_summary(const nlohmann::json& r)
{
  nlohmann::json s;
  s["schema"] = "iosim-sweep-summary/1";
  s["meta"]   = r["meta"];
  s["tasks"]  = nlohmann::json::array();
  for (const auto& t : r["tasks"]) {
    nlohmann::json o;
    for (const char* k : {"pid", "name", "cgroup", "ioprio", "disk_time_ms", "share", "expected_share"})
      if (t.contains(k)) o[k] = t[k];
    o["read"]  = direction(t["read"]);
    o["write"] = direction(t["write"]);
    s["tasks"].push_back(o);
  }
  for (const char* k : {"cgroups", "fairness", "device"})
    if (r.contains(k)) s[k] = r[k];
  const auto& c    = r["correctness"];
  s["correctness"] = {{"checked", c["checked"]}, {"violations_total", c["violations_total"]}, {"counts", c["counts"]}};
  return s;
}

} // namespace iosim
