// Checks on the command line's output files before anything runs: never overwrite the config,
// never write two outputs to one file, never an empty path.
#include "sim/cli/commands.hpp"
#include "sim/config/input_error.hpp"

#include <filesystem>
#include <sys/stat.h>

namespace iosim
{

static bool same_file(const std::string& a, const std::string& b)
{
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  std::error_code ec1, ec2;
  auto ca = std::filesystem::weakly_canonical(a, ec1), cb = std::filesystem::weakly_canonical(b, ec2);
  return !ec1 && !ec2 && ca == cb;
}

void check_output_paths(const RunArgs& a, bool out_given, bool events_given)
{
  if (out_given && a.out.empty())
    throw InputError("--out: empty path (omit --out, or give '-', to write the report to stdout)");
  if (events_given && a.events.empty()) throw InputError("--events: empty path");
  bool out_file = !a.out.empty() && a.out != "-";
  if (out_file && same_file(a.out, a.config))
    throw InputError("--out " + a.out + ": is the config file itself; choose another path");
  if (!a.events.empty() && same_file(a.events, a.config))
    throw InputError("--events " + a.events + ": is the config file itself; choose another path");
  if (out_file && !a.events.empty() && same_file(a.out, a.events))
    throw InputError("--events " + a.events + ": is also the --out file; choose another path");
}

// --simgrid-cfg: only keys that are safe to pass (an unknown key or value makes SimGrid abort).
void check_simgrid_cfg(const std::vector<std::string>& cfg)
{
  for (const auto& kv : cfg) {
    auto colon      = kv.find(':');
    std::string key = kv.substr(0, colon), val = colon == std::string::npos ? "" : kv.substr(colon + 1);
    auto fail = [&](const std::string& why) { throw InputError("--simgrid-cfg " + kv + ": " + why); };
    if (colon == std::string::npos) fail("expected KEY:VALUE");
    bool number = !val.empty() && val.size() < 9 && val.find_first_not_of("0123456789") == std::string::npos;
    if (key == "contexts/factory") {
      if (val != "raw" && val != "boost" && val != "ucontext" && val != "thread")
        fail("expected raw, boost, ucontext or thread");
    } else if (key == "contexts/stack-size") {
      if (!number || std::stoul(val) < 64 || std::stoul(val) > 1048576)
        fail("expected a stack size in KiB, 64..1048576");
    } else if (key == "contexts/guard-size") {
      if (!number || std::stoul(val) > 1048576) fail("expected a guard size in bytes, 0..1048576");
    } else {
      fail("unsupported key; expected contexts/factory, contexts/stack-size or contexts/guard-size");
    }
  }
}

} // namespace iosim
