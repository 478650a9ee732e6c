// The validated scenario: what a config describes once parsed (architecture doc, Data flow).
// Built before the SimGrid Engine exists; the engine only reads it.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
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
};

enum class EventType { fork, exit, ioprio_set, ioprio_get, cgroup_move };
const char* to_string(EventType t);

struct EventSpec {
  uint64_t at_ms = 0;
  uint64_t every_us = 0; // ioprio_set/ioprio_get: repeat every this many us (0 = once) ...
  uint64_t until_ms = 0; // ... while the time is before until_ms
  EventType type = EventType::exit;
  std::string task;      // target task instance name
  std::string by;        // ioprio_set/get: the calling task instance (default: an admin task, uid 0)
  std::string child;     // fork: name of the child
  bool clone_io = false; // fork: share the io_context (CLONE_IO)
  IoprioSpec ioprio;     // ioprio_set
  std::string cgroup;    // cgroup_move
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
  nlohmann::json normalised; // the config with every default filled in (validate prints it; SHA-256 input)

  const DeviceSpec* device(const std::string& name) const;
  const CgroupSpec* cgroup(const std::string& name) const;
  // Task instance names in creation order (name.i for count > 1).
  std::vector<std::string> instance_names() const;
};

} // namespace iosim
