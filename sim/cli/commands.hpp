// iosim subcommands (architecture doc, Contracts: command line).
#pragma once
#include <string>
#include <vector>

namespace iosim
{

struct RunArgs {
  std::string config;
  bool has_seed = false;
  uint64_t seed = 0;
  std::vector<std::string> sets;
  std::string out;    // empty = stdout
  std::string events; // empty = none
  std::vector<std::string> simgrid_cfg;
};

int cmd_run(const RunArgs& a);
int cmd_validate(const std::string& config, const std::vector<std::string>& sets);

} // namespace iosim
