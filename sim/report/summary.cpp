// The short human summary printed to stderr after a run (read from the report itself).
#include "sim/report/report.hpp"

#include <algorithm>
#include <cstdio>

namespace iosim
{

std::string summary_table(const nlohmann::json& r)
{
  std::string out;
  char line[256];
  const auto& m = r["meta"];
  std::snprintf(line, sizeof line, "iosim %s: seed %llu, scheduler %s, ioc_api %s, memory %s, %.1f ms simulated\n",
                m["version"].get<std::string>().c_str(), (unsigned long long)m["seed"].get<uint64_t>(),
                m["scheduler"].get<std::string>().c_str(), m["ioc_api"].get<std::string>().c_str(),
                m["memory_model"].get<std::string>().c_str(), m["sim_time_ms"].get<double>());
  out += line;
  // Columns as wide as the longest task and cgroup name (names are at most 64 characters), so
  // trace tasks named after their command and PID stay apart.
  int nw = 14, cw = 8;
  for (const auto& t : r["tasks"]) {
    nw = std::max(nw, int(t["name"].get<std::string>().size()));
    cw = std::max(cw, int(t["cgroup"].get<std::string>().size()));
  }
  std::snprintf(line, sizeof line, "%-*s %-*s %-7s %9s %10s %9s %10s %10s %10s %6s %6s\n", nw, "task", cw, "cgroup",
                "ioprio", "read_iops", "read_KiB/s", "wr_iops", "wr_KiB/s", "p50_us", "p99_us", "share", "expect");
  out += line;
  for (const auto& t : r["tasks"]) {
    const auto& rd   = t["read"];
    const auto& wr   = t["write"];
    const auto& lat  = rd["total_ios"].get<uint64_t>() >= wr["total_ios"].get<uint64_t>() ? rd : wr;
    std::string prio = t["ioprio"]["class"].get<std::string>();
    if (t["ioprio"].contains("level")) prio += "/" + std::to_string(t["ioprio"]["level"].get<int>());
    std::snprintf(line, sizeof line, "%-*s %-*s %-7s %9.1f %10.0f %9.1f %10.0f %10.1f %10.1f %6.3f %6.3f\n", nw,
                  t["name"].get<std::string>().c_str(), cw, t["cgroup"].get<std::string>().c_str(), prio.c_str(),
                  rd["iops"].get<double>(), rd["bw"].get<double>(), wr["iops"].get<double>(), wr["bw"].get<double>(),
                  double(lat["clat_ns"]["percentile"]["50.000000"].get<uint64_t>()) / 1e3,
                  double(lat["clat_ns"]["percentile"]["99.000000"].get<uint64_t>()) / 1e3, t["share"].get<double>(),
                  t["expected_share"].get<double>());
    out += line;
  }
  for (const auto& d : r["device"]) {
    std::snprintf(line, sizeof line, "device %s (%s): %llu I/Os, busy %.1f ms, utilization %.1f%%\n",
                  d["name"].get<std::string>().c_str(), d["model"].get<std::string>().c_str(),
                  (unsigned long long)d["total_ios"].get<uint64_t>(), d["busy_ms"].get<double>(),
                  100.0 * d["utilization"].get<double>());
    out += line;
  }
  const auto& f = r["fairness"];
  const auto& c = r["correctness"];
  // The shortest common backlogged window of the tasks (docs/report.md): shares over a window
  // much shorter than the run say little, and the line says so.
  double window_ms = -1;
  for (const auto& w : f["windows"])
    if (w["tasks"].get<uint64_t>() > 1 && (window_ms < 0 || w["tasks_window_ms"].get<double>() < window_ms))
      window_ms = w["tasks_window_ms"].get<double>();
  std::string over;
  if (window_ms == 0)
    over = "; the tasks were never all backlogged at once: shares of whole-run disk time";
  else if (window_ms > 0) {
    char b[160];
    const double sim_ms = m["sim_time_ms"].get<double>();
    std::snprintf(b, sizeof b, window_ms >= 10 ? "; shares over a %.0f ms window where all tasks were backlogged%s"
                                               : "; shares over a %.3g ms window where all tasks were backlogged%s",
                  window_ms, window_ms < 0.1 * sim_ms ? " (under 10% of the run: they say little)" : "");
    over = b;
  }
  std::snprintf(line, sizeof line, "fairness: jain %.3f over tasks, max cgroup share error %.3f%s\n",
                f["jain_index"].get<double>(), f["max_share_error"].get<double>(), over.c_str());
  out += line;
  std::string kinds;
  for (const auto& [kind, n] : c["counts"].items())
    if (n.get<uint64_t>()) kinds += (kinds.empty() ? " (" : ", ") + kind + " " + std::to_string(n.get<uint64_t>());
  out += "correctness: " + std::to_string(c["violations_total"].get<uint64_t>()) + " violations" +
         (kinds.empty() ? "" : kinds + ")") + " from " + std::to_string(c["checked"].size()) + " detectors that ran" +
         (kinds.empty() ? "" : "; `iosim explain REPORT` shows each interleaving") + "\n";
  return out;
}

} // namespace iosim
