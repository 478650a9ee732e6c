// tasks[] (with their I/O jobs) and events[] of a config (docs/config.md).
#include "sim/config/input_error.hpp"
#include "sim/config/parse_config.hpp"
#include "sim/config/units.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>

namespace iosim
{

static const std::vector<std::string> kRwModes = {"read", "write", "randread", "randwrite", "rw", "randrw"};

// Task names: 1-64 of letters, digits, '_', '-', '+', '@', ':' (no dots: name.i is an instance),
// not "admin" and not "flush-..." (the admin task and the flushers are named so in reports).
static const char* kTaskNameRule = "a task name (1-64 letters, digits, _ - + @ :; not \"admin\" or \"flush-...\")";

bool valid_name(const std::string& s)
{
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr("_-+@:", c)) return false;
  return true;
}

static bool valid_task_name(const std::string& s) { return valid_name(s) && s != "admin" && s.rfind("flush-", 0) != 0; }

IoprioSpec parse_ioprio(const JsonNode& n, json& norm)
{
  n.only_keys({"class", "level"});
  IoprioSpec io;
  std::string c = n.get_enum("class", {"none", "rt", "be", "idle"});
  io.cls        = c == "rt"     ? IoprioClass::rt
                  : c == "be"   ? IoprioClass::be
                  : c == "idle" ? IoprioClass::idle
                                : IoprioClass::none;
  // A.5: 8 levels (0 highest); IDLE and NONE carry no level of their own.
  if ((io.cls == IoprioClass::idle || io.cls == IoprioClass::none) && n.has("level"))
    n.fail("level", "class " + c + " takes no level (" +
                        (c == "idle" ? "IDLE has none, spec A.5)" : "NONE derives it from nice, spec A.5)"));
  io.level = int(n.get_int("level", 0, 7, 4));
  norm     = {{"class", c}};
  if (io.cls == IoprioClass::rt || io.cls == IoprioClass::be) norm["level"] = io.level;
  return io;
}

