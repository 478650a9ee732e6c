// CFQ tunables (spec E.1): the sysfs names, kernel defaults and accepted ranges as the config
// table, and their values in jiffies for one cfq_data.
#pragma once
#include "schedulers/cfq/cfq_types.hpp"
#include "schedulers/elevator.hpp"

#include <nlohmann/json.hpp>
#include <vector>

namespace iosim::cfq
{

// The config table (scheduler.cfq.<name>): sysfs units, defaults at HZ=1000, the range the
// kernel's store functions accept (they clamp; iosim rejects).
std::vector<ElevatorTunable> cfq_tunable_table();

// E.1: the sysfs value (ms) of @row's default at @hz: the kernel's jiffies expression (HZ/8,
// HZ/125, ...) with integer division, cfq_init's raise of a zero slice_idle/group_idle to 1,
// then jiffies_to_msecs (rounds down), so that msecs_to_jiffies gives the kernel's jiffies back.
int64_t cfq_default_at_hz(const ElevatorTunable& row, int hz);

// E.1 values for one device, in jiffies where the kernel keeps jiffies.
struct Tunables {
  int hz                   = 1000;
  unsigned quantum         = 8;
  jiffies_t fifo_expire[2] = {250, 125}; // [async, sync]
  uint64_t back_max        = 16 * 1024;  // KiB
  unsigned back_penalty    = 2;
  jiffies_t slice[2]       = {40, 100}; // [async, sync]
  unsigned slice_async_rq  = 2;
  jiffies_t slice_idle     = 8;
  jiffies_t group_idle     = 8;
  bool low_latency         = true;
  jiffies_t target_latency = 300;
  jiffies_t idle_delay     = 200; // CFQ_IDLE_DELAY = HZ/5
};

// msecs_to_jiffies (rounds up).
jiffies_t msecs_to_jiffies(uint64_t ms, int hz);
// The validated table values (sysfs units) converted for a device at @hz; cfq_init's fix-ups
// (E.1: slice_idle computing to 0 is raised to 1 only for the built-in default, never for 0 set by a user).
Tunables tunables_from_json(const nlohmann::json& t, int hz);

} // namespace iosim::cfq
