// Config validation: one test per kind of bad value, each checking the whole one-line message
// (file, JSON path, what was found, what was expected), plus defaults and --set overrides.
#include "sim/config/input_error.hpp"
#include "sim/config/overrides.hpp"
#include "sim/config/parse_config.hpp"
#include "schedulers/cfq/cfq_tunables.hpp"
#include "schedulers/elevator.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace iosim;
using json = nlohmann::json;

namespace
{

json base()
{
  return json::parse(R"({
    "seed": 3, "duration_ms": 500,
    "devices": [{"name": "sda", "model": "hdd"}],
    "cgroups": [{"name": "a", "weight": 200}],
    "tasks": [{"name": "r", "job": {"rw": "randread"}},
              {"name": "w", "count": 2, "cgroup": "a", "job": {"rw": "write", "direct": false}},
              {"name": "x", "ioprio": {"class": "be", "level": 2}}]
  })");
}

std::string error_of(const json& doc)
{
  try {
    parse_config(doc, "config.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

std::string error_with(const std::string& set, const std::string& set2 = "")
{
  json d = base();
  try {
    apply_override(d, set);
    if (!set2.empty()) apply_override(d, set2);
  } catch (const InputError& e) {
    return e.what();
  }
  return error_of(d);
}

} // namespace

TEST(Config, DefaultsAreFilledIn)
{
  Scenario sc = parse_config(base(), "config.json");
  EXPECT_EQ(sc.kernel.ioc_api, "fixed");
  EXPECT_EQ(sc.kernel.nr_requests, 128);
  EXPECT_EQ(sc.scheduler.name, "noop");
  ASSERT_EQ(sc.cgroups.size(), 2u);
  EXPECT_EQ(sc.cgroups[0].name, "root");
  EXPECT_EQ(sc.cgroups[0].weight, 1000) << "spec F: CFQ's root group weighs 2 x 500";
  EXPECT_EQ(sc.tasks[0].job.bs, 4096u);
  EXPECT_EQ(sc.tasks[0].job.size, 500ull << 30) << "whole device by default";
  EXPECT_EQ(sc.instance_names(), (std::vector<std::string>{"r", "w.0", "w.1", "x"}));
  EXPECT_FALSE(sc.tasks[2].has_job);
  EXPECT_EQ(sc.normalised["tasks"][0]["job"]["rw"], "randread");
}

TEST(Config, OutOfRangeInteger)
{
  EXPECT_EQ(error_with("tasks.2.ioprio.level=9"), "config.json: tasks[2].ioprio.level: 9 is out of range 0..7");
}

TEST(Config, WrongType)
{
  EXPECT_EQ(error_with("duration_ms=\"long\""),
            "config.json: duration_ms: \"long\" is not an integer (expected 1..86400000)");
}

TEST(Config, UnknownKey)
{
  EXPECT_EQ(error_with("tasks.0.job.blocksize=4096"),
            "config.json: tasks[0].job.blocksize: unknown key; expected one of: device, rw, rwmixread, bs, bs_write, "
            "bsrange, bssplit, direct, sync, iodepth, thinktime_us, thinktime_blocks, rate_kbs, rate_bps, rate_iops, "
            "offset, size, io_limit, runtime_ms, start_ms, cmdprio, seq_skip");
}

TEST(Config, SeqSkipIsForSequentialModesInWholeSectors)
{
  EXPECT_EQ(error_with("tasks.0.job.seq_skip=\"128k\""),
            "config.json: tasks[0].job.seq_skip: applies to the sequential rw modes (read, write, rw), not "
            "\"randread\"");
  EXPECT_EQ(error_with("tasks.1.job.seq_skip=100"),
            "config.json: tasks[1].job.seq_skip: 100 is not a multiple of the 512-byte sector");
  EXPECT_EQ(error_with("tasks.1.job.seq_skip=\"128k\""), "(accepted)");
}

TEST(Config, BadEnum)
{
  EXPECT_EQ(error_with("kernel.ioc_api=new"),
            "config.json: kernel.ioc_api: \"new\" is not one of: legacy, fixed, cic_changed");
  EXPECT_EQ(error_with("scheduler.name=bfq"),
            "config.json: scheduler.name: \"bfq\" is not one of: noop, deadline, cfq");
}

TEST(Config, SchedulerTunablesRejectedNotClamped)
{
  // E.1: the kernel's store functions accept quantum >= 1, slice_idle >= 0, low_latency 0..1
  // (and clamp); iosim rejects and names the range.
  EXPECT_EQ(error_with("scheduler.name=cfq", "scheduler.cfq.quantum=0"),
            "config.json: scheduler.cfq.quantum: 0 is out of range 1..4294967295");
  EXPECT_EQ(error_with("scheduler.name=cfq", "scheduler.cfq.slice_idle=-1"),
            "config.json: scheduler.cfq.slice_idle: -1 is out of range 0..4294967295");
  EXPECT_EQ(error_with("scheduler.name=cfq", "scheduler.cfq.low_latency=2"),
            "config.json: scheduler.cfq.low_latency: 2 is out of range 0..1");
  EXPECT_EQ(error_with("scheduler.name=deadline", "scheduler.deadline.front_merges=3"),
            "config.json: scheduler.deadline.front_merges: 3 is out of range 0..1");
  EXPECT_EQ(error_with("scheduler.name=cfq", "scheduler.cfq.slice_ide=1"),
            "config.json: scheduler.cfq.slice_ide: unknown key; expected one of: quantum, fifo_expire_sync, "
            "fifo_expire_async, back_seek_max, back_seek_penalty, slice_sync, slice_async, slice_async_rq, "
            "slice_idle, group_idle, low_latency, target_latency");
}

TEST(Config, EveryTunableRejectsEachSideOfItsRangeAndHasTheKernelDefault)
{
  // E.1 for every row of every elevator's table: one below lo and one above hi (where the JSON
  // integer can express it) are rejected with the range, lo and hi are accepted.
  for (const auto& t : elevator_types()) {
    const std::string sel = std::string("scheduler.name=") + t.name;
    for (const auto& row : t.tunables) {
      const std::string key = std::string("scheduler.") + t.name + "." + row.name;
      const std::string rng = std::to_string(row.lo) + ".." + std::to_string(row.hi);
      EXPECT_EQ(error_with(sel, key + "=" + std::to_string(row.lo - 1)),
                "config.json: " + key + ": " + std::to_string(row.lo - 1) + " is out of range " + rng);
      EXPECT_EQ(error_with(sel, key + "=" + std::to_string(row.hi + 1)),
                "config.json: " + key + ": " + std::to_string(row.hi + 1) + " is out of range " + rng);
      EXPECT_EQ(error_with(sel, key + "=" + std::to_string(row.lo)), "(accepted)") << key;
      EXPECT_EQ(error_with(sel, key + "=" + std::to_string(row.hi)), "(accepted)") << key;
    }
  }
  // The E.1 table at HZ=1000, as sysfs shows it.
  json d = base();
  apply_override(d, "scheduler.name=cfq");
  Scenario sc = parse_config(d, "config.json");
  EXPECT_EQ(sc.scheduler.tunables,
            json::parse(R"({"quantum": 8, "fifo_expire_sync": 125, "fifo_expire_async": 250, "back_seek_max": 16384,
              "back_seek_penalty": 2, "slice_sync": 100, "slice_async": 40, "slice_async_rq": 2, "slice_idle": 8,
              "group_idle": 8, "low_latency": 1, "target_latency": 300})"));
}

TEST(Config, CfqDefaultsFollowTheKernelsHzExpressions)
{
  // E.1 / spec note on HZ: defaults are jiffies expressions with integer division; slice_idle and
  // group_idle computing to 0 (HZ=100: 100/125) are raised to 1 by cfq_init.
  for (int hz : {100, 250, 300, 1000}) {
    json d = base();
    apply_override(d, "scheduler.name=cfq");
    apply_override(d, "kernel.hz=" + std::to_string(hz));
    Scenario sc       = parse_config(d, "config.json");
    cfq::Tunables tun = cfq::tunables_from_json(sc.scheduler.tunables, hz);
    EXPECT_EQ(tun.fifo_expire[1], cfq::jiffies_t(hz / 8)) << hz;
    EXPECT_EQ(tun.fifo_expire[0], cfq::jiffies_t(hz / 4)) << hz;
    EXPECT_EQ(tun.slice[1], cfq::jiffies_t(hz / 10)) << hz;
    EXPECT_EQ(tun.slice[0], cfq::jiffies_t(hz / 25)) << hz;
    EXPECT_EQ(tun.slice_idle, cfq::jiffies_t(std::max(hz / 125, 1))) << hz;
    EXPECT_EQ(tun.group_idle, cfq::jiffies_t(std::max(hz / 125, 1))) << hz;
    EXPECT_EQ(tun.target_latency, cfq::jiffies_t(hz * 3 / 10)) << hz;
  }
  // What sysfs shows at HZ=300: jiffies_to_msecs rounds down (37 jiffies = 123 ms, 2 = 6 ms).
  json d = base();
  apply_override(d, "scheduler.name=cfq");
  apply_override(d, "kernel.hz=300");
  Scenario sc = parse_config(d, "config.json");
  EXPECT_EQ(sc.scheduler.tunables["fifo_expire_sync"], 123);
  EXPECT_EQ(sc.scheduler.tunables["slice_idle"], 6);
  EXPECT_EQ(sc.scheduler.tunables["quantum"], 8);
}

TEST(Config, TunablesOfAnUnselectedElevatorAreCheckedAndKept)
{
  // scheduler.name=noop (the default) with a cfq section: validated like the selected one,
  // kept in the normalised config (a sweep over scheduler.name uses it), with a warning.
  EXPECT_EQ(error_with("scheduler.cfq.quantum=0"), "config.json: scheduler.cfq.quantum: 0 is out of range 1..4294967295");
  EXPECT_EQ(error_with("scheduler.deadline.fifo_batch=-7"),
            "config.json: scheduler.deadline.fifo_batch: -7 is out of range 0..2147483647");
  json d = base();
  apply_override(d, "scheduler.cfq.quantum=4");
  Scenario sc = parse_config(d, "config.json");
  EXPECT_EQ(sc.normalised["scheduler"]["cfq"], json::parse(R"({"quantum": 4})"));
  ASSERT_EQ(sc.warnings.size(), 1u);
  EXPECT_EQ(sc.warnings[0], "scheduler.cfq is set but scheduler.name is noop: its tunables are checked but not used");
}

TEST(Config, MissingRequired)
{
  json d = base();
  d["devices"][0].erase("model");
  EXPECT_EQ(error_of(d), "config.json: devices[0].model: missing (expected one of: hdd, ssd, null)");
  json e = base();
  e.erase("devices");
  EXPECT_EQ(error_of(e), "config.json: devices: missing or empty (expected at least one device)");
}

TEST(Config, BadByteCount)
{
  EXPECT_EQ(error_with("tasks.0.job.bs=\"4q\""),
            "config.json: tasks[0].job.bs: \"4q\" is not a byte count (expected an integer or a string like \"4k\", "
            "\"1m\", \"2g\")");
  EXPECT_EQ(error_with("tasks.0.job.bs=1000"),
            "config.json: tasks[0].job.bs: 1000 is not a multiple of the 512-byte sector");
  EXPECT_EQ(error_with("tasks.0.job.bs=\"32m\""), "config.json: tasks[0].job.bs: \"32m\" is out of range 512..16m");
}

TEST(Config, UnknownReferences)
{
  EXPECT_EQ(error_with("tasks.0.job.device=sdb"),
            "config.json: tasks[0].job.device: \"sdb\" is not a device of this config (devices: sda)");
  EXPECT_EQ(error_with("tasks.0.cgroup=b"),
            "config.json: tasks[0].cgroup: \"b\" is not a cgroup of this config (declare it in cgroups[])");
}

TEST(Config, DuplicateNames)
{
  EXPECT_EQ(error_with("tasks.2.name=r"), "config.json: tasks[2].name: task instance \"r\" is defined twice");
  EXPECT_EQ(error_with("cgroups.0.name=root"),
            "config.json: cgroups[0].name: \"root\" is implicit (CFQ's root group, weight 1000, spec F); name your "
            "cgroups otherwise");
}

TEST(Config, WeightRangeIsTheKernels)
{
  EXPECT_EQ(error_with("cgroups.0.weight=5"), "config.json: cgroups[0].weight: 5 is out of range 10..1000");
}

TEST(Config, IoprioClassRules)
{
  EXPECT_EQ(error_with("tasks.2.ioprio={\"class\":\"idle\",\"level\":3}"),
            "config.json: tasks[2].ioprio.level: class idle takes no level (IDLE has none, spec A.5)");
  EXPECT_EQ(error_with("tasks.0.nice=20"), "config.json: tasks[0].nice: 20 is out of range -20..19");
  EXPECT_EQ(
      error_with("tasks.2.ioprio.class=rt"),
      "config.json: tasks[2].ioprio.class: \"rt\" needs CAP_SYS_ADMIN (as with ionice -c1): give the task \"uid\": 0");
  json d                           = base();
  d["tasks"][2]["uid"]             = 0;
  d["tasks"][2]["ioprio"]["class"] = "rt";
  EXPECT_EQ(error_of(d), "(accepted)");
}

TEST(Config, KernelSettings)
{
  EXPECT_EQ(error_with("kernel.hz=500"),
            "config.json: kernel.hz: 500 is not one of the kernel's CONFIG_HZ values: 100, 250, 300, 1000");
  EXPECT_EQ(error_with("kernel.hz=\"1000\""),
            "config.json: kernel.hz: \"1000\" is not one of the kernel's CONFIG_HZ values: 100, 250, 300, 1000");
  EXPECT_EQ(error_with("kernel.gfp_atomic_fail_rate=1.5"),
            "config.json: kernel.gfp_atomic_fail_rate: 1.5 is out of range 0.0..1.0");
  EXPECT_EQ(error_with("kernel.dirty_background_bytes=\"128m\""),
            "config.json: kernel.dirty_background_bytes: 128m exceeds kernel.dirty_bytes (64m)");
}

TEST(Config, DeviceModelConsistency)
{
  EXPECT_EQ(
      error_with("devices.0.seek_full_ms=0.5"),
      "config.json: devices[0].seek_full_ms: 0.5 is below seek_track_ms (0.8): a full-stroke seek cannot be shorter "
      "than one track");
  EXPECT_EQ(error_with("devices.0.rpm=100"), "config.json: devices[0].rpm: 100 is out of range 1000.0..20000.0");
  json d          = base();
  d["devices"][0] = {{"name", "sda"}, {"model", "ssd"}, {"read_latency_us", 1}};
  EXPECT_EQ(error_of(d), "config.json: devices[0].read_latency_us: is below the time to transfer 4 KiB at read_mbs "
                         "(7.447272727272727 us)");
}

TEST(Config, EventChecks)
{
  json d      = base();
  d["events"] = json::array({{{"at_ms", 900}, {"type", "exit"}, {"task", "r"}}});
  EXPECT_EQ(error_of(d), "config.json: events[0].at_ms: 900 is out of range 0..500");
  d["events"] = json::array({{{"at_ms", 10}, {"type", "exit"}, {"task", "w"}}});
  EXPECT_EQ(error_of(d), "config.json: events[0].task: \"w\" is not a task instance existing at 10 ms (instances are "
                         "name or name.i when count > 1; fork children exist after their fork)");
  // A fork child exists only after its fork (events are taken in time order).
  d["events"] = json::array({{{"at_ms", 5}, {"type", "exit"}, {"task", "kid"}},
                             {{"at_ms", 20}, {"type", "fork"}, {"task", "r"}, {"child", "kid"}}});
  EXPECT_EQ(error_of(d), "config.json: events[0].task: \"kid\" is not a task instance existing at 5 ms (instances are "
                         "name or name.i when count > 1; fork children exist after their fork)");
  d["events"] = json::array({{{"at_ms", 20}, {"type", "fork"}, {"task", "r"}, {"child", "kid"}},
                             {{"at_ms", 25},
                              {"type", "ioprio_set"},
                              {"task", "kid"},
                              {"by", "w.1"},
                              {"ioprio", {{"class", "be"}, {"level", 7}}}},
                             {{"at_ms", 30}, {"type", "cgroup_move"}, {"task", "kid"}, {"cgroup", "a"}}});
  EXPECT_EQ(error_of(d), "(accepted)");
  d["events"][2]["clone_io"] = true;
  EXPECT_EQ(error_of(d), "config.json: events[2].clone_io: unknown key; expected one of: at_ms, type, task, cgroup");
}

TEST(Config, WorkloadsNameTheirFileRelativeToTheConfig)
{
  json d         = base();
  d["workloads"] = json::array({{{"type", "fio"}, {"file", "x.fio"}}});
  EXPECT_EQ(error_of(d), "./x.fio: cannot open fio job file: No such file or directory");
  d["workloads"][0]["type"] = "tape";
  EXPECT_EQ(error_of(d), "config.json: workloads[0].type: \"tape\" is not one of: fio, blkparse, msr, iolog");
  d["workloads"][0] = {{"type", "msr"}, {"file", "t.csv"}, {"event", "Q"}};
  EXPECT_EQ(error_of(d), "config.json: workloads[0].event: unknown key; expected one of: type, file, device, prefix, "
                         "cgroup, loop, time_scale, start_ms, length_ms, tasks, sync_writes");
}

TEST(ConfigOverride, SetsNestedKeysWithIndices)
{
  json d = base();
  apply_override(d, "tasks.0.ioprio.level=3");
  apply_override(d, "kernel.ioc_api=legacy");
  apply_override(d, "tasks.0.job.bs=\"8k\"");
  EXPECT_EQ(d["tasks"][0]["ioprio"]["level"], 3);
  EXPECT_EQ(d["kernel"]["ioc_api"], "legacy") << "a bare string";
  EXPECT_EQ(d["tasks"][0]["job"]["bs"], "8k");
}

TEST(ConfigOverride, RejectsBadForms)
{
  json d = base();
  EXPECT_THROW(apply_override(d, "seed"), InputError);
  try {
    apply_override(d, "tasks.7.nice=1");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "--set tasks.7.nice=1: index 7 is out of range (tasks has 3 elements)");
  }
  try {
    apply_override(d, "tasks.first.nice=1");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "--set tasks.first.nice=1: tasks is an array; expected a numeric index, got \"first\"");
  }
}

