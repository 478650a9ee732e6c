// A block request as the elevator and the device see it (a struct request of the era, reduced
// to what iosim needs). Times are simulated nanoseconds.
#pragma once
#include <cstdint>

namespace iosim
{

struct Request {
  uint64_t id          = 0;
  int task             = -1; // index of the issuing task in the run's task table
  int cgroup           = 0;  // index of the issuer's cgroup at submission
  uint64_t offset      = 0;  // bytes
  uint64_t bytes       = 0;
  bool write           = false;
  bool sync            = true; // reads and O_DIRECT/REQ_SYNC writes (spec E.2); buffered writeback is async
  uint64_t submit_ns   = 0;    // entered the block layer
  uint64_t insert_ns   = 0;    // handed to the elevator
  uint64_t dispatch_ns = 0;    // handed to the device
  uint64_t complete_ns = 0;
  void* elv_private[3] = {nullptr, nullptr, nullptr}; // elevator data (CFQ: cic, cfqq, cfqg; spec A.4)
  // Per-I/O priority (fio cmdprio_*; bio ioprio of later kernels): class 0 = none set. Carried
  // for reports and schedulers that use it; CFQ of the era schedules by the task's ioprio.
  int cmdprio_class = 0;
  int cmdprio_level = 0;
};

} // namespace iosim
