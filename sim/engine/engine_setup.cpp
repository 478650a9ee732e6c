// Engine construction: raw contexts, SimGrid logging off, and only the user's explicit
// --simgrid-cfg keys (simgrid-notes §9).
#include "sim/engine/engine_setup.hpp"

#include "sim/config/input_error.hpp"
#include "sim/engine/world.hpp"

#include <xbt/log.h>

#include <memory>

#ifndef IOSIM_CONTEXT_FACTORY
#define IOSIM_CONTEXT_FACTORY "raw" // fastest here (simgrid-notes); sanitizer builds use "thread"
#endif

namespace iosim
{

std::unique_ptr<sg4::Engine> make_engine(const std::vector<std::string>& simgrid_cfg)
{
  static std::vector<std::string> args = {"iosim", "--cfg=contexts/factory:" IOSIM_CONTEXT_FACTORY,
                                          "--cfg=contexts/stack-size:256", "--log=root.thres:critical"};
  for (const auto& kv : simgrid_cfg)
    args.push_back("--cfg=" + kv);
  static std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = int(args.size());
  xbt_log_control_set("root.thres:critical");
  try {
    return std::make_unique<sg4::Engine>(&argc, argv.data());
  } catch (const std::exception& e) {
    std::string what = e.what();
    throw InputError("--simgrid-cfg: SimGrid rejected the configuration: " + what.substr(0, what.find('\n')));
  }
}

} // namespace iosim
