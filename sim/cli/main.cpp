// iosim entry point: Boost.Program_options per subcommand. The user's argv never reaches
// SimGrid (architecture doc, Decisions). Exit codes: 0 done, 2 bad input or usage, 3 internal.
#include "sim/cli/commands.hpp"
#include "sim/cli/sweep.hpp"
#include "sim/config/input_error.hpp"

#include <boost/program_options.hpp>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace po = boost::program_options;
using namespace iosim;

static const char* kUsage = R"(iosim: discrete-event simulator of the Linux block layer of the CFQ era

usage:
  iosim run CONFIG [--seed N] [--set KEY=VALUE]... [--out FILE] [--events FILE] [--simgrid-cfg KEY:VALUE]...
      run one simulation; the report (JSON, schema iosim-report/1) goes to FILE or stdout,
      a short summary table to stderr; --events writes one JSON line per kernel-model step,
      request completion and lifecycle event (held in memory until the run ends);
      --simgrid-cfg passes contexts/factory (raw|boost|ucontext|thread),
      contexts/stack-size (KiB) or contexts/guard-size (bytes) to SimGrid
  iosim explain REPORT [--violation K]
      print violation K (0-based, default 0) of a report step by step: the interleaving of
      the tasks involved, with times, object ids and the step that broke the invariant
  iosim validate CONFIG [--set KEY=VALUE]...
      parse and check the config only; print it normalised (every default filled in)
  iosim sweep CONFIG --grid KEY=V1,V2,... [--grid ...] --seeds A-B [--set KEY=VALUE]... [--jobs N]
              [--shard I/N] [--timeout S] [--summary] [--list] --out FILE.jsonl
      every grid point x seed, each run in its own process, --jobs at a time (default: the
      number of cores); one JSON line per run appended to FILE as it finishes; rerunning the
      same command resumes. Run order: grid points with the last --grid varying fastest, seeds
      ascending inside each point; run = 0-based index; --shard I/N takes run % N == I.
      Grid values split on commas outside "...", [...] and {...} (so JSON arrays and quoted
      strings with commas are one value). --timeout: seconds per run (default 600, 0 = none);
      a run that times out or crashes is a failed line and the sweep goes on. --summary stores
      a compact summary instead of the report; --list prints the runs and their `iosim run`
      commands instead of running them. See docs/sweeps.md.
  iosim merge OUT.jsonl SHARD.jsonl...
      the shards' lines in run order; fails on a missing or duplicated run
  iosim import fio JOBFILE [--out CONFIG] [--device-model hdd|ssd|null]
      translate a fio job file into a config (stdout or CONFIG); options iosim does not
      model are named in a warning on stderr (docs/workloads.md)
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

// --seed: the same range as the config's `seed` (0..2^63-1).
static uint64_t parse_seed(const std::string& s)
{
  bool digits = !s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoull(s) > uint64_t(INT64_MAX))
    throw InputError("--seed " + s + ": expected an integer 0.." + std::to_string(INT64_MAX));
  return std::stoull(s);
}

static po::variables_map parse(const std::vector<std::string>& args, po::options_description& opts,
                               const std::string& positional, const std::string& what = "CONFIG")
{
  po::positional_options_description pos;
  pos.add(positional.c_str(), 1);
  po::options_description all;
  all.add(opts).add_options()(positional.c_str(), po::value<std::string>(), "");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (!vm.count(positional)) throw po::error("missing " + what + " argument");
  return vm;
}

