// fio option table (see fio_options.hpp). Each row: fio's name, its alias, and how the value is
// read. Per-direction values ("r,w[,t]") follow fio: one value sets reads and writes alike; an
// empty element leaves that direction unchanged; a third (trim) element is accepted and unused.
#include "workloads/fio_options.hpp"

#include "sim/config/input_error.hpp"

#include <algorithm>
#include <functional>
#include <sstream>

namespace iosim::fio
{

void Warnings::add(const std::string& w)
{
  if (std::find(lines.begin(), lines.end(), w) == lines.end()) lines.push_back(w);
}

void Warnings::ignore(const std::string& name, int line)
{
  for (const auto& i : ignored)
    if (i.first == name && i.second == line) return;
  ignored.emplace_back(name, line);
}

namespace
{

struct Ctx {
  const std::string& file;
  const Option& o;
  FioValues& v;
  Warnings& warn;
  [[noreturn]] void fail(const std::string& what) const
  {
    throw InputError(file + ":" + std::to_string(o.line) + ": " + o.key + (o.has_value ? "=" + o.value : "") + ": " +
                     what);
  }
  std::string where() const { return file + ":" + std::to_string(o.line); }
};

std::vector<std::string> split(const std::string& s, char sep)
{
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep))
    out.push_back(part);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

uint64_t size_value(const Ctx& c, const std::string& s, bool allow_percent = false)
{
  if (!s.empty() && s[0] == '-') c.fail("a negative size (expected a byte count like 4k, 1m, 2g)");
  auto n = parse_size(s, c.v.kb_base);
  if (!n) c.fail("\"" + s + "\" is not a size (expected digits with an optional k/m/g/t/p suffix)");
  if (n->percent && !allow_percent) c.fail("a percentage is not allowed here");
  return n->value;
}

int int_value(const Ctx& c, const std::string& s, int lo, int hi)
{
  auto n = parse_uint(s);
  if (!n || *n < uint64_t(lo) || *n > uint64_t(hi))
    c.fail("\"" + s + "\" is not an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  return int(*n);
}

bool bool_value(const Ctx& c)
{
  if (!c.o.has_value) return true;
  if (c.o.value == "1" || c.o.value == "true") return true;
  if (c.o.value == "0" || c.o.value == "false") return false;
  c.fail("expected 0 or 1");
}

// Per-direction values: calls f(dir, text) for reads and writes (one value: both).
void per_dir(const Ctx& c, const std::function<void(int, const std::string&)>& f)
{
  if (!c.o.has_value || c.o.value.empty()) c.fail("needs a value");
  auto parts = split(c.o.value, ',');
  if (parts.size() > 3) c.fail("more than three comma-separated values (read,write,trim)");
  if (parts.size() == 1) {
    f(0, parts[0]);
    f(1, parts[0]);
    return;
  }
  for (int d = 0; d < 2 && d < int(parts.size()); ++d)
    if (!parts[size_t(d)].empty()) f(d, parts[size_t(d)]);
}

const std::string& value(const Ctx& c)
{
  if (!c.o.has_value || c.o.value.empty()) c.fail("needs a value");
  return c.o.value;
}

// rw=MODE[:N]: for sequential modes N is a size skipped after every I/O (fio's "rw=write:4k
// will skip 4k for every write"); for random modes a count of I/Os per new offset (not modelled).
void opt_rw(const Ctx& c)
{
  std::string m = value(c);
  auto colon    = m.find(':');
  if (colon != std::string::npos) {
    c.v.rw_modifier = true;
    c.v.rw_skip     = size_value(c, m.substr(colon + 1));
    m               = m.substr(0, colon);
  }
  static const char* modes[] = {"read", "write", "randread", "randwrite", "rw", "readwrite", "randrw"};
  if (m == "trim" || m == "randtrim" || m == "trimwrite" || m == "randtrimwrite")
    c.fail("trim (discard) is not modelled: the era's CFQ and iosim's devices have no discard path; use read, "
           "write, randread, randwrite, rw/readwrite or randrw");
  if (std::find(std::begin(modes), std::end(modes), m) == std::end(modes))
    c.fail("unknown rw mode (expected read, write, randread, randwrite, rw, readwrite or randrw)");
  c.v.rw = m == "readwrite" ? "rw" : m;
}

void opt_bssplit(const Ctx& c)
{
  auto dirs = split(value(c), ',');
  if (dirs.size() > 3) c.fail("more than three comma-separated lists (read,write,trim)");
  for (int d = 0; d < 2; ++d) {
    // One list applies to reads and writes alike (fio), an empty one leaves the direction.
    const std::string& list = dirs.size() == 1 ? dirs[0] : (size_t(d) < dirs.size() ? dirs[size_t(d)] : "");
    if (list.empty()) continue;
    std::vector<FioValues::Split> out;
    int sum = 0;
    for (const auto& e : split(list, ':')) {
      auto slash  = e.find('/');
      uint64_t bs = size_value(c, e.substr(0, slash));
      int perc    = -1;
      if (slash != std::string::npos) perc = int_value(c, e.substr(slash + 1), 0, 100);
      if (perc > 0) sum += perc;
      out.push_back({bs, perc});
    }
    if (sum > 100) c.fail("percentages add up to " + std::to_string(sum) + ", more than 100");
    c.v.bssplit[d] = out;
  }
}

void opt_bsrange(const Ctx& c)
{
  per_dir(c, [&](int d, const std::string& s) {
    auto dash = s.find_first_of("-:");
    if (dash == std::string::npos) c.fail("expected a range LOW-HIGH (e.g. 4k-64k)");
    uint64_t lo = size_value(c, s.substr(0, dash)), hi = size_value(c, s.substr(dash + 1));
    if (lo > hi) std::swap(lo, hi); // fio swaps a reversed range
    c.v.bsrange[d][0] = lo;
    c.v.bsrange[d][1] = hi;
  });
}

void opt_ioengine(const Ctx& c) { c.v.ioengine = value(c); }

void opt_rate(const Ctx& c)
{
  per_dir(c, [&](int d, const std::string& s) {
    c.v.rate[d] = size_value(c, s);
    if (parse_uint(s))
      c.warn.add(c.where() + ": rate=" + c.o.value +
                 " is read as bytes/s, as fio 3.33 reads a bare rate (older fio and some examples meant KiB/s: "
                 "write " +
                 c.o.value + "k for that)");
  });
}

using Handler = std::function<void(const Ctx&)>;
struct Row {
  const char* name;
  const char* alias;
  Handler parse;
};

const std::vector<Row>& table()
{
  static const std::vector<Row> rows = {
      {"kb_base", nullptr,
       [](const Ctx& c) {
         int b = int_value(c, value(c), 1000, 1024);
         if (b != 1000 && b != 1024) c.fail("expected 1000 or 1024");
         c.v.kb_base = unsigned(b);
       }},
      {"name", nullptr, [](const Ctx&) {}},
      {"description", nullptr, [](const Ctx&) {}},
      {"rw", "readwrite", opt_rw},
      {"rwmixread", nullptr, [](const Ctx& c) { c.v.rwmixread = int_value(c, value(c), 0, 100); }},
      {"rwmixwrite", nullptr, [](const Ctx& c) { c.v.rwmixread = 100 - int_value(c, value(c), 0, 100); }},
      {"bs", "blocksize",
       [](const Ctx& c) { per_dir(c, [&](int d, const std::string& s) { c.v.bs[d] = size_value(c, s); }); }},
      {"bsrange", "blocksize_range", opt_bsrange},
      {"bssplit", nullptr, opt_bssplit},
      {"size", nullptr,
       [](const Ctx& c) {
         c.v.size     = {size_value(c, value(c), true), parse_size(value(c), c.v.kb_base)->percent};
         c.v.has_size = true;
       }},
      {"io_size", "io_limit", [](const Ctx& c) { c.v.io_size = size_value(c, value(c)); }},
      {"offset", nullptr,
       [](const Ctx& c) {
         c.v.offset = {size_value(c, value(c), true), parse_size(value(c), c.v.kb_base)->percent};
       }},
      {"numjobs", nullptr, [](const Ctx& c) { c.v.numjobs = uint64_t(int_value(c, value(c), 1, 30000)); }},
      {"iodepth", nullptr,
       [](const Ctx& c) {
         c.v.iodepth     = uint64_t(int_value(c, value(c), 1, 1024));
         c.v.iodepth_set = true;
       }},
      {"direct", nullptr, [](const Ctx& c) { c.v.direct = bool_value(c); }},
      {"buffered", nullptr, [](const Ctx& c) { c.v.direct = !bool_value(c); }},
      {"sync", nullptr, [](const Ctx& c) { c.v.sync = bool_value(c); }},
      {"ioengine", nullptr, opt_ioengine},
      {"prio", nullptr, [](const Ctx& c) { c.v.prio = int_value(c, value(c), 0, 7); }},
      {"prioclass", nullptr, [](const Ctx& c) { c.v.prioclass = int_value(c, value(c), 0, 3); }},
      {"cmdprio_percentage", "cmdprio_pct",
       [](const Ctx& c) {
         per_dir(c, [&](int d, const std::string& s) { c.v.cmdprio_percentage[d] = int_value(c, s, 0, 100); });
         if (!c.v.cmdprio_line) c.v.cmdprio_line = c.o.line;
       }},
      {"cmdprio_class", nullptr,
       [](const Ctx& c) {
         per_dir(c, [&](int d, const std::string& s) { c.v.cmdprio_class[d] = int_value(c, s, 1, 3); });
       }},
      {"cmdprio", nullptr,
       [](const Ctx& c) {
         per_dir(c, [&](int d, const std::string& s) { c.v.cmdprio_level[d] = int_value(c, s, 0, 7); });
       }},
      {"cmdprio_bssplit", nullptr,
       [](const Ctx& c) {
         auto dirs = split(value(c), ',');
         if (dirs.size() > 3) c.fail("more than three comma-separated lists (read,write,trim)");
         for (int d = 0; d < 2; ++d)
           c.v.cmdprio_bssplit[d] = dirs.size() == 1 ? dirs[0] : (size_t(d) < dirs.size() ? dirs[size_t(d)] : "");
         if (!c.v.cmdprio_line) c.v.cmdprio_line = c.o.line;
       }},
      {"cgroup", nullptr, [](const Ctx& c) { c.v.cgroup = value(c); }},
      // fio accepts 100..1000 (its option table); the kernel's blkio.weight is 10..1000 (spec F).
      {"cgroup_weight", nullptr, [](const Ctx& c) { c.v.cgroup_weight = int_value(c, value(c), 100, 1000); }},
      {"thinktime", nullptr,
       [](const Ctx& c) {
         auto t = parse_time_us(value(c), false);
         if (!t) c.fail("not a time (expected digits with an optional us/ms/s/m/h suffix; default unit us)");
         c.v.thinktime_us = *t;
       }},
      {"thinktime_blocks", nullptr,
       [](const Ctx& c) { c.v.thinktime_blocks = uint64_t(int_value(c, value(c), 1, 1 << 30)); }},
      {"rate", nullptr, opt_rate},
      {"rate_iops", nullptr,
       [](const Ctx& c) {
         per_dir(c, [&](int d, const std::string& s) { c.v.rate_iops[d] = uint64_t(int_value(c, s, 0, 100000000)); });
       }},
      {"ratemin", nullptr,
       [](const Ctx& c) {
         per_dir(c, [&](int, const std::string& s) { size_value(c, s); });
         c.warn.add(c.where() + ": ratemin=" + c.o.value +
                    " is not enforced: iosim does not end a job that falls below its minimum rate");
       }},
      {"runtime", "timeout",
       [](const Ctx& c) {
         auto t = parse_time_us(value(c), true);
         if (!t) c.fail("not a time (expected digits with an optional us/ms/s/m/h suffix; default unit s)");
         c.v.runtime_us = *t;
       }},
      {"time_based", nullptr, [](const Ctx& c) { c.v.time_based = bool_value(c); }},
      {"startdelay", nullptr,
       [](const Ctx& c) {
         if (value(c).find_first_of("-:") != std::string::npos)
           c.fail("a random start delay range is not supported; give one time");
         auto t = parse_time_us(value(c), true);
         if (!t) c.fail("not a time (expected digits with an optional us/ms/s/m/h suffix; default unit s)");
         c.v.startdelay_us = *t;
       }},
      {"stonewall", "wait_for_previous", [](const Ctx& c) { c.v.stonewall = bool_value(c); }},
      {"filename", nullptr, [](const Ctx& c) { c.v.filename = value(c); }},
  };
  return rows;
}

} // namespace

FioValues apply_options(const Job& job, const std::string& file, Warnings& warn)
{
  FioValues v;
  // kb_base governs how every size of the job is read, wherever it appears (fio sorts it first).
  for (const auto& o : job.options)
    if (o.key == "kb_base") table()[0].parse(Ctx{file, o, v, warn});
  for (const auto& o : job.options) {
    auto row = std::find_if(table().begin(), table().end(),
                            [&](const Row& r) { return o.key == r.name || (r.alias && o.key == r.alias); });
    if (row == table().end()) {
      warn.ignore(o.key, o.line);
      continue;
    }
    row->parse(Ctx{file, o, v, warn});
  }
  return v;
}

} // namespace iosim::fio
