// fio importer: unit suffixes under kb_base (fio 3.33 parse.c), times, the ini grammar with
// [global] inheritance, bssplit's remainder rule, per-direction values, and bad files (one
// error naming file and line). Fixtures are written here; expected values follow fio's rules.
#include "sim/config/input_error.hpp"
#include "sim/config/parse_config.hpp"
#include "tests/unit/fixture_file.hpp"
#include "workloads/fio_import.hpp"
#include "workloads/fio_jobfile.hpp"
#include "workloads/fio_units.hpp"

#include <gtest/gtest.h>

using namespace iosim;
using iosim::testing::TempDir;
using json = nlohmann::json;

namespace
{

uint64_t size_of(const std::string& s, unsigned kb_base = 1024) { return fio::parse_size(s, kb_base)->value; }

std::vector<DeviceSpec> one_device()
{
  DeviceSpec d;
  d.name           = "sda";
  d.model          = "null";
  d.capacity_bytes = 1ull << 40;
  return {d};
}

fio::FioImport import_text(const TempDir& dir, const std::string& text)
{
  return fio::import_fio(dir.write("job.fio", text), one_device(), "sda");
}

std::string import_error(const std::string& text)
{
  TempDir dir;
  try {
    import_text(dir, text);
  } catch (const InputError& e) {
    std::string msg = e.what();
    return msg.substr(msg.find("job.fio")); // drop the temporary directory
  }
  return "";
}

} // namespace

TEST(FioUnits, SuffixesFollowKbBase1024ByDefault)
{
  EXPECT_EQ(size_of("4096"), 4096u);
  EXPECT_EQ(size_of("4k"), 4096u);
  EXPECT_EQ(size_of("4K"), 4096u);
  EXPECT_EQ(size_of("4kb"), 4096u);
  EXPECT_EQ(size_of("1m"), 1048576u);
  EXPECT_EQ(size_of("2g"), 2ull << 30);
  EXPECT_EQ(size_of("1t"), 1ull << 40);
  EXPECT_EQ(size_of("512b"), 512u);
  EXPECT_EQ(size_of("0x10"), 16u);
  // kb_base=1024 is fio's compatibility mode: the IEC spelling means powers of 10.
  EXPECT_EQ(size_of("4KiB"), 4000u);
  EXPECT_EQ(size_of("1mib"), 1000000u);
}

TEST(FioUnits, Base1000SwapsTheMeanings)
{
  EXPECT_EQ(size_of("4k", 1000), 4000u);
  EXPECT_EQ(size_of("4KiB", 1000), 4096u);
  EXPECT_EQ(size_of("1MiB", 1000), 1048576u);
}

TEST(FioUnits, PercentagesAndRejections)
{
  auto p = fio::parse_size("50%", 1024);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->percent);
  EXPECT_EQ(p->value, 50u);
  for (const char* bad : {"-4k", "4x", "1.5k", "", "k", "4kk", "99999999999999999999"})
    EXPECT_FALSE(fio::parse_size(bad, 1024)) << bad;
}

TEST(FioUnits, TimesDefaultToSecondsOrMicroseconds)
{
  EXPECT_EQ(*fio::parse_time_us("30", true), 30000000u); // runtime, startdelay
  EXPECT_EQ(*fio::parse_time_us("10", false), 10u);      // thinktime
  EXPECT_EQ(*fio::parse_time_us("10ms", false), 10000u);
  EXPECT_EQ(*fio::parse_time_us("2m", true), 120000000u);
  EXPECT_EQ(*fio::parse_time_us("1h", true), 3600000000u);
  EXPECT_EQ(*fio::parse_time_us("250us", true), 250u);
  EXPECT_FALSE(fio::parse_time_us("10 parsecs", true));
}

TEST(FioJobfile, GlobalAppliesToTheJobsThatFollowIt)
{
  auto jobs =
      fio::parse_jobfile_text("; comment\n[global]\nbs=8k # trailing\n[a]\nrw=read\n[global]\nsize=1m\n[b]\n", "f.fio");
  ASSERT_EQ(jobs.size(), 2u);
  ASSERT_EQ(jobs[0].options.size(), 2u); // bs from the first global, its own rw
  EXPECT_EQ(jobs[0].options[0].key, "bs");
  EXPECT_EQ(jobs[0].options[0].value, "8k");
  ASSERT_EQ(jobs[1].options.size(), 2u); // both globals, in order
  EXPECT_EQ(jobs[1].options[1].key, "size");
  EXPECT_EQ(jobs[1].line, 8);
}