// `iosim CMD --help`: CMD's paragraph of the usage text, then the common notes.
static bool print_command_help(const std::string& cmd)
{
  const std::string text = kUsage, head = "\n  iosim " + cmd + " ";
  size_t begin           = text.find(head);
  if (begin == std::string::npos) return false;
  size_t end   = text.find("\n  iosim ", begin + 1);
  size_t notes = text.find("\n\n--set");
  std::printf("usage:%s\n%s", text.substr(begin, end - begin).c_str(), text.substr(notes + 1).c_str());
  return true;
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
  for (const auto& a : args)
    if ((a == "--help" || a == "-h") && print_command_help(cmd)) return 0;
  if (cmd == "--version") {
    std::printf("iosim %s\n", IOSIM_VERSION);
    return 0;
  }
  if (cmd == "run") {
    po::options_description o("run");
    RunArgs a;
    o.add_options()("seed", po::value<std::string>(), "")("set", po::value<std::vector<std::string>>(), "")(
        "out", po::value<std::string>(), "")("events", po::value<std::string>(),
                                             "")("simgrid-cfg", po::value<std::vector<std::string>>(), "");
    po::variables_map vm = parse(args, o, "config");
    a.config             = vm["config"].as<std::string>();
    if (vm.count("seed")) {
      a.has_seed = true;
      a.seed     = parse_seed(vm["seed"].as<std::string>());
    }
    if (vm.count("set")) a.sets = vm["set"].as<std::vector<std::string>>();
    if (vm.count("out")) a.out = vm["out"].as<std::string>();
    if (vm.count("events")) a.events = vm["events"].as<std::string>();
    if (vm.count("simgrid-cfg")) a.simgrid_cfg = vm["simgrid-cfg"].as<std::vector<std::string>>();
    check_output_paths(a, vm.count("out") > 0, vm.count("events") > 0);
    check_simgrid_cfg(a.simgrid_cfg);
    return cmd_run(a);
  }
  if (cmd == "validate") {
    po::options_description o("validate");
    o.add_options()("set", po::value<std::vector<std::string>>(), "");
    po::variables_map vm = parse(args, o, "config");
    return cmd_validate(vm["config"].as<std::string>(),
                        vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{});
  }
  if (cmd == "explain") {
    po::options_description o("explain");
    o.add_options()("violation", po::value<long>()->default_value(0), "");
    po::variables_map vm = parse(args, o, "report", "REPORT");
    return cmd_explain(vm["report"].as<std::string>(), vm["violation"].as<long>());
  }
  if (cmd == "sweep") {
    po::options_description o("sweep");
    SweepArgs a;
    using strings = std::vector<std::string>;
    o.add_options()("grid", po::value<strings>(), "")("seeds", po::value<std::string>(), "")(
        "set", po::value<strings>(), "")("jobs", po::value<std::string>(), "")("shard", po::value<std::string>(), "")(
        "timeout", po::value<std::string>(), "")("summary", po::bool_switch(&a.summary), "")(
        "list", po::bool_switch(&a.list), "")("out", po::value<std::string>(), "");
    po::variables_map vm = parse(args, o, "config");
    a.argv0              = argv[0];
    a.config             = vm["config"].as<std::string>();
    if (!vm.count("seeds")) throw po::error("sweep: --seeds A-B is required");
    parse_seeds(vm["seeds"].as<std::string>(), a);
    if (vm.count("grid"))
      for (const auto& g : vm["grid"].as<strings>())
        a.grid.push_back(parse_grid(g));
    if (vm.count("set")) a.sets = vm["set"].as<strings>();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    a.jobs     = vm.count("jobs") ? parse_jobs(vm["jobs"].as<std::string>()) : unsigned(cores > 0 ? cores : 1);
    if (vm.count("shard")) parse_shard(vm["shard"].as<std::string>(), a);
    if (vm.count("timeout")) a.timeout_s = parse_timeout(vm["timeout"].as<std::string>());
    if (vm.count("out")) a.out = vm["out"].as<std::string>();
    if (!a.list && a.out.empty()) throw po::error("sweep: --out FILE.jsonl is required (or --list)");
    if (a.out == "-") throw InputError("--out -: a sweep appends to and resumes from a file; give a file name");
    RunArgs paths;
    paths.config = a.config;
    paths.out    = a.out;
    check_output_paths(paths, vm.count("out") > 0, false);
    return cmd_sweep(a);
  }
  if (cmd == "merge") {
    for (const auto& s : args)
      if (s.size() > 1 && s[0] == '-') throw po::error("merge: unknown option '" + s + "'");
    if (args.size() < 2) throw po::error("merge: expected OUT.jsonl SHARD.jsonl...");
    return cmd_merge(args.front(), std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (cmd == "import") return cmd_import(args);
  return usage_error("unknown command '" + cmd + "'; expected run, validate, sweep, merge, import or explain");
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
