// Report builder: RunResult + Scenario -> the contract's JSON. Same config and seed give the
// same bytes apart from `engine` (ordered keys, no wall-clock figure outside `engine`).
#include "sim/report/report.hpp"

#include "sim/metrics/fairness.hpp"
#include "sim/report/correctness.hpp"

#include <array>
#include <cmath>
#include <map>

namespace iosim
{

using json = nlohmann::json;

static double ms(uint64_t ns) { return double(ns) / 1e6; }

static json ioprio_json(const IoprioSpec& io)
{
  json j = {{"class", to_string(io.cls)}};
  if (io.cls == IoprioClass::rt || io.cls == IoprioClass::be) j["level"] = io.level;
  return j;
}

// Disk time over backlogged windows (docs/report.md): per device, the window of the tasks is the
// intersection of the backlogged periods of every task that used the device, and likewise for
// the cgroups; each party's disk time is the part of its requests' service inside the window.
// An empty window (the parties were never all backlogged at once) falls back to whole-run totals.
struct Windows {
  std::vector<uint64_t> task_ns;                // per task
  std::vector<std::vector<uint64_t>> cgroup_ns; // [cgroup][device]
  json summary = json::array();
};

static std::vector<Span> common_window(const std::vector<const std::vector<Span>*>& parties)
{
  if (parties.empty()) return {};
  std::vector<Span> w = *parties[0];
  for (size_t i = 1; i < parties.size(); ++i)
    w = intersect_spans(w, *parties[i]);
  return w;
}

static bool has_group_spans(const RunResult& r, size_t g, size_t d)
{
  return g < r.cgroup_service.size() && d < r.cgroup_service[g].size() && g < r.cgroup_backlog.size() &&
         d < r.cgroup_backlog[g].size();
}

static Windows backlogged_windows(const RunResult& r)
{
  Windows out;
  out.task_ns.resize(r.tasks.size());
  out.cgroup_ns = r.cgroup_disk_ns;
  for (size_t d = 0; d < r.devices.size(); ++d) {
    std::vector<const std::vector<Span>*> tp, gp;
    for (const auto& t : r.tasks)
      if (t.device == int(d) && !t.service.empty()) tp.push_back(&t.backlog.periods());
    for (size_t g = 0; g < r.cgroup_disk_ns.size(); ++g)
      if (has_group_spans(r, g, d) && !r.cgroup_service[g][d].empty()) gp.push_back(&r.cgroup_backlog[g][d].periods());
    const std::vector<Span> tw = common_window(tp), gw = common_window(gp);
    const uint64_t tl = spans_length(tw), gl = spans_length(gw);
    for (size_t i = 0; i < r.tasks.size(); ++i)
      if (r.tasks[i].device == int(d))
        out.task_ns[i] = tl ? overlap_ns(r.tasks[i].service, tw) : r.tasks[i].disk_time_ns;
    for (size_t g = 0; g < r.cgroup_disk_ns.size(); ++g)
      out.cgroup_ns[g][d] =
          gl && has_group_spans(r, g, d) ? overlap_ns(r.cgroup_service[g][d], gw) : r.cgroup_disk_ns[g][d];
    out.summary.push_back({{"device", r.devices[d].name},
                           {"tasks", tp.size()},
                           {"tasks_window_ms", ms(tl)},
                           {"cgroups", gp.size()},
                           {"cgroups_window_ms", ms(gl)}});
  }
  return out;
}

// Disk time and shares summed per effective ioprio (class, level) over the active tasks.
static json by_ioprio(const std::vector<FairnessTask>& ft)
{
  std::map<std::pair<int, int>, std::array<double, 4>> acc; // window ns, share, expected, tasks
  for (const auto& f : ft) {
    if (!f.active) continue;
    int level = f.ioprio.cls == IoprioClass::idle ? 7 : f.ioprio.level;
    auto& a   = acc[{int(f.ioprio.cls), level}];
    a[0] += double(f.disk_time_ns);
    a[1] += f.share;
    a[2] += f.expected_share;
    a[3] += 1;
  }
  json out = json::array();
  for (const auto& [k, a] : acc) {
    IoprioSpec io{IoprioClass(k.first), k.second};
    json j = ioprio_json(io);
    j.update({{"tasks", int(a[3])}, {"window_disk_time_ms", a[0] / 1e6}, {"share", a[1]}, {"expected_share", a[2]}});
    out.push_back(j);
  }
  return out;
}

static double max_relative_error(const std::vector<double>& share, const std::vector<double>& expected)
{
  double m = 0;
  for (size_t i = 0; i < share.size(); ++i)
    if (expected[i] > 0) m = std::max(m, std::fabs(share[i] - expected[i]) / expected[i]);
  return m;
}

json build_report(const Scenario& sc, const RunResult& r)
{
  const Windows win = backlogged_windows(r);
  std::vector<FairnessTask> ft;
  for (const auto& t : r.tasks) {
    FairnessTask f;
    f.cgroup = t.cgroup;
    f.device = t.device;
    f.ioprio = t.kind == "flusher" ? IoprioSpec{IoprioClass::be, 4} : effective_ioprio(t.ioprio, t.nice, t.policy);
    f.sync   = t.sync;
    f.disk_time_ns = win.task_ns[ft.size()];
    f.active       = t.disk_time_ns > 0 || t.read.total_ios + t.write.total_ios > 0;
    ft.push_back(f);
  }
  std::vector<FairnessGroup> fg;
  for (size_t i = 0; i < sc.cgroups.size(); ++i) {
    FairnessGroup g;
    g.weight = sc.cgroups[i].weight;
    fg.push_back(g);
  }
  FairnessSummary fs = compute_fairness_by_device(ft, fg, win.cgroup_ns, r.devices.size());
  std::vector<double> ts, te, gs, ge;
  uint64_t max_wait = 0;
  for (size_t i = 0; i < ft.size(); ++i)
    if (ft[i].active) {
      ts.push_back(ft[i].share);
      te.push_back(ft[i].expected_share);
      max_wait = std::max(max_wait, r.tasks[i].max_wait_ns);
    }
  for (const auto& g : fg)
    if (g.active) {
      gs.push_back(g.share);
      ge.push_back(g.expected_share);
    }

  json rep;
  rep["schema"] = "iosim-report/1";
  rep["meta"]   = {{"seed", sc.seed},
                   {"ioc_api", sc.kernel.ioc_api},
                   {"memory_model", sc.kernel.memory_model},
                   {"scheduler", sc.scheduler.name},
                   {"config_sha256", sha256_hex(sc.normalised.dump())},
                   {"description", sc.description},
                   {"duration_ms", sc.duration_ms},
                   {"sim_time_ms", ms(r.sim_time_ns)},
                   {"version", IOSIM_VERSION}};
  rep["tasks"]  = json::array();
  for (size_t i = 0; i < r.tasks.size(); ++i) {
    const TaskResult& t = r.tasks[i];
    uint64_t runtime    = t.end_ns > t.start_ns ? t.end_ns - t.start_ns : 0;
    rep["tasks"].push_back({{"pid", t.pid},
                            {"name", t.name},
                            {"kind", t.kind},
                            {"cgroup", sc.cgroups[size_t(t.cgroup)].name},
                            {"ioprio", ioprio_json(ft[i].ioprio)},
                            {"ioprio_set", ioprio_json(t.ioprio)},
                            {"disk_time_ms", ms(t.disk_time_ns)},
                            {"window_disk_time_ms", ms(ft[i].disk_time_ns)},
                            {"max_wait_ms", ms(t.max_wait_ns)},
                            {"share", ft[i].share},
                            {"expected_share", ft[i].expected_share},
                            {"exit_ms", ms(t.exit_ns)},
                            {"setup_failures", t.setup_failures},
                            {"read", t.read.to_json(runtime)},
                            {"write", t.write.to_json(runtime)}});
  }
  rep["cgroups"] = json::array();
  for (size_t i = 0; i < sc.cgroups.size(); ++i) {
    uint64_t total = 0, window = 0;
    for (size_t d = 0; d < r.devices.size(); ++d) {
      total += r.cgroup_disk_ns[i][d];
      window += win.cgroup_ns[i][d];
    }
    rep["cgroups"].push_back({{"name", sc.cgroups[i].name},
                              {"weight", sc.cgroups[i].weight},
                              {"disk_time_ms", ms(total)},
                              {"window_disk_time_ms", ms(window)},
                              {"share", fg[i].share},
                              {"expected_share", fg[i].expected_share}});
  }
  rep["fairness"]    = {{"jain_index", fs.jain_index},
                        {"max_share_error", fs.max_share_error},
                        {"cgroup_jain_index", fs.cgroup_jain_index},
                        {"task_max_share_error", fs.task_max_share_error},
                        {"max_relative_share_error", max_relative_error(gs, ge)},
                        {"task_max_relative_share_error", max_relative_error(ts, te)},
                        {"max_wait_ms", ms(max_wait)},
                        {"by_ioprio", by_ioprio(ft)},
                        {"windows", win.summary}};
  rep["correctness"] = r.correctness.is_null() ? correctness_unchecked() : r.correctness;
  rep["device"]      = json::array();
  for (size_t i = 0; i < r.devices.size(); ++i) {
    const DeviceResult& d = r.devices[i];
    rep["device"].push_back({{"name", d.name},
                             {"model", sc.devices[i].model},
                             {"total_ios", d.total_ios},
                             {"io_bytes", d.io_bytes},
                             {"busy_ms", ms(d.busy_ns)},
                             {"utilization", r.sim_time_ns ? double(d.busy_ns) / double(r.sim_time_ns) : 0.0},
                             {"idle_ms", ms(r.sim_time_ns - std::min(r.sim_time_ns, d.busy_ns))},
                             {"elevator_wait_ms", ms(d.elevator_wait_ns)},
                             {"dirty_bytes_at_end", d.dirty_bytes_at_end},
                             {"scheduler", d.scheduler}});
  }
  rep["events"] = json::array();
  for (const auto& e : r.events)
    rep["events"].push_back(
        {{"time_ms", ms(e.at_ns)}, {"type", e.type}, {"task", e.task}, {"detail", e.detail}, {"result", e.result}});
  rep["pids"] = json::object();
  for (const auto& [pid, name] : r.pid_names)
    rep["pids"][std::to_string(pid)] = name;
  rep["engine"] = {{"events", r.engine_events},
                   {"wall_s", r.wall_s},
                   {"sleeps", r.engine_sleeps},
                   {"waits", r.engine_waits},
                   {"timed_waits", r.engine_timed_waits},
                   {"actors", r.engine_actors},
                   {"coalesced_steps", r.engine_coalesced}};
  return rep;
}

std::string render_report(const json& report) { return report.dump(2) + "\n"; }

} // namespace iosim
