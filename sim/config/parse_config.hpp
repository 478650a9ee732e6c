// Config → Scenario: parse and validate everything before the SimGrid Engine exists
// (architecture doc, Decisions). Every rejection is an InputError naming file and JSON path.
#pragma once
#include "sim/config/json_path.hpp"
#include "sim/config/scenario.hpp"

#include <string>
#include <vector>

namespace iosim
{

// Reads the file, applies `--set` overrides (KEY=VALUE, dotted keys, array indices as numbers),
// validates, fills defaults and the normalised config.
// Inputs: at most kMaxConfigBytes (input_file.hpp), JSON nesting at most 64 levels.
Scenario load_config(const std::string& path, const std::vector<std::string>& overrides = {});
// Same from the file's text (the fuzz target uses this); `path` is only used in messages.
Scenario load_config_text(const std::string& path, const std::string& text,
                          const std::vector<std::string>& overrides = {});
// Same from an already-parsed document (tests use this); `file` is only used in messages.
Scenario parse_config(const json& doc, const std::string& file);

// Internal pieces (parse_config.cpp / parse_tasks.cpp / parse_job_ext.cpp / parse_workloads.cpp).
void parse_tasks(const JsonNode& root, Scenario& sc, json& norm);
// One tasks[] entry (also a task a fio workload creates); add_task checks names and limits.
TaskSpec parse_task(const JsonNode& t, const Scenario& sc, json& norm);
void add_task(const JsonNode& t, Scenario& sc, const TaskSpec& ts);
void parse_workloads(const JsonNode& root, Scenario& sc, json& norm);
void parse_generators(const JsonNode& root, Scenario& sc, json& norm);
// Job keys from fio (docs/workloads.md): bsrange/bssplit, rate_bps/rate_iops, cmdprio.
json parse_job_sizes(const JsonNode& j, JobSpec& job);
json parse_job_rates(const JsonNode& j, JobSpec& job);
json parse_job_cmdprio(const JsonNode& j, JobSpec& job);
uint64_t job_max_bs(const JobSpec& job);
void parse_events(const JsonNode& root, Scenario& sc, json& norm);
IoprioSpec parse_ioprio(const JsonNode& n, json& norm);
// Names of devices, cgroups and tasks: 1-64 letters, digits, '_', '-', '+', '@', ':'.
bool valid_name(const std::string& s);

} // namespace iosim
