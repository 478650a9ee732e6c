// SimGrid Engine construction with a synthetic argv (architecture doc: the user's argv never
// reaches SimGrid) and the run of one simulation.
#pragma once
#include "sim/config/scenario.hpp"
#include "sim/report/run_result.hpp"

#include <string>
#include <vector>

namespace iosim
{

struct RunOptions {
  std::vector<std::string> simgrid_cfg; // KEY:VALUE pairs from --simgrid-cfg
  bool record_events = false;           // fill RunResult::events_jsonl (--events FILE)
};

// Runs one simulation in this process (one Engine per process: call it once, in a child).
RunResult run_simulation(const Scenario& sc, const RunOptions& opt);

} // namespace iosim
