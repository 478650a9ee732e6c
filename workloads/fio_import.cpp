// fio job file -> iosim task entries (see fio_import.hpp).
#include "workloads/fio_import.hpp"

#include "sim/config/input_error.hpp"
#include "sim/config/parse_config.hpp"
#include "workloads/fio_jobfile.hpp"
#include "workloads/fio_options.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace iosim::fio
{

using json = nlohmann::json;

namespace
{

constexpr uint64_t kDefaultRunMs = 60000; // a job with no runtime: assumed to need a minute

const char* class_name(int c) { return c == 1 ? "rt" : c == 2 ? "be" : c == 3 ? "idle" : "none"; }

std::string task_name(const std::string& section, std::set<std::string>& used)
{
  std::string n;
  for (char c : section)
    n += std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_-+@:", c) ? c : '_';
  if (n.size() > 60) n.resize(60);
  if (n == "admin" || n.rfind("flush-", 0) == 0) n = "fio-" + n;
  std::string out = n;
  for (int i = 2; used.count(out); ++i)
    out = n + "-" + std::to_string(i);
  used.insert(out);
  return out;
}

// bssplit with fio's remainder rule: entries without a percentage share what the others leave,
// equally (integer division); what integer division leaves goes to the last non-zero entry,
// which is where fio's draw lands for it. Zero-percent entries are dropped.
json bssplit_json(const std::vector<FioValues::Split>& in)
{
  int given = 0, missing = 0;
  for (const auto& s : in)
    s.percent < 0 ? ++missing : given += s.percent;
  std::vector<std::pair<uint64_t, int>> out;
  for (const auto& s : in) {
    int p = s.percent >= 0 ? s.percent : (100 - given) / missing;
    if (p > 0) out.emplace_back(s.bs, p);
  }
  int sum = 0;
  for (const auto& e : out)
    sum += e.second;
  if (!out.empty()) out.back().second += 100 - sum;
  json a = json::array();
  for (const auto& e : out)
    a.push_back({{"bs", e.first}, {"percent", e.second}});
  return a;
}

// cmdprio_percentage / cmdprio_bssplit -> per-direction rules (docs/workloads.md).
json cmdprio_json(const FioValues& v, const std::string& file, int line)
{
  json out = {{"read", json::array()}, {"write", json::array()}};
  for (int d = 0; d < 2; ++d) {
    const char* dir = d ? "write" : "read";
    if (!v.cmdprio_bssplit[d].empty()) {
      if (v.cmdprio_percentage[d])
        throw InputError(file + ":" + std::to_string(line) +
                         ": cmdprio_percentage and cmdprio_bssplit cannot both be set (fio rejects it)");
      std::string list = v.cmdprio_bssplit[d];
      size_t start     = 0;
      while (start <= list.size()) {
        size_t end        = std::min(list.find(':', start), list.size());
        std::string entry = list.substr(start, end - start);
        start             = end + 1;
        std::vector<std::string> f;
        size_t p = 0;
        while (p <= entry.size()) {
          size_t q = std::min(entry.find('/', p), entry.size());
          f.push_back(entry.substr(p, q - p));
          p = q + 1;
        }
        auto bad = [&](const std::string& why) {
          throw InputError(file + ":" + std::to_string(line) + ": cmdprio_bssplit entry \"" + entry + "\": " + why);
        };
        if (f.size() != 2 && f.size() != 4 && f.size() != 5)
          bad("expected BS/PERCENT or BS/PERCENT/CLASS/LEVEL[/HINT]");
        auto bs = parse_size(f[0], v.kb_base);
        auto pc = parse_uint(f[1]);
        if (!bs || bs->percent || !pc || *pc > 100) bad("expected a size and a percentage 0..100");
        int cls = v.cmdprio_class[d], lvl = v.cmdprio_level[d];
        if (f.size() >= 4) {
          auto c = parse_uint(f[2]), l = parse_uint(f[3]);
          if (!c || *c < 1 || *c > 3 || !l || *l > 7) bad("class must be 1..3 and level 0..7");
          cls = int(*c);
          lvl = int(*l);
        }
        if (*pc == 0) continue;
        out[dir].push_back({{"bs", bs->value}, {"percent", *pc}, {"class", class_name(cls)}, {"level", lvl}});
      }
    } else if (v.cmdprio_percentage[d]) {
      out[dir].push_back({{"bs", uint64_t(0)},
                          {"percent", v.cmdprio_percentage[d]},
                          {"class", class_name(v.cmdprio_class[d])},
                          {"level", v.cmdprio_level[d]}});
    }
  }
  return out;
}

bool is_async_engine(const std::string& e) { return e == "libaio" || e == "io_uring" || e == "posixaio"; }
bool is_sync_engine(const std::string& e)
{
  return e == "sync" || e == "psync" || e == "vsync" || e == "pvsync" || e == "pvsync2";
}

struct Layout {
  std::map<std::string, uint64_t> base; // regular file -> its first byte on the device
  uint64_t next = 0;
};

} // namespace

FioImport import_fio(const std::string& path, const std::vector<DeviceSpec>& devices, const std::string& default_device)
{
  std::vector<Job> jobs = parse_jobfile(path);
  FioImport out;
  Warnings warn;
  std::set<std::string> used;
  std::vector<std::string> previous;  // task names so far (stonewall waits for all of them)
  std::map<std::string, int> weights; // cgroup -> weight
  std::map<std::string, Layout> layouts;
  std::vector<std::string> cmdprio_lines;
  uint64_t group_start = 0, max_end = 0; // run length estimate: a stonewall starts a new group
  for (const Job& job : jobs) {
    FioValues v    = apply_options(job, path, warn);
    std::string at = path + ":" + std::to_string(job.line);
    auto fail      = [&](const std::string& what) { throw InputError(at + ": job [" + job.name + "]: " + what); };
    // filename -> device
    std::string dev = default_device;
    bool block_dev  = v.filename.rfind("/dev/", 0) == 0;
    if (v.filename.find(':') != std::string::npos)
      warn.add(at + ": filename=" + v.filename + " names several files; iosim uses the first for the device");
    if (block_dev) {
      std::string n = v.filename.substr(5, v.filename.find(':') - 5);
      for (const auto& d : devices)
        if (d.name == n) dev = n;
    }
    if (dev.empty()) fail("no device for filename \"" + v.filename + "\" (give the workload a \"device\")");
    const DeviceSpec* ds = nullptr;
    for (const auto& d : devices)
      if (d.name == dev) ds = &d;
    if (!ds) fail("device \"" + dev + "\" is not a device of the config");
    uint64_t cap = ds->capacity_bytes;
    auto resolve = [&](const FioSize& s, uint64_t whole) {
      return s.percent ? whole * std::min<uint64_t>(s.value, 100) / 100 : s.value;
    };
    uint64_t off  = resolve(v.offset, cap);
    uint64_t size = v.has_size ? resolve(v.size, cap) : 0;
    if (!block_dev) {
      // A regular file: fio needs its size; files are laid out one after another on the device
      // (a job without filename gets its own file, named after the job, as fio does).
      if (!v.has_size) fail("size is needed for a regular file (fio: \"you need to specify size=\")");
      std::string fname = v.filename.empty() ? job.name : v.filename.substr(0, v.filename.find(':'));
      Layout& lay       = layouts[dev];
      if (!lay.base.count(fname)) {
        lay.base[fname] = lay.next;
        lay.next += (size + off + (1 << 20) - 1) / (1 << 20) * (1 << 20);
      }
      off += lay.base[fname];
    }
    if (off >= cap)
      fail("offset " + std::to_string(off) + " is beyond device \"" + dev + "\" (" + std::to_string(cap) + " bytes)");
    if (!size) size = cap - off;
    if (size > cap - off)
      fail("size " + std::to_string(size) + " at offset " + std::to_string(off) + " does not fit device \"" + dev +
           "\" (" + std::to_string(cap) + " bytes)");
    for (int d = 0; d < 2; ++d)
      if (v.bs[d] == 0 || v.bs[d] % 512)
        fail("block size " + std::to_string(v.bs[d]) + " is not a positive multiple of 512");
    const uint64_t max_bs = std::max(v.bs[0], v.bs[1]);
    if (size < max_bs)
      fail("size " + std::to_string(size) + " is smaller than the block size " + std::to_string(max_bs) +
           " (fio needs room for at least one block)");
    const bool random_rw = v.rw.rfind("rand", 0) == 0;
    if (v.rw_modifier && random_rw)
      warn.add(at + ": the rw=" + v.rw + ":N modifier (a new random offset every N I/Os) is not modelled (ignored)");
    if (!random_rw && v.rw_skip % 512)
      fail("rw=" + v.rw + ":" + std::to_string(v.rw_skip) + " skips a part of a 512-byte sector");
    // ioengine: sync engines issue one I/O at a time whatever iodepth says; libaio without
    // O_DIRECT completes inside io_submit (the kernel of the era had no async buffered I/O).
    uint64_t depth = v.iodepth;
    if (is_sync_engine(v.ioengine)) {
      if (v.iodepth_set && v.iodepth > 1)
        warn.add(at + ": iodepth=" + std::to_string(v.iodepth) + " with ioengine=" + v.ioengine +
                 " (synchronous): depth 1, as fio runs it");
      depth = 1;
    } else if (is_async_engine(v.ioengine)) {
      if (v.ioengine == "libaio" && !v.direct && depth > 1) {
        warn.add(at + ": ioengine=libaio without direct=1 submits synchronously (buffered AIO blocks in io_submit): "
                      "depth 1");
        depth = 1;
      }
    } else {
      warn.add(at + ": ioengine=" + v.ioengine + " is not modelled; run as a synchronous engine (depth 1)");
      depth = 1;
    }
    bool has_cmdprio = v.cmdprio_line != 0;
    if (has_cmdprio && !is_async_engine(v.ioengine))
      fail("cmdprio_* are options of the libaio and io_uring engines (ioengine=" + v.ioengine + ")");
    if (has_cmdprio) cmdprio_lines.push_back(std::to_string(v.cmdprio_line));
    json ioprio = {{"class", "none"}};
    int cls     = v.prioclass >= 0 ? v.prioclass : (v.prio >= 0 ? 2 : 0); // fio: a prio without class is BE
    if (cls == 1 || cls == 2) ioprio = {{"class", class_name(cls)}, {"level", std::max(v.prio, 0)}};
    if (cls == 3) ioprio = {{"class", "idle"}};
    std::string cgroup = "root";
    if (!v.cgroup.empty()) {
      if (!valid_name(v.cgroup))
        fail("cgroup \"" + v.cgroup + "\" is not a cgroup name iosim accepts (1-64 letters, digits, _ - + @ :)");
      cgroup = v.cgroup;
      int w  = v.cgroup_weight ? v.cgroup_weight : 500;
      if (weights.count(cgroup) && weights[cgroup] != w)
        fail("cgroup \"" + cgroup + "\" was given weight " + std::to_string(weights[cgroup]) + " by an earlier job");
      if (!weights.count(cgroup)) out.cgroups.push_back({{"name", cgroup}, {"weight", w}});
      weights[cgroup] = w;
    } else if (v.cgroup_weight) {
      warn.add(at + ": cgroup_weight without cgroup is ignored");
    }
    std::string name    = task_name(job.name, used);
    uint64_t runtime_ms = (v.runtime_us + 999) / 1000;
    json jj             = {{"device", dev},
                           {"rw", v.rw},
                           {"rwmixread", v.rwmixread},
                           {"bs", v.bs[0]},
                           {"bs_write", v.bs[1]},
                           {"direct", v.direct},
                           {"sync", v.sync},
                           {"iodepth", depth},
                           {"thinktime_us", v.thinktime_us},
                           {"thinktime_blocks", v.thinktime_blocks},
                           {"rate_bps", {{"read", v.rate[0]}, {"write", v.rate[1]}}},
                           {"rate_iops", {{"read", v.rate_iops[0]}, {"write", v.rate_iops[1]}}},
                           {"offset", off},
                           {"size", size},
                           {"io_limit", v.time_based ? 0 : (v.io_size ? v.io_size : size)},
                           {"seq_skip", random_rw ? 0 : v.rw_skip},
                           {"runtime_ms", runtime_ms},
                           {"start_ms", v.startdelay_us / 1000}};
    if (v.bsrange[0][0] || v.bsrange[1][0])
      jj["bsrange"] = {
          {"read", {v.bsrange[0][0] ? v.bsrange[0][0] : v.bs[0], v.bsrange[0][0] ? v.bsrange[0][1] : v.bs[0]}},
          {"write", {v.bsrange[1][0] ? v.bsrange[1][0] : v.bs[1], v.bsrange[1][0] ? v.bsrange[1][1] : v.bs[1]}}};
    if (!v.bssplit[0].empty() || !v.bssplit[1].empty())
      jj["bssplit"] = {{"read", bssplit_json(v.bssplit[0])}, {"write", bssplit_json(v.bssplit[1])}};
    if (has_cmdprio) jj["cmdprio"] = cmdprio_json(v, path, v.cmdprio_line);
    json task = {{"name", name}, {"count", v.numjobs}, {"cgroup", cgroup}, {"ioprio", ioprio}, {"job", jj}};
    if (cls == 1) task["uid"] = 0; // the RT class needs CAP_SYS_ADMIN: fio runs as root
    if (v.stonewall && !previous.empty()) task["after"] = previous;
    out.tasks.push_back(task);
    previous.push_back(name);
    // Run length estimate: a stonewalled job starts when every job before it ended.
    if (v.stonewall) group_start = max_end;
    uint64_t end = group_start + v.startdelay_us / 1000 + (runtime_ms ? runtime_ms : kDefaultRunMs);
    max_end      = std::max(max_end, end);
  }
  out.duration_ms = max_end;
  out.warnings    = warn.lines;
  if (!cmdprio_lines.empty())
    out.warnings.push_back(path + ": cmdprio_* (line " + cmdprio_lines.front() +
                           (cmdprio_lines.size() > 1 ? " and others" : "") +
                           ") set per-I/O priorities; they are carried on each request, but CFQ of this era "
                           "schedules by the task's ioprio only (spec E.2), as the kernel did");
  if (!warn.ignored.empty()) {
    std::string w = path + ": options iosim does not model, accepted and ignored:";
    for (size_t i = 0; i < warn.ignored.size(); ++i)
      w += (i ? ", " : " ") + warn.ignored[i].first + " (line " + std::to_string(warn.ignored[i].second) + ")";
    out.warnings.push_back(w);
  }
  return out;
}

} // namespace iosim::fio
