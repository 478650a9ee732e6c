// Fairness yardstick: what CFQ's semantics promise (architecture doc, "expected_share"),
// whatever scheduler runs: groups share disk time by blkio weight (spec F); within a group RT is
// served strictly before BE before IDLE (E.5), and queues of one class share by slice length
// (E.3, prio_slice). Only tasks and groups that issued I/O count as competitors.
#pragma once
#include "sim/config/scenario.hpp"

#include <cstdint>
#include <vector>

namespace iosim
{

// Effective ioprio (A.5): class NONE derives the level from nice and the class from the policy.
IoprioSpec effective_ioprio(const IoprioSpec& set, int nice, SchedPolicy policy);

// prio_slice(sync, p) = base + (base/5)*(4 - p), integer jiffies (spec E.3).
int cfq_prio_slice(bool sync, int level, int slice_sync = 100, int slice_async = 40);

struct FairnessTask {
  int cgroup = 0;               // index into cgroups
  int device = 0;               // index of the device its I/O goes to (-1: none)
  IoprioSpec ioprio;            // effective
  bool sync             = true; // does the task's I/O go to a sync queue
  uint64_t disk_time_ns = 0;
  bool active           = false;        // issued any I/O
  double share = 0, expected_share = 0; // outputs
};

struct FairnessGroup {
  int weight            = 500;
  uint64_t disk_time_ns = 0;
  bool active           = false;
  double share = 0, expected_share = 0; // outputs
};

struct FairnessSummary {
  double jain_index           = 1.0; // over active tasks, x_i = share_i / expected_i
  double task_max_share_error = 0.0; // max |share - expected| over active tasks
  double cgroup_jain_index    = 1.0; // over active groups
  double max_share_error      = 0.0; // max |share - expected| over active groups
};

// One device: tasks and groups compete for that device's time.
FairnessSummary compute_fairness(std::vector<FairnessTask>& tasks, std::vector<FairnessGroup>& groups);
// Several devices: CFQ schedules each queue on its own, so each task is measured against the
// others on its device; a group's share and expected share are pooled over the devices, each
// device weighted by its busy time. group_disk_ns[g][d]: group g's disk time on device d.
FairnessSummary compute_fairness_by_device(std::vector<FairnessTask>& tasks, std::vector<FairnessGroup>& groups,
                                           const std::vector<std::vector<uint64_t>>& group_disk_ns, size_t devices);

} // namespace iosim
