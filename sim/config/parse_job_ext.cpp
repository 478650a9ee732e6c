// The job keys that carry fio's richer options (docs/config.md, docs/workloads.md): per-direction
// block size ranges and splits, per-direction rate caps, per-I/O priorities (cmdprio).
#include "sim/config/parse_config.hpp"
#include "sim/config/units.hpp"

#include <algorithm>

namespace iosim
{

static const char* kDirs[2] = {"read", "write"};

static uint64_t block_size(const JsonNode& n, const std::string& key)
{
  uint64_t bs = n.get_bytes(key, 512, 16ull << 20);
  if (bs % 512) n.fail(key, format_bytes(bs) + " is not a multiple of the 512-byte sector");
  return bs;
}

json parse_job_sizes(const JsonNode& j, JobSpec& job)
{
  json out = {{"bsrange", nullptr}, {"bssplit", nullptr}};
  if (j.has("bsrange") && !j.value().at("bsrange").is_null()) {
    JsonNode r = j.child("bsrange");
    r.only_keys({"read", "write"});
    out["bsrange"] = json::object();
    for (int d = 0; d < 2; ++d) {
      if (!r.has(kDirs[d])) r.fail(kDirs[d], "missing (expected [LOW, HIGH] in bytes)");
      JsonNode pair = r.child(kDirs[d]);
      if (!pair.value().is_array() || pair.value().size() != 2) pair.fail_here("expected [LOW, HIGH] in bytes");
      json tmp = {{"lo", pair.value()[0]}, {"hi", pair.value()[1]}};
      JsonNode p(tmp, j.file(), pair.path());
      uint64_t lo = block_size(p, "lo"), hi = block_size(p, "hi");
      if (lo > hi) pair.fail_here("LOW " + format_bytes(lo) + " is above HIGH " + format_bytes(hi));
      job.bsrange[d][0]        = lo;
      job.bsrange[d][1]        = hi;
      out["bsrange"][kDirs[d]] = {lo, hi};
    }
  }
  if (j.has("bssplit") && !j.value().at("bssplit").is_null()) {
    JsonNode s = j.child("bssplit");
    s.only_keys({"read", "write"});
    out["bssplit"] = json::object();
    for (int d = 0; d < 2; ++d) {
      out["bssplit"][kDirs[d]] = json::array();
      int sum                  = 0;
      for (const auto& e : s.array(kDirs[d])) {
        e.only_keys({"bs", "percent"});
        BsShare b{block_size(e, "bs"), int(e.get_int("percent", 1, 100))};
        sum += b.percent;
        job.bssplit[d].push_back(b);
        out["bssplit"][kDirs[d]].push_back({{"bs", b.bs}, {"percent", b.percent}});
      }
      if (!job.bssplit[d].empty() && sum != 100)
        s.fail(kDirs[d], "percents add up to " + std::to_string(sum) + ", expected 100");
    }
  }
  return out;
}

json parse_job_rates(const JsonNode& j, JobSpec& job)
{
  json out;
  for (const char* key : {"rate_bps", "rate_iops"}) {
    json v = j.has(key) ? j.value().at(key) : json::object();
    JsonNode n(v, j.file(), j.key_path(key));
    n.expect_object();
    n.only_keys({"read", "write"});
    uint64_t* dst = std::string(key) == "rate_bps" ? job.rate_bps : job.rate_iops;
    for (int d = 0; d < 2; ++d)
      dst[d] = uint64_t(n.get_int(kDirs[d], 0, int64_t(1) << 40, 0));
    out[key] = {{"read", dst[0]}, {"write", dst[1]}};
  }
  return out;
}

json parse_job_cmdprio(const JsonNode& j, JobSpec& job)
{
  if (!j.has("cmdprio") || j.value().at("cmdprio").is_null()) return nullptr;
  JsonNode c = j.child("cmdprio");
  c.only_keys({"read", "write"});
  json out = json::object();
  for (int d = 0; d < 2; ++d) {
    out[kDirs[d]] = json::array();
    for (const auto& e : c.array(kDirs[d])) {
      e.only_keys({"bs", "percent", "class", "level"});
      CmdprioRule r;
      r.bs            = e.get_bytes("bs", 0, 16ull << 20, 0);
      r.percent       = int(e.get_int("percent", 0, 100));
      std::string cls = e.get_enum("class", {"rt", "be", "idle"});
      r.cls           = cls == "rt" ? IoprioClass::rt : cls == "be" ? IoprioClass::be : IoprioClass::idle;
      r.level         = int(e.get_int("level", 0, 7, 0));
      int same_bs     = r.percent;
      for (const auto& o : job.cmdprio[d])
        if (o.bs == r.bs) same_bs += o.percent;
      if (same_bs > 100) e.fail("percent", "the rules for this size add up to " + std::to_string(same_bs) + " (> 100)");
      job.cmdprio[d].push_back(r);
      out[kDirs[d]].push_back({{"bs", r.bs}, {"percent", r.percent}, {"class", cls}, {"level", r.level}});
    }
  }
  return out;
}

uint64_t job_max_bs(const JobSpec& job)
{
  uint64_t m = std::max(job.bs, job.bs_write);
  for (int d = 0; d < 2; ++d) {
    m = std::max(m, job.bsrange[d][1]);
    for (const auto& b : job.bssplit[d])
      m = std::max(m, b.bs);
  }
  return m;
}

} // namespace iosim
