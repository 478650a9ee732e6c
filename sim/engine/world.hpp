// Engine-internal run state shared by the actors (sim/engine/ is the only code that includes
// SimGrid). Actors are never pre-empted, so plain C++ structures need no real locks here.
#pragma once
#include "schedulers/elevator.hpp"
#include "sim/config/scenario.hpp"
#include "sim/devices/device.hpp"
#include "sim/report/run_result.hpp"
#include "workloads/job.hpp"
#include "workloads/random_stream.hpp"

#include <simgrid/s4u.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <vector>

namespace iosim
{

namespace sg4 = simgrid::s4u;

struct World;

struct TaskRt {
  int index    = 0; // into World::tasks and RunResult::tasks
  bool flusher = false;
  int device   = -1; // flusher: its device
  int uid = 1000, euid = 1000;
  bool cap_sys_nice = false;
  bool has_job      = false;
  JobSpec job;
  TaskSpec spec;        // what a fork child inherits (cgroup, nice, policy, uid, ioprio, job)
  uint64_t stop_ns = 0; // stop issuing at this time
  RandomStream rng;
  sg4::SemaphorePtr wake; // completions, posted operations, throttling releases
  std::deque<Request*> completions;
  std::deque<std::function<void(TaskRt&)>> posted; // operations the task performs itself (fork, exit, ioprio_set)
  int inflight        = 0;
  bool exit_requested = false;
  bool exited         = false;
  TaskRt(uint64_t seed, uint64_t stream) : rng(seed, stream) {}
};

struct InFlight {
  uint64_t done_ns;
  uint64_t id;
  Request* rq;
  bool operator>(const InFlight& o) const { return done_ns != o.done_ns ? done_ns > o.done_ns : id > o.id; }
};

// Dirty page-cache extents of one device, merged when they touch (writeback in offset order).
struct PageCache {
  struct Extent {
    uint64_t len;
    uint64_t dirtied_ns;
  };
  std::map<uint64_t, Extent> dirty;
  uint64_t dirty_bytes = 0, writeback_bytes = 0;
  uint64_t cursor = 0;
  void add(uint64_t off, uint64_t len, uint64_t now_ns);
};

struct DeviceRt {
  int index = 0;
  std::unique_ptr<DeviceModel> model;
  std::unique_ptr<Elevator> elv;
  sg4::SemaphorePtr kick;
  int free_slots[2] = {0, 0}; // request lists per direction: [0] async, [1] sync (nr_requests each)
  std::deque<TaskRt*> slot_waiters[2];
  std::priority_queue<InFlight, std::vector<InFlight>, std::greater<InFlight>> inflight;
  uint64_t busy_since = 0;
  PageCache cache;
  std::deque<TaskRt*> dirty_waiters;
  TaskRt* flusher = nullptr;
};

struct World {
  const Scenario& sc;
  RunResult& out;
  sg4::Host* host = nullptr;
  std::vector<std::unique_ptr<TaskRt>> tasks;
  std::vector<std::unique_ptr<DeviceRt>> devices;
  int live_tasks           = 0; // non-flusher tasks not yet exited
  int live_flushers        = 0;
  int next_pid             = 100;
  uint64_t next_request_id = 1;
  uint64_t wakeups         = 0;
  bool record_events       = false;
  void log_event(const nlohmann::json& line);
  World(const Scenario& s, RunResult& r) : sc(s), out(r) {}
  TaskResult& res(const TaskRt& t) { return out.tasks[size_t(t.index)]; }
  int cgroup_index(const std::string& name) const;
  TaskRt* find_task(const std::string& name);
};

// sim_clock.cpp: time in integer nanoseconds over SimGrid's double seconds.
uint64_t now_ns();
void sleep_until_ns(World& w, uint64_t t_ns);
// Wait on `s` until released or until t_ns (UINT64_MAX = no timeout).
void wait_until_ns(World& w, const sg4::SemaphorePtr& s, uint64_t t_ns);
// A CPU step of the submission path: base cost of its kind plus exponential jitter from the
// task's own stream (architecture doc, "How races happen").
enum class StepKind { load_store, lock, alloc };
void cpu_step(World& w, TaskRt& t, StepKind kind);

// block_layer.cpp
void submit_request(World& w, TaskRt& t, Request* rq);
void deliver_completion(World& w, DeviceRt& d, Request* rq, uint64_t now);
// device_queue.cpp
void device_loop(World& w, DeviceRt& d);
// task_actor.cpp
void task_main(World& w, TaskRt& t);
TaskRt& create_task(World& w, const TaskSpec& spec, const std::string& name, uint64_t start_ns);
void end_task(World& w, TaskRt& t);
// flusher.cpp
void buffered_write(World& w, TaskRt& t, DeviceRt& d, uint64_t off, uint64_t len);
void flusher_main(World& w, TaskRt& t);
TaskRt& create_flusher(World& w, DeviceRt& d);
// admin.cpp
void admin_main(World& w);
// Runs an actor body, turning any escaping exception into exit 3 (simgrid-notes §10.2).
void guarded(const char* what, const std::function<void()>& body);

} // namespace iosim
