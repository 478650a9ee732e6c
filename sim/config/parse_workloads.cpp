// workloads[] of a config (docs/config.md, docs/workloads.md): fio job files and traces, each
// creating its own tasks. fio jobs become tasks[] entries parsed like hand-written ones; traces
// become tasks replaying their request lists. The normalised config lists the created tasks
// under workloads[i].tasks (they are not added to tasks[], which holds the hand-written ones).
#include "sim/config/input_error.hpp"
#include "sim/config/parse_config.hpp"
#include "workloads/fio_import.hpp"
#include "workloads/trace_import.hpp"

#include <cmath>

namespace iosim
{

namespace
{

std::string resolve_path(const Scenario& sc, const std::string& file)
{
  if (file.empty() || file[0] == '/' || sc.base_dir.empty()) return file;
  return sc.base_dir + "/" + file;
}

std::string workload_device(const JsonNode& w, const Scenario& sc)
{
  if (!w.has("device") && sc.devices.size() != 1)
    w.fail("device", "missing (required when the config has more than one device)");
  std::string dev = w.get_string("device", sc.devices.front().name);
  if (!sc.device(dev)) w.fail("device", "\"" + dev + "\" is not a device of this config");
  return dev;
}

void parse_fio_workload(const JsonNode& w, Scenario& sc, const std::string& path, json& nw)
{
  w.only_keys({"type", "file", "device"});
  std::string dev    = workload_device(w, sc);
  fio::FioImport imp = fio::import_fio(path, sc.devices, dev);
  nw["device"]       = dev;
  nw["cgroups"]      = json::array();
  for (const auto& c : imp.cgroups) {
    std::string name = c["name"];
    int weight       = c["weight"];
    if (const CgroupSpec* have = sc.cgroup(name)) {
      if (have->weight != weight)
        throw InputError(path + ": cgroup \"" + name + "\" has weight " + std::to_string(weight) + " here but " +
                         std::to_string(have->weight) + " in the config");
      continue;
    }
    sc.cgroups.push_back({name, weight});
    nw["cgroups"].push_back(c);
  }
  nw["tasks"] = json::array();
  for (size_t i = 0; i < imp.tasks.size(); ++i) {
    JsonNode t(imp.tasks[i], path, "job [" + imp.tasks[i]["name"].get<std::string>() + "]");
    json nt;
    TaskSpec ts = parse_task(t, sc, nt);
    add_task(t, sc, ts);
    nw["tasks"].push_back(nt);
  }
  sc.warnings.insert(sc.warnings.end(), imp.warnings.begin(), imp.warnings.end());
}

std::string sanitize(const std::string& s)
{
  std::string out;
  for (char c : s)
    out += std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_-+@:", c) ? c : '_';
  return out;
}

void parse_trace_workload(const JsonNode& w, Scenario& sc, const std::string& type, const std::string& path, json& nw)
{
  std::vector<std::string> keys = {"type", "file",       "device",   "prefix",   "cgroup",
                                   "loop", "time_scale", "start_ms", "length_ms"};
  if (type == "blkparse") keys.insert(keys.end(), {"event", "dev"});
  if (type == "msr") keys.insert(keys.end(), {"tasks", "sync_writes"});
  if (type == "iolog") keys.insert(keys.end(), {"tasks", "sync_writes"});
  w.only_keys(keys);
  std::string dev = workload_device(w, sc);
  trace::TraceOptions opt;
  opt.capacity       = sc.device(dev)->capacity_bytes;
  double scale       = w.get_double("time_scale", 1e-6, 1e6, 1.0);
  opt.scale_ppm      = uint64_t(std::llround(scale * 1e6));
  uint64_t start_ms  = uint64_t(w.get_int("start_ms", 0, int64_t(1) << 40, 0));
  uint64_t len_ms    = uint64_t(w.get_int("length_ms", 0, int64_t(1) << 40, 0));
  opt.start_ns       = start_ms * 1000000;
  opt.length_ns      = len_ms * 1000000;
  std::string prefix = w.get_string("prefix", type);
  std::string cgroup = w.get_string("cgroup", "root");
  if (!sc.cgroup(cgroup)) w.fail("cgroup", "\"" + cgroup + "\" is not a cgroup of this config");
  nw.update({{"device", dev},
             {"time_scale", scale},
             {"start_ms", start_ms},
             {"length_ms", len_ms},
             {"prefix", prefix},
             {"cgroup", cgroup}});
  trace::TraceImport imp;
  if (type == "blkparse") {
    opt.blk_event = w.get_enum("event", {"D", "Q"}, "D");
    opt.blk_dev   = w.get_string("dev", "");
    std::string canon;
    if (!opt.blk_dev.empty() && !trace::parse_blk_dev(opt.blk_dev, canon))
      w.fail("dev", "\"" + opt.blk_dev + "\" is not a device number MAJ,MIN (e.g. \"8,0\")");
    nw.update({{"event", opt.blk_event}, {"dev", opt.blk_dev}});
    imp = trace::import_blkparse(path, opt);
  } else {
    opt.sync_writes   = w.get_bool("sync_writes", true);
    nw["sync_writes"] = opt.sync_writes;
    if (type == "msr") {
      opt.msr_tasks   = w.get_enum("tasks", {"disk", "host", "one"}, "disk");
      nw["tasks_per"] = opt.msr_tasks;
      imp             = trace::import_msr(path, opt);
    } else {
      std::string per    = w.get_enum("tasks", {"one", "file"}, "one");
      opt.iolog_per_file = per == "file";
      nw["tasks_per"]    = per;
      imp                = trace::import_iolog(path, opt);
    }
  }
  // Timestamps drive an open loop; a v2 iolog has none, so it is replayed closed-loop.
  std::string loop = w.get_enum("loop", {"open", "closed"}, imp.iolog_version == 2 ? "closed" : "open");
  if (imp.iolog_version == 2 && loop == "open")
    w.fail("loop", "\"open\" needs timestamps, which a version 2 iolog does not have (use \"closed\")");
  nw["loop"]     = loop;
  nw["requests"] = imp.requests;
  nw["bytes"]    = imp.bytes;
  nw["tasks"]    = json::array();
  for (auto& tt : imp.tasks) {
    TaskSpec ts;
    ts.name = sanitize(prefix + "-" + tt.key);
    // Task names follow the config's rule (docs/config.md): at most 64 characters, and the
    // names of iosim's own tasks (admin, flush-DEV) are not available.
    if (ts.name.size() > 64)
      w.fail("prefix", "\"" + prefix + "\" makes the task name \"" + ts.name +
                           "\" longer than 64 characters (names are PREFIX-KEY)");
    if (ts.name.rfind("flush-", 0) == 0)
      w.fail("prefix", "\"" + prefix + "\" makes the task name \"" + ts.name +
                           "\", which is reserved for the flusher tasks (flush-DEV)");
    ts.cgroup     = cgroup;
    ts.job.device = dev;
    ts.job.direct = true;
    ts.job.bs = ts.job.bs_write = 512;
    ts.job.size                 = sc.device(dev)->capacity_bytes;
    ts.job.closed_loop          = loop == "closed";
    ts.job.iodepth              = ts.job.closed_loop ? 1 : 1 << 30;
    uint64_t reads = 0, writes = 0, bytes = 0;
    for (const auto& r : tt.records) {
      (r.write ? writes : reads)++;
      bytes += r.bytes;
    }
    json ntrace  = {{"requests", tt.records.size()},
                    {"reads", reads},
                    {"writes", writes},
                    {"bytes", bytes},
                    {"first_ns", tt.records.front().t_ns},
                    {"last_ns", tt.records.back().t_ns}};
    ts.job.trace = std::make_shared<const std::vector<TraceRecord>>(std::move(tt.records));
    add_task(w, sc, ts);
    nw["tasks"].push_back(
        {{"name", ts.name}, {"cgroup", cgroup}, {"job", {{"device", dev}, {"loop", loop}, {"trace", ntrace}}}});
  }
  sc.warnings.insert(sc.warnings.end(), imp.warnings.begin(), imp.warnings.end());
}

} // namespace

void parse_workloads(const JsonNode& root, Scenario& sc, json& norm)
{
  norm["workloads"] = json::array();
  for (const auto& w : root.array("workloads")) {
    w.expect_object();
    std::string type = w.get_enum("type", {"fio", "blkparse", "msr", "iolog"});
    std::string file = w.get_string("file");
    if (file.empty()) w.fail("file", "empty path");
    std::string path = resolve_path(sc, file);
    json nw          = {{"type", type}, {"file", file}};
    if (type == "fio")
      parse_fio_workload(w, sc, path, nw);
    else
      parse_trace_workload(w, sc, type, path, nw);
    norm["workloads"].push_back(nw);
  }
}

} // namespace iosim
