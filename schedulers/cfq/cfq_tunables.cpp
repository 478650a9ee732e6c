// CFQ tunables (spec E.1) under their sysfs names with the kernel's defaults and accepted ranges.
#include "schedulers/cfq/cfq_tunables.hpp"

#include <algorithm>
#include <string>

namespace iosim::cfq
{

static constexpr int64_t UINT_MAX_ = 4294967295LL;

std::vector<ElevatorTunable> cfq_tunable_table()
{
  // {name, default (HZ=1000), lo, hi, unit, help}: lo/hi are what cfq's STORE_FUNCTIONs accept.
  return {
      {"quantum", 8, 1, UINT_MAX_, "requests", "max requests a queue dispatches per round (E.6)"},
      {"fifo_expire_sync", 125, 1, UINT_MAX_, "ms", "FIFO deadline of sync requests, HZ/8 (E.6)"},
      {"fifo_expire_async", 250, 1, UINT_MAX_, "ms", "FIFO deadline of async requests, HZ/4 (E.6)"},
      {"back_seek_max", 16384, 0, UINT_MAX_, "KiB", "longest backward seek taken as a near request (E.7)"},
      {"back_seek_penalty", 2, 1, UINT_MAX_, "factor", "cost multiplier of a backward seek (E.7)"},
      {"slice_sync", 100, 1, UINT_MAX_, "ms", "base sync slice, HZ/10; prio_slice scales it by level (E.3)"},
      {"slice_async", 40, 1, UINT_MAX_, "ms", "base async slice, HZ/25 (E.3)"},
      {"slice_async_rq", 2, 1, UINT_MAX_, "requests", "async dispatch limit factor: 2*slice_async_rq*(8-p) (E.3)"},
      {"slice_idle", 8, 0, UINT_MAX_, "ms", "idle window of a sync queue, HZ/125; 0 turns idling off (E.8)"},
      {"group_idle", 8, 0, UINT_MAX_, "ms", "idle window of a group whose last queue emptied, HZ/125 (E.8, F)"},
      {"low_latency", 1, 0, 1, "bool", "scale slices to target_latency and ramp async depth (E.3, E.6)"},
      {"target_latency", 300, 1, UINT_MAX_, "ms",
       "latency target of low_latency, HZ*3/10 (not a sysfs knob in 3.2/3.3; later kernels' range)"},
  };
}

int64_t cfq_default_at_hz(const ElevatorTunable& row, int hz)
{
  const std::string n = row.name;
  int64_t j           = -1;
  if (n == "fifo_expire_sync") j = hz / 8;
  if (n == "fifo_expire_async") j = hz / 4;
  if (n == "slice_sync") j = hz / 10;
  if (n == "slice_async") j = hz / 25;
  if (n == "slice_idle" || n == "group_idle") j = std::max(hz / 125, 1);
  if (n == "target_latency") j = hz * 3 / 10;
  if (j < 0) return row.dflt; // not a time: the same at every HZ
  return j * 1000 / hz;
}

jiffies_t msecs_to_jiffies(uint64_t ms, int hz) { return jiffies_t((ms * uint64_t(hz) + 999) / 1000); }

Tunables tunables_from_json(const nlohmann::json& t, int hz)
{
  auto ms = [&](const char* k) { return msecs_to_jiffies(t.at(k).get<uint64_t>(), hz); };
  Tunables v;
  v.hz             = hz;
  v.quantum        = t.at("quantum").get<unsigned>();
  v.fifo_expire[1] = ms("fifo_expire_sync");
  v.fifo_expire[0] = ms("fifo_expire_async");
  v.back_max       = t.at("back_seek_max").get<uint64_t>();
  v.back_penalty   = t.at("back_seek_penalty").get<unsigned>();
  v.slice[1]       = ms("slice_sync");
  v.slice[0]       = ms("slice_async");
  v.slice_async_rq = t.at("slice_async_rq").get<unsigned>();
  v.slice_idle     = ms("slice_idle");
  v.group_idle     = ms("group_idle");
  v.low_latency    = t.at("low_latency").get<int>() != 0;
  v.target_latency = ms("target_latency");
  v.idle_delay     = hz / 5;
  return v;
}

} // namespace iosim::cfq
