// What one simulation produced, as plain data (no SimGrid types): the engine fills it, the
// report writer turns it into the report JSON of the contract.
#pragma once
#include "sim/config/scenario.hpp"
#include "sim/metrics/backlog.hpp"
#include "sim/metrics/io_stats.hpp"

#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace iosim
{

struct TaskResult {
  int pid = 0;
  std::string name;
  std::string kind = "task"; // task | flusher
  int cgroup       = 0;      // index into Scenario::cgroups, at the end of the run
  IoprioSpec ioprio;         // as set (class none = derived from nice/policy)
  int nice           = 0;
  SchedPolicy policy = SchedPolicy::normal;
  int device         = -1;   // the device its I/O goes to (-1: none)
  bool sync          = true; // its requests go to a sync queue (false for the flusher)
  DirStats read, write;
  uint64_t disk_time_ns   = 0;       // device service time of its requests
  uint64_t setup_failures = 0;       // I/Os given up after request setup kept failing (D.7, G.5)
  uint64_t start_ns = 0, end_ns = 0; // its I/O phase (fio's job runtime)
  uint64_t exit_ns = 0;
  // fairness over backlogged windows (sim/metrics/backlog.hpp)
  BacklogTrack backlog;
  std::vector<Span> service; // [dispatch, completion] of each request
  uint64_t max_wait_ns = 0;  // longest submission-to-dispatch wait of one request (starvation)
};

struct DeviceResult {
  std::string name;
  uint64_t total_ios = 0, io_bytes = 0;
  uint64_t busy_ns            = 0;
  uint64_t dirty_bytes_at_end = 0;
  uint64_t elevator_wait_ns   = 0; // nothing in flight while the elevator held requests (anticipation)
  nlohmann::json scheduler    = nlohmann::json::object();
};

struct EventResult {
  uint64_t at_ns = 0;
  std::string type, task, detail, result;
};

struct RunResult {
  uint64_t sim_time_ns = 0;
  std::deque<TaskResult> tasks; // a deque: references stay valid while forks append
  std::vector<DeviceResult> devices;
  // [cgroup][device]: device time by the issuer's group at submission
  std::vector<std::vector<uint64_t>> cgroup_disk_ns;
  std::vector<std::vector<BacklogTrack>> cgroup_backlog;      // [cgroup][device], by the issuer's group
  std::vector<std::vector<std::vector<Span>>> cgroup_service; // [cgroup][device]
  std::vector<EventResult> events;
  uint64_t engine_events = 0;
  // What the engine asked of SimGrid (the benchmark floor, bench/floor.cpp, is matched to these):
  // timed sleeps, untimed semaphore waits, semaphore waits with a timeout, actors started.
  uint64_t engine_sleeps = 0, engine_waits = 0, engine_timed_waits = 0, engine_actors = 0;
  uint64_t engine_coalesced = 0;        // kernel steps whose cost was not slept (sim_clock.cpp)
  nlohmann::json correctness;           // from the kernel model's oracle (null: no detector ran)
  std::map<int, std::string> pid_names; // every kernel task (tasks, flushers, admin, irq contexts)
  std::string events_jsonl;             // one JSON object per line, when --events is given
  double wall_s = 0;
};

} // namespace iosim