static JobSpec parse_job(const JsonNode& j, const Scenario& sc, json& norm)
{
  j.only_keys({"device",    "rw",     "rwmixread", "bs",           "bs_write",         "bsrange",  "bssplit",
               "direct",    "sync",   "iodepth",   "thinktime_us", "thinktime_blocks", "rate_kbs", "rate_bps",
               "rate_iops", "offset", "size",      "io_limit",     "runtime_ms",       "start_ms", "cmdprio",
               "seq_skip"});
  JobSpec job;
  if (!j.has("device") && sc.devices.size() != 1)
    j.fail("device", "missing (required when the config has more than one device)");
  job.device            = j.get_string("device", sc.devices.front().name);
  const DeviceSpec* dev = sc.device(job.device);
  if (!dev) {
    std::string names;
    for (const auto& d : sc.devices)
      names += (names.empty() ? "" : ", ") + d.name;
    j.fail("device", "\"" + job.device + "\" is not a device of this config (devices: " + names + ")");
  }
  std::string rw = j.get_enum("rw", kRwModes, "randread");
  job.rw         = RwMode(std::find(kRwModes.begin(), kRwModes.end(), rw) - kRwModes.begin());
  job.rwmixread  = int(j.get_int("rwmixread", 0, 100, 50));
  job.bs         = j.get_bytes("bs", 512, 16ull << 20, 4096);
  if (job.bs % 512) j.fail("bs", format_bytes(job.bs) + " is not a multiple of the 512-byte sector");
  job.bs_write = j.get_bytes("bs_write", 512, 16ull << 20, job.bs);
  if (job.bs_write % 512) j.fail("bs_write", format_bytes(job.bs_write) + " is not a multiple of the 512-byte sector");
  json nsizes          = parse_job_sizes(j, job);
  job.direct           = j.get_bool("direct", true);
  job.sync_writes      = j.get_bool("sync", false);
  job.iodepth          = int(j.get_int("iodepth", 1, 1024, 1));
  job.thinktime_us     = uint64_t(j.get_int("thinktime_us", 0, 3600000000LL, 0));
  job.rate_kbs         = uint64_t(j.get_int("rate_kbs", 0, 100000000, 0));
  job.thinktime_blocks = uint64_t(j.get_int("thinktime_blocks", 1, 1 << 30, 1));
  json nrates          = parse_job_rates(j, job);
  job.offset           = j.get_bytes("offset", 0, dev->capacity_bytes - job.bs, 0);
  if (job.offset % 512) j.fail("offset", format_bytes(job.offset) + " is not a multiple of the 512-byte sector");
  uint64_t max_bs = job_max_bs(job);
  if (max_bs > dev->capacity_bytes - job.offset) j.fail("offset", "leaves less than one block of the device");
  job.size    = j.get_bytes("size", max_bs, dev->capacity_bytes - job.offset, dev->capacity_bytes - job.offset);
  bool one_bs = job.bs == job.bs_write && job.bssplit[0].empty() && job.bssplit[1].empty() && !job.bsrange[0][0];
  job.size -= job.size % (one_bs ? job.bs : 512);
  job.io_limit   = j.get_bytes("io_limit", 0, UINT64_MAX >> 1, 0);
  job.runtime_ms = uint64_t(j.get_int("runtime_ms", 0, 86400000, 0));
  job.start_ms   = uint64_t(j.get_int("start_ms", 0, int64_t(sc.duration_ms), 0));
  job.seq_skip   = j.get_bytes("seq_skip", 0, job.size, 0);
  if (job.seq_skip % 512) j.fail("seq_skip", format_bytes(job.seq_skip) + " is not a multiple of the 512-byte sector");
  if (job.seq_skip && (rw == "randread" || rw == "randwrite" || rw == "randrw"))
    j.fail("seq_skip", "applies to the sequential rw modes (read, write, rw), not \"" + rw + "\"");
  norm           = {{"device", job.device},
                    {"rw", rw},
                    {"rwmixread", job.rwmixread},
                    {"bs", job.bs},
                    {"direct", job.direct},
                    {"sync", job.sync_writes},
                    {"iodepth", job.iodepth},
                    {"thinktime_us", job.thinktime_us},
                    {"rate_kbs", job.rate_kbs},
                    {"offset", job.offset},
                    {"size", job.size},
                    {"io_limit", job.io_limit},
                    {"runtime_ms", job.runtime_ms},
                    {"start_ms", job.start_ms},
                    {"bs_write", job.bs_write},
                    {"thinktime_blocks", job.thinktime_blocks},
                    {"seq_skip", job.seq_skip}};
  norm.update(nsizes);
  norm.update(nrates);
  norm["cmdprio"] = parse_job_cmdprio(j, job);
  return job;
}

