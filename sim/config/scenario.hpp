// The validated scenario: what a config describes once parsed (architecture doc, Data flow).
// Built before the SimGrid Engine exists; the engine only reads it.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace iosim
{

// ioprio classes, spec A.5 (encoding class<<13 | data).
enum class IoprioClass { none = 0, rt = 1, be = 2, idle = 3 };
enum class SchedPolicy { normal, batch, idle, fifo, rr };

const char* to_string(IoprioClass c);
const char* to_string(SchedPolicy p);

struct DeviceSpec {
  std::string name;
  std::string model;     // hdd | ssd | null
  nlohmann::json params; // model parameters after defaults were applied (normalised)
  uint64_t capacity_bytes = 0;
  int queue_depth         = 1;
  bool rotational         = true;
};

struct CgroupSpec {
  std::string name;
  int weight = 500; // blkio.weight, spec F: 10..1000, default 500
};

enum class RwMode { read, write, randread, randwrite, rw, randrw };
const char* to_string(RwMode m);

// One block size of a bssplit (fio bssplit=4k/10:64k/90): `percent` of the I/Os of a direction.
struct BsShare {
  uint64_t bs = 0;
  int percent = 0;
};

// A per-I/O priority rule (fio cmdprio_percentage/cmdprio_bssplit): `percent` of the I/Os of
// size `bs` (0 = any size) carry ioprio class/level on the request. CFQ of the era schedules by
// the task's ioprio only (spec E.2), so these are carried and counted, not scheduled by.
struct CmdprioRule {
  uint64_t bs     = 0;
  int percent     = 0;
  IoprioClass cls = IoprioClass::rt;
  int level       = 0;
};

// One request of a replayed trace, packed (24 bytes): the time it was issued, relative to the
// start of the trace window and already scaled, in ns; byte offset and size on the device.
struct TraceRecord {
  uint64_t t_ns   = 0;
  uint64_t offset = 0;
  uint32_t bytes  = 0;
  uint8_t write   = 0;
  uint8_t sync    = 1;
};
using TraceRecords = std::shared_ptr<const std::vector<TraceRecord>>;

// One I/O job (fio-like names, docs/config.md "tasks[].job").
struct JobSpec {
  std::string device;
  RwMode rw             = RwMode::randread;
  int rwmixread         = 50;    // % reads for rw/randrw
  uint64_t bs           = 4096;  // bytes
  bool direct           = true;  // O_DIRECT: writes are sync; buffered writes go to the flusher
  bool sync_writes      = false; // O_SYNC/REQ_SYNC: buffered writes still sync (fio "sync=1")
  int iodepth           = 1;
  uint64_t thinktime_us = 0;
  uint64_t rate_kbs     = 0; // 0 = unlimited (KiB/s)
  uint64_t offset       = 0; // start of the region, bytes
  uint64_t size         = 0; // region length, bytes (0 = to the end of the device)
  uint64_t io_limit     = 0; // stop after this many bytes (0 = no size bound)
  uint64_t runtime_ms   = 0; // stop after this long (0 = until duration_ms)
  uint64_t start_ms     = 0; // startdelay
  uint64_t seq_skip     = 0; // sequential modes: bytes skipped after each I/O (fio rw=read:N)
  // fio-derived extensions (docs/workloads.md). Index 0 = reads, 1 = writes.
  uint64_t bs_write      = 0;                // block size of writes (fio bs=r,w); 0: bs
  uint64_t bsrange[2][2] = {{0, 0}, {0, 0}}; // [dir][lo, hi]; lo = 0: no range (fio bsrange)
  std::vector<BsShare> bssplit[2];           // empty: bs/bsrange; else the split (percents sum to 100)
  uint64_t rate_bps[2]      = {0, 0};        // per-direction bandwidth cap, bytes/s (fio rate)
  uint64_t rate_iops[2]     = {0, 0};        // per-direction IOPS cap (fio rate_iops)
  uint64_t thinktime_blocks = 1;             // think after this many I/Os were issued (fio)
  std::vector<CmdprioRule> cmdprio[2];       // per-I/O priorities (fio cmdprio_*)
  // Trace replay (blkparse, msr, iolog workloads): the requests, issued at their times (open
  // loop) or each after the previous one completed (closed loop).
  TraceRecords trace;
  bool closed_loop = false;
};

struct IoprioSpec {
  IoprioClass cls = IoprioClass::none; // none: derived from nice and policy (A.5)
  int level       = 4;
};

struct TaskSpec {
  std::string name; // instances are name.0, name.1, ... when count > 1, else name
  int count          = 1;
  std::string cgroup = "root";
  IoprioSpec ioprio;
  int nice           = 0;
  SchedPolicy policy = SchedPolicy::normal;
  int uid = 1000, euid = 1000;
  bool cap_sys_nice = false;
  bool has_job      = true;
  JobSpec job;
  // fio stonewall/wait_for_previous: start only once every instance of these tasks has exited
  // (job.start_ms then counts from that moment).
  std::vector<std::string> after;
};

enum class EventType { fork, exit, ioprio_set, ioprio_get, cgroup_move };
const char* to_string(EventType t);

struct EventSpec {
  uint64_t at_ms    = 0;
  uint64_t at_ns    = 0; // at_ms in ns for config events; generated events are timed in ns
  uint64_t every_us = 0; // ioprio_set/ioprio_get: repeat every this many us (0 = once) ...
  uint64_t until_ms = 0; // ... while the time is before until_ms
  EventType type    = EventType::exit;
  std::string task;         // target task instance name
  std::string by;           // ioprio_set/get: the calling task instance (default: an admin task, uid 0)
  std::string child;        // fork: name of the child
  bool clone_io = false;    // fork: share the io_context (CLONE_IO)
  IoprioSpec ioprio;        // ioprio_set
  std::string cgroup;       // cgroup_move
  uint64_t lifetime_ns = 0; // fork (generated): the child exits this long after its fork (0 = never)
};

// A lifecycle generator (docs/workloads.md): events at Poisson-process times of a rate, drawn
// from the run's seed when the run starts (so --seed changes them, a config and seed fix them).
enum class GeneratorType { fork, exit, ioprio_set, cgroup_move };
struct GeneratorSpec {
  GeneratorType type = GeneratorType::fork;
  double rate_hz     = 0; // mean events per simulated second
  uint64_t from_ms = 0, to_ms = 0;
  std::vector<std::string> tasks;   // targets (fork: parents; exit/ioprio_set/cgroup_move: targets)
  bool clone_io        = false;     // fork
  uint64_t lifetime_ms = 0;         // fork: children exit after this long (0 = at the end of the run)
  int max_events       = 1000;      // at most this many events
  std::vector<IoprioSpec> ioprios;  // ioprio_set: values drawn uniformly
  std::string by = "admin";         // ioprio_set: the caller
  std::vector<std::string> cgroups; // cgroup_move: destinations drawn uniformly
};

struct KernelSpec {
  std::string ioc_api             = "fixed"; // legacy | fixed | cic_changed
  std::string memory_model        = "sc";    // sc | tso | weak
  std::string schedule            = "random";
  uint64_t step_jitter_ns         = 50;
  double gfp_atomic_fail_rate     = 0.0;
  int hz                          = 1000;
  int nr_requests                 = 128;
  uint64_t dirty_bytes            = 64ull << 20; // balance_dirty_pages throttles writers above this
  uint64_t dirty_background_bytes = 16ull << 20; // flusher starts above this
  uint64_t dirty_writeback_ms     = 5000;        // periodic flusher wake-up (dirty_writeback_centisecs)
  uint64_t dirty_expire_ms        = 3000;        // dirty data older than this is written back
};

struct SchedulerSpec {
  std::string name        = "noop";
  nlohmann::json tunables = nlohmann::json::object(); // per-scheduler, validated by the elevator registry
};

// Simulated tasks at most (config tasks + forks): SimGrid aborts past ~32k live actors with its
// default guard pages (vm.max_map_count), so iosim refuses more up front.
constexpr int kMaxTasks = 30000;
// Occurrences of repeated events (every_us) in one config (docs/testing.md, Limits).
constexpr uint64_t kMaxEventOccurrences = 1000000;

struct Scenario {
  std::string description;
  std::string source_file;
  uint64_t seed        = 1;
  uint64_t duration_ms = 1000;
  KernelSpec kernel;
  SchedulerSpec scheduler;
  std::vector<DeviceSpec> devices;
  std::vector<CgroupSpec> cgroups;
  std::vector<TaskSpec> tasks;
  std::vector<EventSpec> events;
  std::vector<GeneratorSpec> generators;
  std::vector<std::string> warnings; // one line each (importers: options iosim does not model)
  std::string base_dir;              // directory of the config file (relative workload paths)
  nlohmann::json normalised;         // the config with every default filled in (validate prints it; SHA-256 input)

  const DeviceSpec* device(const std::string& name) const;
  const CgroupSpec* cgroup(const std::string& name) const;
  // Task instance names in creation order (name.i for count > 1).
  std::vector<std::string> instance_names() const;
  // Parse-time index of the instance names in tasks[] (add_task keeps it), so that adding one
  // task is O(log n), not a rebuild of every name.
  std::set<std::string> instance_index;
};

} // namespace iosim