TEST(FioJobfile, MalformedLinesNameFileAndLine)
{
  auto err = [](const std::string& text) {
    try {
      fio::parse_jobfile_text(text, "f.fio");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(err("bs=4k\n[a]\n"), "f.fio:1: option \"bs=4k\" outside of a [global] or [job] section");
  EXPECT_EQ(err("[a\n"), "f.fio:1: section header \"[a\" has no closing ']'");
  EXPECT_EQ(err("[a]\ninclude other.fio\n"),
            "f.fio:2: 'include' of other job files is not supported by iosim; merge the files into one");
  EXPECT_EQ(err("[global]\n"), "f.fio: no job section (expected at least one [jobname] after [global])");
}

TEST(FioImport, BssplitRemainderIsSharedAndTheRestGoesToTheLast)
{
  TempDir dir;
  // 4k/10 leaves 90 for three sizes: 30 each. 4k/33 leaves 67 for one. 4k:8k:16k: 33+33+33,
  // integer division leaves 1, which fio's draw gives to the last entry.
  auto imp = import_text(dir, "[a]\nfilename=/dev/sda\nbssplit=4k/10:8k:16k:32k,4k/33:8k\n[b]\nfilename=/dev/sda\n"
                              "bssplit=4k:8k:16k\n");
  json ra = imp.tasks[0]["job"]["bssplit"]["read"], wa = imp.tasks[0]["job"]["bssplit"]["write"];
  EXPECT_EQ(ra, json::parse(R"([{"bs":4096,"percent":10},{"bs":8192,"percent":30},{"bs":16384,"percent":30},
                               {"bs":32768,"percent":30}])"));
  EXPECT_EQ(wa, json::parse(R"([{"bs":4096,"percent":33},{"bs":8192,"percent":67}])"));
  EXPECT_EQ(imp.tasks[1]["job"]["bssplit"]["read"],
            json::parse(R"([{"bs":4096,"percent":33},{"bs":8192,"percent":33},{"bs":16384,"percent":34}])"));
  EXPECT_EQ(import_error("[a]\nbssplit=4k/60:8k/50\n"),
            "job.fio:2: bssplit=4k/60:8k/50: percentages add up to 110, more than 100");
}

TEST(FioImport, JobsInheritGlobalsAndMapToTasks)
{
  TempDir dir;
  auto imp = import_text(dir, R"([global]
filename=/dev/sda
direct=1
ioengine=libaio
iodepth=4
rw=randrw
rwmixwrite=30
bs=4k,16k
rate=1m,500k
[one]
numjobs=3
prio=2
[two]
stonewall
prioclass=3
bsrange=4k-64k
runtime=2s
startdelay=500ms
)");
  ASSERT_EQ(imp.tasks.size(), 2u);
  const json& a = imp.tasks[0];
  EXPECT_EQ(a["name"], "one");
  EXPECT_EQ(a["count"], 3);
  EXPECT_EQ(a["ioprio"], json::parse(R"({"class":"be","level":2})")); // prio alone: fio assumes BE
  EXPECT_EQ(a["job"]["rwmixread"], 70);
  EXPECT_EQ(a["job"]["bs"], 4096);
  EXPECT_EQ(a["job"]["bs_write"], 16384);
  EXPECT_EQ(a["job"]["rate_bps"], json::parse(R"({"read":1048576,"write":512000})"));
  EXPECT_EQ(a["job"]["iodepth"], 4);
  EXPECT_FALSE(a.contains("after"));
  const json& b = imp.tasks[1];
  EXPECT_EQ(b["ioprio"], json::parse(R"({"class":"idle"})"));
  EXPECT_EQ(b["after"], json::parse(R"(["one"])"));
  EXPECT_EQ(b["job"]["bsrange"]["read"], json::parse("[4096, 65536]"));
  EXPECT_EQ(b["job"]["runtime_ms"], 2000);
  EXPECT_EQ(b["job"]["start_ms"], 500);
}

TEST(FioImport, SyncEnginesAndBufferedLibaioRunAtDepthOne)
{
  TempDir dir;
  auto imp = import_text(dir, "[a]\nfilename=/dev/sda\niodepth=8\n[b]\nfilename=/dev/sda\nioengine=libaio\niodepth=8\n"
                              "[c]\nfilename=/dev/sda\nioengine=libaio\ndirect=1\niodepth=8\n");
  EXPECT_EQ(imp.tasks[0]["job"]["iodepth"], 1); // psync, fio's default engine
  EXPECT_EQ(imp.tasks[1]["job"]["iodepth"], 1); // buffered libaio blocks in io_submit
  EXPECT_EQ(imp.tasks[2]["job"]["iodepth"], 8);
}

TEST(FioImport, RwSkipModifierOfSequentialModesBecomesSeqSkip)
{
  TempDir dir;
  // fio: "rw=write:4k will skip 4k for every write"; for random modes N counts I/Os per offset.
  auto imp = import_text(dir, "[a]\nfilename=/dev/sda\nrw=read:128k\nbs=128k\n[b]\nfilename=/dev/sda\nrw=randread:8\n");
  EXPECT_EQ(imp.tasks[0]["job"]["rw"], "read");
  EXPECT_EQ(imp.tasks[0]["job"]["seq_skip"], 128 * 1024);
  EXPECT_EQ(imp.tasks[1]["job"]["seq_skip"], 0);
  ASSERT_EQ(imp.warnings.size(), 1u);
  EXPECT_NE(imp.warnings[0].find("rw=randread:N"), std::string::npos) << imp.warnings[0];
}

TEST(FioImport, UnknownOptionsAreNamedInOneWarning)
{
  TempDir dir;
  auto imp = import_text(dir, "[a]\nfilename=/dev/sda\nflow=8\nnorandommap\n");
  ASSERT_EQ(imp.warnings.size(), 1u);
  EXPECT_NE(imp.warnings[0].find("flow (line 3), norandommap (line 4)"), std::string::npos) << imp.warnings[0];
}

TEST(FioImport, CmdprioRulesAndTheirWarning)
{
  TempDir dir;
  auto imp = import_text(dir, "[a]\nfilename=/dev/sda\nioengine=io_uring\ndirect=1\nrw=randread\nbssplit=64k/40:1m/60\n"
                              "cmdprio_bssplit=64k/25/1/1:64k/75/3/2:1m/0\n");
  EXPECT_EQ(imp.tasks[0]["job"]["cmdprio"]["read"], json::parse(R"([{"bs":65536,"percent":25,"class":"rt","level":1},
                            {"bs":65536,"percent":75,"class":"idle","level":2}])"));
  bool warned = false;
  for (const auto& w : imp.warnings)
    warned = warned || w.find("schedules by the task's ioprio only") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(FioImport, BadValuesNameTheLine)
{
  EXPECT_EQ(import_error("[a]\nrw=randtrim\n").substr(0, 30), "job.fio:2: rw=randtrim: trim (");
  EXPECT_EQ(import_error("[a]\nrw=sideways\n"),
            "job.fio:2: rw=sideways: unknown rw mode (expected read, write, randread, randwrite, rw, readwrite or "
            "randrw)");
  EXPECT_EQ(import_error("[a]\nsize=-4k\n"),
            "job.fio:2: size=-4k: a negative size (expected a byte count like 4k, 1m, 2g)");
  EXPECT_EQ(import_error("[a]\niodepth=deep\n"), "job.fio:2: iodepth=deep: \"deep\" is not an integer in 1..1024");
  EXPECT_EQ(import_error("[a]\ncgroup=g\ncgroup_weight=50\n"),
            "job.fio:3: cgroup_weight=50: \"50\" is not an integer in 100..1000");
  // Not one block fits: the job is named at its header line (the size may come from [global]).
  EXPECT_EQ(import_error("[a]\nrw=randread\nsize=4k\nbs=64k\n"),
            "job.fio:1: job [a]: size 4096 is smaller than the block size 65536 (fio needs room for at least one "
            "block)");
}

TEST(FioImport, MissingFileAndDirectory)
{
  TempDir dir;
  try {
    fio::import_fio(dir.path() + "/none.fio", one_device(), "sda");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("none.fio: cannot open fio job file"), std::string::npos);
  }
  try {
    fio::import_fio(dir.path(), one_device(), "sda");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(": is a directory, expected a fio job file"), std::string::npos);
  }
}
