// iosim subcommands (architecture doc, Contracts: command line).
#pragma once
#include <cstdint>
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
int cmd_explain(const std::string& report, long violation);
void check_output_paths(const RunArgs& a, bool out_given, bool events_given);
void check_simgrid_cfg(const std::vector<std::string>& cfg);
int cmd_validate(const std::string& config, const std::vector<std::string>& sets);
int cmd_import(const std::vector<std::string>& args); // import_command.cpp

} // namespace iosim