TaskSpec parse_task(const JsonNode& t, const Scenario& sc, json& norm)
{
  t.only_keys({"name", "count", "cgroup", "ioprio", "nice", "policy", "uid", "euid", "cap_sys_nice", "job", "after"});
  TaskSpec ts;
  ts.name = t.get_string("name");
  if (!valid_task_name(ts.name)) t.fail("name", describe(t.value().at("name")) + " is not " + kTaskNameRule);
  ts.count  = int(t.get_int("count", 1, kMaxTasks, 1));
  ts.cgroup = t.get_string("cgroup", "root");
  if (!sc.cgroup(ts.cgroup))
    t.fail("cgroup", "\"" + ts.cgroup + "\" is not a cgroup of this config (declare it in cgroups[])");
  json nio = {{"class", "none"}};
  if (t.has("ioprio")) ts.ioprio = parse_ioprio(t.child("ioprio"), nio);
  ts.nice         = int(t.get_int("nice", -20, 19, 0));
  std::string pol = t.get_enum("policy", {"normal", "batch", "idle", "fifo", "rr"}, "normal");
  ts.policy       = pol == "batch"  ? SchedPolicy::batch
                    : pol == "idle" ? SchedPolicy::idle
                    : pol == "fifo" ? SchedPolicy::fifo
                    : pol == "rr"   ? SchedPolicy::rr
                                    : SchedPolicy::normal;
  ts.uid          = int(t.get_int("uid", 0, 65535, 1000));
  ts.euid         = int(t.get_int("euid", 0, 65535, ts.uid));
  ts.cap_sys_nice = t.get_bool("cap_sys_nice", false);
  // The task sets its configured ioprio on itself at start (like ionice before exec): the RT
  // class needs CAP_SYS_ADMIN (fs/ioprio.c), which only root has here.
  if (ts.ioprio.cls == IoprioClass::rt && ts.euid != 0)
    t.child("ioprio").fail("class", "\"rt\" needs CAP_SYS_ADMIN (as with ionice -c1): give the task \"uid\": 0");
  json njob  = nullptr;
  ts.has_job = t.has("job") && !t.value().at("job").is_null();
  if (ts.has_job) ts.job = parse_job(t.child("job"), sc, njob);
  // fio stonewall: names of tasks defined before this one, all of whose instances must exit first.
  json nafter = json::array();
  if (t.has("after")) {
    const json& a = t.value().at("after");
    if (!a.is_array()) t.fail("after", describe(a) + " is not an array of task names");
    for (size_t i = 0; i < a.size(); ++i) {
      std::string n = a[i].is_string() ? a[i].get<std::string>() : "";
      bool earlier  = false;
      for (const auto& o : sc.tasks)
        earlier = earlier || o.name == n;
      if (!earlier)
        t.child("after").element(i).fail_here(describe(a[i]) + " is not the name of a task defined before this one");
      ts.after.push_back(n);
      nafter.push_back(n);
    }
  }
  norm = {{"name", ts.name}, {"count", ts.count}, {"cgroup", ts.cgroup},
          {"ioprio", nio},   {"nice", ts.nice},   {"policy", pol},
          {"uid", ts.uid},   {"euid", ts.euid},   {"cap_sys_nice", ts.cap_sys_nice},
          {"after", nafter}, {"job", njob}};
  return ts;
}

void add_task(const JsonNode& t, Scenario& sc, const TaskSpec& ts)
{
  std::vector<std::string> added;
  for (int i = 0; i < ts.count; ++i) {
    std::string inst = ts.count == 1 ? ts.name : ts.name + "." + std::to_string(i);
    if (sc.instance_index.count(inst)) t.fail("name", "task instance \"" + inst + "\" is defined twice");
    added.push_back(std::move(inst));
  }
  int64_t total = int64_t(sc.instance_index.size()) + ts.count;
  if (total > kMaxTasks)
    t.fail("count", "brings the tasks to " + std::to_string(total) + ", over the limit of " +
                        std::to_string(kMaxTasks) + " (SimGrid's live-actor limit with guard pages)");
  sc.instance_index.insert(added.begin(), added.end());
  sc.tasks.push_back(ts);
}

void parse_tasks(const JsonNode& root, Scenario& sc, json& norm)
{
  norm["tasks"] = json::array();
  for (const auto& t : root.array("tasks")) {
    t.expect_object();
    json nt;
    TaskSpec ts = parse_task(t, sc, nt);
    add_task(t, sc, ts);
    norm["tasks"].push_back(nt);
  }
}

