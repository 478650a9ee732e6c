// fio job file -> iosim tasks (docs/workloads.md "fio job files"): each job becomes one task
// entry of a config's tasks[] (numjobs -> count), in the same JSON form a user writes, so that
// `iosim import fio` and a {"type": "fio"} workload go through the config parser alike.
#pragma once
#include "sim/config/scenario.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace iosim::fio
{

struct FioImport {
  nlohmann::json tasks   = nlohmann::json::array(); // tasks[] entries
  nlohmann::json cgroups = nlohmann::json::array(); // cgroups the jobs name: {"name", "weight"}
  std::vector<std::string> warnings;                // one line each, "FILE[:LINE]: ..."
  uint64_t duration_ms = 0;                         // a run long enough for every job (estimate)
};

// `devices`: the config's devices; a filename "/dev/NAME" maps to device NAME when it exists,
// any other filename to `default_device`. Regular files are laid out one after another on it.
FioImport import_fio(const std::string& path, const std::vector<DeviceSpec>& devices,
                     const std::string& default_device);

} // namespace iosim::fio