TEST(ConfigFile, InvalidJsonNamesLineAndColumn)
{
  std::string path =
      ::testing::TempDir() + "/bad." + std::to_string(getpid()) + ".json"; // ctest -j: one file per process
  std::ofstream(path) << "{\n  \"seed\": 1,\n  \"duration_ms\": ,\n}\n";
  try {
    load_config(path);
    FAIL();
  } catch (const InputError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind(path + ": line 3, column 18: invalid JSON: syntax error", 0), 0u) << msg;
  }
}

TEST(ConfigFile, MissingFile)
{
  try {
    load_config("/nonexistent/x.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/x.json: cannot open config file: No such file or directory");
  }
}

namespace
{
std::string load_error(const std::string& text, const std::vector<std::string>& sets = {})
{
  std::string path =
      ::testing::TempDir() + "/cfg." + std::to_string(getpid()) + ".json"; // ctest -j: one file per process
  std::ofstream(path, std::ios::binary) << text;
  try {
    load_config(path, sets);
  } catch (const InputError& e) {
    std::string msg = e.what();
    return msg.rfind(path, 0) == 0 ? "FILE" + msg.substr(path.size()) : msg;
  }
  return "(accepted)";
}
const char* kMinimal = R"({"devices": [{"name": "sda", "model": "null"}], "tasks": [{"name": "t"}]})";
} // namespace

