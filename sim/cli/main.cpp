// iosim entry point: Boost.Program_options per subcommand. The user's argv never reaches
// SimGrid (architecture doc, Decisions). Exit codes: 0 done, 2 bad input or usage, 3 internal.
#include "sim/cli/commands.hpp"
#include "sim/config/input_error.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

namespace po = boost::program_options;
using namespace iosim;

static const char* kUsage = R"(iosim: discrete-event simulator of the Linux block layer of the CFQ era

usage:
  iosim run CONFIG [--seed N] [--set KEY=VALUE]... [--out FILE] [--events FILE] [--simgrid-cfg KEY:VALUE]...
      run one simulation; the report (JSON, schema iosim-report/1) goes to FILE or stdout,
      a short summary table to stderr; --events writes one JSON line per request completion
      and per lifecycle event
  iosim validate CONFIG [--set KEY=VALUE]...
      parse and check the config only; print it normalised (every default filled in)
  iosim --help | --version

--set takes dotted keys with array indices as numbers (tasks.0.ioprio.level=3); the value is
read as JSON, or as a bare string when it is not JSON (kernel.ioc_api=legacy).
Exit codes: 0 done, 2 bad input or usage (one line on stderr), 3 internal error.
Config reference: docs/config.md. Report reference: docs/report.md.
)";

static int usage_error(const std::string& msg)
{
  std::fprintf(stderr, "iosim: %s (see iosim --help)\n", msg.c_str());
  return 2;
}

static po::variables_map parse(const std::vector<std::string>& args, po::options_description& opts,
                               const std::string& positional)
{
  po::positional_options_description pos;
  pos.add(positional.c_str(), 1);
  po::options_description all;
  all.add(opts).add_options()(positional.c_str(), po::value<std::string>(), "");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (!vm.count(positional)) throw po::error("missing CONFIG argument");
  return vm;
}

static int dispatch(int argc, char** argv)
{
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage_error("missing command");
  std::string cmd = args.front();
  args.erase(args.begin());
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd == "--version") {
    std::printf("iosim %s\n", IOSIM_VERSION);
    return 0;
  }
  if (cmd == "run") {
    po::options_description o("run");
    RunArgs a;
    o.add_options()("seed", po::value<uint64_t>(), "")("set", po::value<std::vector<std::string>>(), "")(
        "out", po::value<std::string>(), "")("events", po::value<std::string>(),
                                             "")("simgrid-cfg", po::value<std::vector<std::string>>(), "");
    po::variables_map vm = parse(args, o, "config");
    a.config             = vm["config"].as<std::string>();
    if (vm.count("seed")) {
      a.has_seed = true;
      a.seed     = vm["seed"].as<uint64_t>();
    }
    if (vm.count("set")) a.sets = vm["set"].as<std::vector<std::string>>();
    if (vm.count("out")) a.out = vm["out"].as<std::string>();
    if (vm.count("events")) a.events = vm["events"].as<std::string>();
    if (vm.count("simgrid-cfg")) a.simgrid_cfg = vm["simgrid-cfg"].as<std::vector<std::string>>();
    return cmd_run(a);
  }
  if (cmd == "validate") {
    po::options_description o("validate");
    o.add_options()("set", po::value<std::vector<std::string>>(), "");
    po::variables_map vm = parse(args, o, "config");
    return cmd_validate(vm["config"].as<std::string>(),
                        vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{});
  }
  return usage_error("unknown command '" + cmd + "'; expected run or validate");
}

int main(int argc, char** argv)
{
  try {
    return dispatch(argc, argv);
  } catch (const po::error& e) {
    return usage_error(e.what());
  } catch (const InputError& e) {
    std::fprintf(stderr, "iosim: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim: internal error: %s\n", e.what());
    return 3;
  }
}
