// `iosim import fio JOBFILE [--out CONFIG] [--device-model hdd|ssd|null]`: translate a fio job
// file into a config (docs/workloads.md). Each /dev/NAME the jobs name becomes a device NAME;
// jobs on regular files (or with no filename) go to device "sda". The config is validated
// before it is written; warnings go to stderr, one line each.
#include "sim/cli/commands.hpp"
#include "sim/config/input_error.hpp"
#include "sim/config/parse_config.hpp"
#include "sim/report/report.hpp"
#include "workloads/fio_import.hpp"
#include "workloads/fio_jobfile.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <set>
#include <sys/stat.h>

namespace po = boost::program_options;

namespace iosim
{

// Device names for the job file: every /dev/NAME a job's filename gives (after [global]).
static std::vector<std::string> device_names(const std::string& jobfile)
{
  std::vector<std::string> names;
  bool regular = false;
  for (const auto& job : fio::parse_jobfile(jobfile)) {
    std::string fn;
    for (const auto& o : job.options)
      if (o.key == "filename") fn = o.value.substr(0, o.value.find(':'));
    std::string dev = fn.rfind("/dev/", 0) == 0 ? fn.substr(5) : "";
    if (dev.empty() || !valid_name(dev)) {
      regular = true;
      continue;
    }
    if (std::find(names.begin(), names.end(), dev) == names.end()) names.push_back(dev);
  }
  if (regular && std::find(names.begin(), names.end(), "sda") == names.end()) names.insert(names.begin(), "sda");
  return names;
}

int cmd_import(const std::vector<std::string>& args)
{
  if (args.empty() || args[0] != "fio")
    throw po::error(args.empty() ? "import: missing FORMAT (expected: iosim import fio JOBFILE)"
                                 : "import: unknown format '" + args[0] + "' (expected fio)");
  po::options_description o("import");
  o.add_options()("out", po::value<std::string>(), "")("device-model", po::value<std::string>()->default_value("hdd"),
                                                       "")("jobfile", po::value<std::string>(), "");
  po::positional_options_description pos;
  pos.add("jobfile", 1);
  po::variables_map vm;
  po::store(
      po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end())).options(o).positional(pos).run(),
      vm);
  po::notify(vm);
  if (!vm.count("jobfile")) throw po::error("missing JOBFILE argument");
  std::string jobfile = vm["jobfile"].as<std::string>(), model = vm["device-model"].as<std::string>();
  std::string out = vm.count("out") ? vm["out"].as<std::string>() : "";
  if (vm.count("out") && out.empty()) throw InputError("--out: empty path (omit --out to write the config to stdout)");
  struct stat sa, sb;
  if (!out.empty() && ::stat(out.c_str(), &sa) == 0 && ::stat(jobfile.c_str(), &sb) == 0 && sa.st_ino == sb.st_ino &&
      sa.st_dev == sb.st_dev)
    throw InputError("--out " + out + ": is the job file itself; choose another path");
  if (model != "hdd" && model != "ssd" && model != "null")
    throw InputError("--device-model " + model + ": expected hdd, ssd or null");

  json cfg = {{"description", "Imported from " + jobfile + " by iosim import fio (see docs/workloads.md)"},
              {"devices", json::array()}};
  for (const auto& n : device_names(jobfile))
    cfg["devices"].push_back({{"name", n}, {"model", model}});
  Scenario devs      = parse_config(cfg, "(devices of " + jobfile + ")");
  fio::FioImport imp = fio::import_fio(jobfile, devs.devices, devs.devices.front().name);
  cfg["duration_ms"] = std::max<uint64_t>(imp.duration_ms, 1);
  cfg["cgroups"]     = imp.cgroups;
  cfg["tasks"]       = imp.tasks;
  parse_config(cfg, jobfile); // what is written must load (an importer bug would show here)
  for (const auto& w : imp.warnings)
    std::fprintf(stderr, "iosim: warning: %s\n", w.c_str());
  std::string text = cfg.dump(2) + "\n";
  if (out.empty() || out == "-")
    std::fwrite(text.data(), 1, text.size(), stdout);
  else
    write_file_atomically(out, text);
  return 0;
}

} // namespace iosim