TEST(ConfigFile, DuplicateKeysAreRejected)
{
  EXPECT_EQ(load_error(R"({"duration_ms": 100, "duration_ms": 300, "devices": []})"),
            "FILE: duplicate key \"duration_ms\" in one object (the earlier value would be ignored)");
}

TEST(ConfigFile, DeepNestingAndHugeNumbersAreBadInput)
{
  std::string deep = R"({"description": )" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(load_error(deep), "FILE: nesting deeper than 64 levels");
  EXPECT_EQ(load_error(R"({"duration_ms": 1e400})"), "FILE: invalid JSON: a number is too large for a double");
  // kMinimal is 73 characters: the NUL is the 74th.
  EXPECT_EQ(load_error(std::string(kMinimal) + std::string(1, '\0')),
            "FILE: line 1, column 74: invalid JSON: NUL byte");
}

TEST(ConfigFile, ErrorsFromSetNameTheFlag)
{
  EXPECT_EQ(load_error(kMinimal, {"tasks.0.nice=30"}),
            "--set tasks.0.nice=30: tasks[0].nice: 30 is out of range -20..19");
  EXPECT_EQ(load_error(kMinimal, {"duration_ms=1e400"}),
            "--set duration_ms=1e400: the number is too large for a double");
}

TEST(ConfigFile, NamesAndTaskLimit)
{
  EXPECT_EQ(load_error(kMinimal, {"tasks.0.name=\"flush-sda\""}),
            "--set tasks.0.name=\"flush-sda\": tasks[0].name: \"flush-sda\" is not a task name (1-64 letters, digits, "
            "_ - + @ :; not \"admin\" or \"flush-...\")");
  EXPECT_EQ(load_error(kMinimal, {"devices.0.name=\"sd\\na\""}),
            "--set devices.0.name=\"sd\\na\": devices[0].name: \"sd\\na\" is not a device name (1-64 letters, digits, "
            "_ - + @ :)");
  EXPECT_EQ(load_error(kMinimal, {"tasks.0.count=30001"}),
            "--set tasks.0.count=30001: tasks[0].count: 30001 is out of range 1..30000");
  // Repeated calls: at 0, 1, ..., 999 us of a 1000 us window is 1000 occurrences; two such
  // storms of 1 s at 1 us are 2,000,000, over the 1,000,000 limit at the second.
  EXPECT_EQ(load_error(kMinimal, {"duration_ms=1000", "events=[{\"at_ms\": 0, \"type\": \"ioprio_get\", \"task\": "
                                                      "\"t\", \"every_us\": 1, \"until_ms\": 1}]"}),
            "(accepted)");
  const std::string storm = "{\"at_ms\": 0, \"type\": \"ioprio_get\", \"task\": \"t\", \"every_us\": 1}";
  EXPECT_EQ(load_error(kMinimal, {"duration_ms=1000", "events=[" + storm + "]"}), "(accepted)") << "at the limit";
  EXPECT_EQ(load_error(kMinimal, {"duration_ms=1000", "events=[" + storm + ", " + storm + "]"}),
            "--set events=[" + storm + ", " + storm +
                "]: events[1].every_us: brings the event occurrences to 2000000, over the limit of 1000000");
}

TEST(InternalError, ExitsWithCode3AndNamesTheCheck)
{
  // Two tiers (style.md, issue 8): bad input is exit 2, an inconsistency of iosim itself stops
  // the run with exit 3 and file:line, never a crash. The check runs in a forked child.
  EXPECT_EXIT(IOSIM_CHECK(1 + 1 == 3, "arithmetic"), testing::ExitedWithCode(3),
              "iosim: internal error at .*config_test.cpp:[0-9]+: check failed: 1 \\+ 1 == 3: arithmetic");
}
