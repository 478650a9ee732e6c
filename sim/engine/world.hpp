// Engine-internal run state shared by the actors (sim/engine/ is the only code that includes
// SimGrid). Actors are never pre-empted, so plain C++ structures need no real locks here.
#pragma once
#include "kernel/process.hpp"
#include "schedulers/elevator.hpp"
#include "sim/config/scenario.hpp"
#include "sim/devices/device.hpp"
#include "sim/engine/sim_exec.hpp"
#include "sim/report/run_result.hpp"
#include "workloads/job.hpp"
#include "workloads/random_stream.hpp"

#include <simgrid/s4u.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <unordered_map>
#include <vector>

namespace iosim
{

namespace sg4 = simgrid::s4u;

struct World;

struct TaskRt {
  int index               = 0; // into World::tasks and RunResult::tasks
  bool flusher            = false;
  int device              = -1;      // flusher: its device
  kernel::task_struct* kt = nullptr; // the task in the kernel model
  bool has_job            = false;
  JobSpec job;
  TaskSpec spec;        // what a fork child inherits (cgroup, nice, policy, uid, ioprio, job)
  uint64_t stop_ns = 0; // stop issuing at this time
  RandomStream rng;
  sg4::SemaphorePtr wake; // completions, posted operations, throttling releases
  std::deque<Request*> completions;
  std::deque<std::function<void(TaskRt&)>> posted; // operations the task performs itself (fork, exit, ioprio_set)
  int inflight        = 0;
  bool exit_requested = false;
  bool exited         = false; // left its loop: takes no more posted operations
  bool reaped         = false; // do_exit done and reaped: no longer found by pid
  bool forked         = false; // created by a fork event: its ioprio came from copy_io
  int io_group        = -1;    // CLONE_IO: the index of the task whose io_context it shares (-1: its own)
  std::vector<int> io_sharers; // of a task whose io_context others share: their indices
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
  uint64_t busy_since    = 0;
  uint64_t waiting_since = UINT64_MAX; // elevator holds requests, device empty (DeviceResult::elevator_wait_ns)
  PageCache cache;
  std::deque<TaskRt*> dirty_waiters;
  TaskRt* flusher          = nullptr;
  kernel::cfq_data* cfqd   = nullptr; // the kernel model's per-queue CFQ data (cic keys)
  kernel::task_struct* irq = nullptr; // completion context (softirq) of this device
};

struct World {
  const Scenario& sc;
  RunResult& out;
  sg4::Host* host = nullptr;
  std::vector<std::unique_ptr<TaskRt>> tasks;
  std::vector<std::unique_ptr<DeviceRt>> devices;
  int live_tasks           = 0; // non-flusher tasks not yet exited
  int live_flushers        = 0;
  uint64_t next_request_id = 1;
  uint64_t wakeups         = 0;
  // SimGrid blocking calls made, by kind (report `engine`; see RunResult).
  uint64_t sleeps = 0, waits = 0, timed_waits = 0, actors = 0, coalesced_steps = 0;
  bool record_events = false;
  std::unique_ptr<SimExec> exec;
  std::unique_ptr<kernel::Kernel> k;
  // Settle point (kernel Kernel::check_settled): once every task still alive at duration_ms has
  // stopped issuing and drained its requests, and before any of them exits.
  struct Settle {
    int arrived = 0, blocked = 0;
    bool done = false;
    sg4::SemaphorePtr sem;
  } settle;
  void log_event(const nlohmann::json& line);
  World(const Scenario& s, RunResult& r) : sc(s), out(r) {}
  TaskResult& res(const TaskRt& t) { return out.tasks[size_t(t.index)]; }
  int cgroup_index(const std::string& name) const;
  TaskRt* find_task(const std::string& name);
  std::unordered_map<std::string, int> by_name; // task instance name -> index (flushers excluded)
  std::vector<TaskRt*> exit_watchers;           // tasks waiting for others to exit (fio stonewall)
  std::vector<EventSpec> events;                // config events and generated ones, in time order
};

// sim_clock.cpp: time in integer nanoseconds over SimGrid's double seconds.
// These are the only places the engine blocks or wakes an actor (step coalescing: sim_clock.cpp).
void clock_reset();     // before a run: no debt, nobody blocked; reads IOSIM_STEP_COALESCING
uint64_t now_ns();      // the running actor's date (SimGrid's clock plus coalesced steps)
size_t running_actor(); // its SimGrid pid, 0 in maestro (no SimGrid call: hot path)
void sleep_until_ns(World& w, uint64_t t_ns);
// A kernel step's cost: coalesced when no other actor can act before it ends, else slept.
void step_sleep(World& w, uint64_t cost_ns);
// Wait on `s` until released or until t_ns (UINT64_MAX = no timeout).
void wait_until_ns(World& w, const sg4::SemaphorePtr& s, uint64_t t_ns);
// Release `s` (waking its first waiter, if any).
void post(World& w, const sg4::SemaphorePtr& s);
// Create an actor running `body` (from setup code or from a running actor).
void create_actor(World& w, const std::string& name, std::function<void()> body);
// A block-layer step of the current task (a preemption point, costed like a kernel-model step).
void blk_step(World& w, const char* label, kernel::StepKind kind, const char* func);

// block_layer.cpp
void submit_request(World& w, TaskRt& t, Request* rq);
void deliver_completion(World& w, DeviceRt& d, Request* rq, uint64_t now);
// device_queue.cpp
void device_loop(World& w, DeviceRt& d);
// task_actor.cpp
void task_main(World& w, TaskRt& t);
// kt: the task's kernel task_struct (new_kernel_task at setup, or do_fork's child).
// forked: the task comes from a fork event (its ioprio came with copy_io; it sets none itself).
TaskRt& create_task(World& w, const TaskSpec& spec, const std::string& name, uint64_t start_ns, kernel::task_struct* kt,
                    bool forked = false);
kernel::task_struct* new_kernel_task(World& w, const TaskSpec& spec, const std::string& name);
void end_task(World& w, TaskRt& t);
// Starts an actor that runs `body` as kernel task `kt` (bound before anything else runs).
void start_actor(World& w, const std::string& name, kernel::task_struct* kt, std::function<void()> body);
// The exit path of the current actor's kernel task: do_exit, then the parent reaps it.
void kernel_exit(World& w, kernel::task_struct* kt);
// Joins the settle point (see World::Settle); returns once the check has run.
void settle_arrive(World& w);
bool try_settle(World& w);
// flusher.cpp
void buffered_write(World& w, TaskRt& t, DeviceRt& d, uint64_t off, uint64_t len);
void flusher_main(World& w, TaskRt& t);
TaskRt& create_flusher(World& w, DeviceRt& d);
// admin.cpp
void admin_main(World& w);
// Runs an actor body, turning any escaping exception into exit 3 (simgrid-notes §10.2).
void guarded(const char* what, const std::function<void()>& body);

} // namespace iosim
