// Scenario helpers: enum names (the config's spelling) and look-ups.
#include "sim/config/scenario.hpp"

namespace iosim
{

const char* to_string(IoprioClass c)
{
  switch (c) {
  case IoprioClass::none:
    return "none";
  case IoprioClass::rt:
    return "rt";
  case IoprioClass::be:
    return "be";
  case IoprioClass::idle:
    return "idle";
  }
  return "?";
}

const char* to_string(SchedPolicy p)
{
  switch (p) {
  case SchedPolicy::normal:
    return "normal";
  case SchedPolicy::batch:
    return "batch";
  case SchedPolicy::idle:
    return "idle";
  case SchedPolicy::fifo:
    return "fifo";
  case SchedPolicy::rr:
    return "rr";
  }
  return "?";
}

const char* to_string(RwMode m)
{
  switch (m) {
  case RwMode::read:
    return "read";
  case RwMode::write:
    return "write";
  case RwMode::randread:
    return "randread";
  case RwMode::randwrite:
    return "randwrite";
  case RwMode::rw:
    return "rw";
  case RwMode::randrw:
    return "randrw";
  }
  return "?";
}

const char* to_string(EventType t)
{
  switch (t) {
  case EventType::fork:
    return "fork";
  case EventType::exit:
    return "exit";
  case EventType::ioprio_set:
    return "ioprio_set";
  case EventType::ioprio_get:
    return "ioprio_get";
  case EventType::cgroup_move:
    return "cgroup_move";
  }
  return "?";
}

const DeviceSpec* Scenario::device(const std::string& name) const
{
  for (const auto& d : devices)
    if (d.name == name) return &d;
  return nullptr;
}

const CgroupSpec* Scenario::cgroup(const std::string& name) const
{
  for (const auto& c : cgroups)
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<std::string> Scenario::instance_names() const
{
  std::vector<std::string> out;
  for (const auto& t : tasks)
    for (int i = 0; i < t.count; ++i)
      out.push_back(t.count == 1 ? t.name : t.name + "." + std::to_string(i));
  return out;
}

} // namespace iosim
