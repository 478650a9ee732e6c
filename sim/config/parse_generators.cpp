// generators[] of a config (docs/config.md, docs/workloads.md "Lifecycle generators"): fork,
// exit, ioprio_set and cgroup_move events at a rate instead of fixed times. Only validated
// here; the events are drawn when the run starts (workloads/lifecycle.cpp), from the run's seed.
#include "sim/config/parse_config.hpp"

#include <set>

namespace iosim
{

void parse_generators(const JsonNode& root, Scenario& sc, json& norm)
{
  norm["generators"]             = json::array();
  std::vector<std::string> names = sc.instance_names();
  std::set<std::string> known(names.begin(), names.end());
  int64_t forks = 0;
  for (const auto& g : root.array("generators")) {
    g.expect_object();
    GeneratorSpec gs;
    std::string type              = g.get_enum("type", {"fork", "exit", "ioprio_set", "cgroup_move"});
    gs.type                       = type == "fork"         ? GeneratorType::fork
                                    : type == "exit"       ? GeneratorType::exit
                                    : type == "ioprio_set" ? GeneratorType::ioprio_set
                                                           : GeneratorType::cgroup_move;
    std::vector<std::string> keys = {"type", "tasks", "rate_hz", "from_ms", "to_ms", "max_events"};
    if (gs.type == GeneratorType::fork) keys.insert(keys.end(), {"clone_io", "lifetime_ms"});
    if (gs.type == GeneratorType::ioprio_set) keys.insert(keys.end(), {"ioprios", "by"});
    if (gs.type == GeneratorType::cgroup_move) keys.push_back("cgroups");
    g.only_keys(keys);
    gs.rate_hz    = g.get_double("rate_hz", 1e-3, 1e6);
    gs.from_ms    = uint64_t(g.get_int("from_ms", 0, int64_t(sc.duration_ms), 0));
    gs.to_ms      = uint64_t(g.get_int("to_ms", int64_t(gs.from_ms), int64_t(sc.duration_ms), int64_t(sc.duration_ms)));
    gs.max_events = int(g.get_int("max_events", 1, kMaxTasks, 1000));
    auto tasks    = g.array("tasks");
    if (tasks.empty()) g.fail("tasks", "missing or empty (expected task instance names)");
    json ntasks = json::array();
    for (const auto& t : tasks) {
      if (!t.value().is_string() || !known.count(t.value().get<std::string>()))
        t.fail_here(describe(t.value()) + " is not a task instance of this config");
      gs.tasks.push_back(t.value().get<std::string>());
      ntasks.push_back(gs.tasks.back());
    }
    json ng = {{"type", type},          {"tasks", ntasks},   {"rate_hz", gs.rate_hz},
               {"from_ms", gs.from_ms}, {"to_ms", gs.to_ms}, {"max_events", gs.max_events}};
    if (gs.type == GeneratorType::fork) {
      gs.clone_io    = g.get_bool("clone_io", false);
      gs.lifetime_ms = uint64_t(g.get_int("lifetime_ms", 0, int64_t(sc.duration_ms), 0));
      forks += gs.max_events;
      if (forks + int64_t(names.size()) > kMaxTasks)
        g.fail("max_events", "forks could bring the tasks to " + std::to_string(forks + int64_t(names.size())) +
                                 ", over the limit of " + std::to_string(kMaxTasks));
      ng["clone_io"]    = gs.clone_io;
      ng["lifetime_ms"] = gs.lifetime_ms;
    } else if (gs.type == GeneratorType::ioprio_set) {
      gs.by = g.get_string("by", "admin");
      if (gs.by != "admin" && !known.count(gs.by))
        g.fail("by", "\"" + gs.by + "\" is not a task instance (or \"admin\")");
      ng["by"]      = gs.by;
      ng["ioprios"] = json::array();
      auto ios      = g.array("ioprios");
      if (ios.empty()) g.fail("ioprios", "missing or empty (expected ioprio objects to draw from)");
      for (const auto& io : ios) {
        json nio;
        gs.ioprios.push_back(parse_ioprio(io, nio));
        ng["ioprios"].push_back(nio);
      }
    } else if (gs.type == GeneratorType::cgroup_move) {
      ng["cgroups"] = json::array();
      auto cgs      = g.array("cgroups");
      if (cgs.empty()) g.fail("cgroups", "missing or empty (expected cgroup names to draw from)");
      for (const auto& c : cgs) {
        if (!c.value().is_string() || !sc.cgroup(c.value().get<std::string>()))
          c.fail_here(describe(c.value()) + " is not a cgroup of this config");
        gs.cgroups.push_back(c.value().get<std::string>());
        ng["cgroups"].push_back(gs.cgroups.back());
      }
    }
    sc.generators.push_back(gs);
    norm["generators"].push_back(ng);
  }
}

} // namespace iosim
