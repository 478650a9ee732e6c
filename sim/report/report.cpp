// Report builder: RunResult + Scenario -> the contract's JSON. Same config and seed give the
// same bytes apart from `engine` (ordered keys, no wall-clock figure outside `engine`).
#include "sim/report/report.hpp"

#include "sim/metrics/fairness.hpp"
#include "sim/report/correctness.hpp"

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

json build_report(const Scenario& sc, const RunResult& r)
{
  std::vector<FairnessTask> ft;
  for (const auto& t : r.tasks) {
    FairnessTask f;
    f.cgroup = t.cgroup;
    f.device = t.device;
    f.ioprio = t.kind == "flusher" ? IoprioSpec{IoprioClass::be, 4} : effective_ioprio(t.ioprio, t.nice, t.policy);
    f.sync   = t.sync;
    f.disk_time_ns = t.disk_time_ns;
    f.active       = t.disk_time_ns > 0 || t.read.total_ios + t.write.total_ios > 0;
    ft.push_back(f);
  }
  std::vector<FairnessGroup> fg;
  for (size_t i = 0; i < sc.cgroups.size(); ++i) {
    FairnessGroup g;
    g.weight = sc.cgroups[i].weight;
    fg.push_back(g);
  }
  FairnessSummary fs = compute_fairness_by_device(ft, fg, r.cgroup_disk_ns, r.devices.size());

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
                            {"share", ft[i].share},
                            {"expected_share", ft[i].expected_share},
                            {"exit_ms", ms(t.exit_ns)},
                            {"setup_failures", t.setup_failures},
                            {"read", t.read.to_json(runtime)},
                            {"write", t.write.to_json(runtime)}});
  }
  rep["cgroups"] = json::array();
  for (size_t i = 0; i < sc.cgroups.size(); ++i)
    rep["cgroups"].push_back({{"name", sc.cgroups[i].name},
                              {"weight", sc.cgroups[i].weight},
                              {"disk_time_ms", ms(fg[i].disk_time_ns)},
                              {"share", fg[i].share},
                              {"expected_share", fg[i].expected_share}});
  rep["fairness"]    = {{"jain_index", fs.jain_index},
                        {"max_share_error", fs.max_share_error},
                        {"cgroup_jain_index", fs.cgroup_jain_index},
                        {"task_max_share_error", fs.task_max_share_error}};
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
  rep["engine"] = {{"events", r.engine_events},           {"wall_s", r.wall_s},
                   {"sleeps", r.engine_sleeps},           {"waits", r.engine_waits},
                   {"timed_waits", r.engine_timed_waits}, {"actors", r.engine_actors}};
  return rep;
}

std::string render_report(const json& report) { return report.dump(2) + "\n"; }

} // namespace iosim