void parse_events(const JsonNode& root, Scenario& sc, json& norm)
{
  norm["events"] = json::array();
  // Tasks that exist at each point: the configured instances, then fork children in time order.
  std::vector<std::string> inst = sc.instance_names();
  std::set<std::string> known(inst.begin(), inst.end());
  int64_t total = int64_t(inst.size()), forks = 0;
  std::vector<JsonNode> evs = root.array("events");
  std::stable_sort(evs.begin(), evs.end(), [](const JsonNode& a, const JsonNode& b) {
    auto at = [](const JsonNode& n) {
      return n.value().is_object() && n.value().contains("at_ms") && n.value()["at_ms"].is_number()
                 ? n.value()["at_ms"].get<double>()
                 : 0.0;
    };
    return at(a) < at(b);
  });
  uint64_t occurrences = 0; // of repeated calls
  for (const auto& e : evs) {
    e.expect_object();
    EventSpec es;
    std::string type              = e.get_enum("type", {"fork", "exit", "ioprio_set", "ioprio_get", "cgroup_move"});
    es.type                       = type == "fork"         ? EventType::fork
                                    : type == "exit"       ? EventType::exit
                                    : type == "ioprio_set" ? EventType::ioprio_set
                                    : type == "ioprio_get" ? EventType::ioprio_get
                                                           : EventType::cgroup_move;
    std::vector<std::string> keys = {"at_ms", "type", "task"};
    if (es.type == EventType::fork) keys.insert(keys.end(), {"child", "clone_io"});
    if (es.type == EventType::ioprio_set) keys.insert(keys.end(), {"by", "ioprio", "every_us", "until_ms"});
    if (es.type == EventType::ioprio_get) keys.insert(keys.end(), {"by", "every_us", "until_ms"});
    if (es.type == EventType::cgroup_move) keys.push_back("cgroup");
    e.only_keys(keys);
    es.at_ms = uint64_t(e.get_int("at_ms", 0, int64_t(sc.duration_ms)));
    es.at_ns = es.at_ms * 1000000;
    es.task  = e.get_string("task");
    if (!known.count(es.task))
      e.fail("task", "\"" + es.task + "\" is not a task instance existing at " + std::to_string(es.at_ms) +
                         " ms (instances are name or name.i when count > 1; fork children exist after their fork)");
    json ne = {{"at_ms", es.at_ms}, {"type", type}, {"task", es.task}};
    if (es.type == EventType::fork) {
      es.child    = e.get_string("child");
      es.clone_io = e.get_bool("clone_io", false);
      if (!valid_task_name(es.child)) e.fail("child", describe(e.value().at("child")) + " is not " + kTaskNameRule);
      if (++forks + total > kMaxTasks)
        e.fail("child", "brings the tasks to " + std::to_string(forks + total) + ", over the limit of " +
                            std::to_string(kMaxTasks));
      if (!known.insert(es.child).second) e.fail("child", "\"" + es.child + "\" is already a task name");
      ne["child"]    = es.child;
      ne["clone_io"] = es.clone_io;
    } else if (es.type == EventType::ioprio_set || es.type == EventType::ioprio_get) {
      es.by = e.get_string("by", "admin");
      if (es.by != "admin" && !known.count(es.by))
        e.fail("by", "\"" + es.by + "\" is not a task instance (or \"admin\", a root task with CAP_SYS_NICE)");
      ne["by"] = es.by;
      // A repeated call (a storm): every every_us from at_ms while before until_ms.
      es.every_us = uint64_t(e.get_int("every_us", 0, 3600000000, 0));
      if (es.every_us) {
        es.until_ms =
            uint64_t(e.get_int("until_ms", int64_t(es.at_ms), int64_t(sc.duration_ms), int64_t(sc.duration_ms)));
        ne["every_us"] = es.every_us;
        ne["until_ms"] = es.until_ms;
        // Each occurrence is a kernel call and a line of the report's event log.
        const uint64_t span = es.until_ms * 1000000 - es.at_ns, step = es.every_us * 1000;
        occurrences += span ? (span + step - 1) / step : 1;
        if (occurrences > kMaxEventOccurrences)
          e.fail("every_us", "brings the event occurrences to " + std::to_string(occurrences) +
                                 ", over the limit of " + std::to_string(kMaxEventOccurrences));
      } else if (e.has("until_ms")) {
        e.fail("until_ms", "is only meaningful with every_us (a repeated call)");
      }
      if (es.type == EventType::ioprio_set) {
        json nio;
        es.ioprio    = parse_ioprio(e.child("ioprio"), nio);
        ne["ioprio"] = nio;
      }
    } else if (es.type == EventType::cgroup_move) {
      es.cgroup = e.get_string("cgroup");
      if (!sc.cgroup(es.cgroup)) e.fail("cgroup", "\"" + es.cgroup + "\" is not a cgroup of this config");
      ne["cgroup"] = es.cgroup;
    }
    sc.events.push_back(es);
    norm["events"].push_back(ne);
  }
}

} // namespace iosim
