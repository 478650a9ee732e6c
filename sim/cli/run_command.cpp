// `iosim run` and `iosim validate`: the config is loaded and validated in the parent before any
// Engine exists; the simulation runs in a child; the parent writes the files atomically.
#include "sim/cli/child_process.hpp"
#include "sim/cli/commands.hpp"
#include "sim/config/input_error.hpp"
#include "sim/config/parse_config.hpp"
#include "sim/engine/engine_setup.hpp"
#include "sim/report/report.hpp"

#include <cstdio>
#include <iostream>

namespace iosim
{

static Scenario load(const std::string& config, const std::vector<std::string>& sets, const RunArgs* a)
{
  Scenario sc = load_config(config, sets);
  for (const auto& w : sc.warnings)
    std::fprintf(stderr, "iosim: warning: %s\n", w.c_str());
  if (a && a->has_seed) {
    sc.seed               = a->seed;
    sc.normalised["seed"] = a->seed;
  }
  return sc;
}

int cmd_validate(const std::string& config, const std::vector<std::string>& sets)
{
  Scenario sc = load(config, sets, nullptr);
  std::cout << sc.normalised.dump(2) << "\n";
  return 0;
}

int cmd_run(const RunArgs& a)
{
  Scenario sc    = load(a.config, a.sets, &a);
  ChildOutput co = run_in_child([&] {
    RunOptions opt{a.simgrid_cfg, !a.events.empty()};
    RunResult r = run_simulation(sc, opt);
    return std::vector<std::string>{render_report(build_report(sc, r)), r.events_jsonl};
  });
  if (co.status != 0) {
    if (!co.error.empty()) std::fprintf(stderr, "iosim: %s\n", co.error.c_str());
    return co.status;
  }
  IOSIM_CHECK(co.parts.size() == 2, "simulation process sent " + std::to_string(co.parts.size()) + " parts");
  const std::string& report = co.parts[0];
  if (!a.events.empty()) write_file_atomically(a.events, co.parts[1]);
  if (a.out.empty() || a.out == "-")
    std::fwrite(report.data(), 1, report.size(), stdout);
  else
    write_file_atomically(a.out, report);
  std::fputs(summary_table(nlohmann::json::parse(report)).c_str(), stderr);
  return 0;
}

} // namespace iosim
