// Job generator (see job.hpp).
#include "workloads/job.hpp"

namespace iosim
{

bool JobGenerator::pick_write(RandomStream& rng) const
{
  switch (job_.rw) {
  case RwMode::read:
  case RwMode::randread:
    return false;
  case RwMode::write:
  case RwMode::randwrite:
    return true;
  case RwMode::rw:
  case RwMode::randrw:
    return rng.below(100) >= uint64_t(job_.rwmixread);
  }
  return false;
}

// bssplit: one draw over the percentages; bsrange: a multiple of LOW in [LOW, HIGH], uniformly.
uint64_t JobGenerator::pick_bs(RandomStream& rng, bool write) const
{
  int d = write ? 1 : 0;
  if (!job_.bssplit[d].empty()) {
    uint64_t r = rng.below(100), cum = 0;
    for (const auto& b : job_.bssplit[d]) {
      cum += uint64_t(b.percent);
      if (r < cum) return b.bs;
    }
    return job_.bssplit[d].back().bs;
  }
  if (job_.bsrange[d][0]) {
    uint64_t lo = job_.bsrange[d][0], steps = job_.bsrange[d][1] / lo;
    return lo * (1 + rng.below(steps));
  }
  return write && job_.bs_write ? job_.bs_write : job_.bs;
}

// cmdprio rules of the I/O's direction that apply to its size (bs 0 = any): one draw; the
// first rule whose cumulative percentage exceeds it sets the request's priority.
void JobGenerator::pick_cmdprio(RandomStream& rng, NextIo& io) const
{
  const auto& rules = job_.cmdprio[io.write ? 1 : 0];
  if (rules.empty()) return;
  uint64_t r = rng.below(100), cum = 0;
  for (const auto& c : rules) {
    if (c.bs && c.bs != io.bytes) continue;
    cum += uint64_t(c.percent);
    if (r < cum) {
      io.cmdprio_class = int(c.cls);
      io.cmdprio_level = c.level;
      return;
    }
  }
}

NextIo JobGenerator::next(RandomStream& rng)
{
  bool write      = pick_write(rng);
  uint64_t bs     = pick_bs(rng, write);
  uint64_t blocks = job_.size / bs;
  bool random     = job_.rw == RwMode::randread || job_.rw == RwMode::randwrite || job_.rw == RwMode::randrw;
  uint64_t rel;
  if (random) {
    rel = blocks ? rng.below(blocks) * bs : 0;
  } else {
    if (seq_pos_ + bs > job_.size) seq_pos_ = 0;
    rel = seq_pos_;
    seq_pos_ += bs + job_.seq_skip;
  }
  NextIo io{job_.offset + rel, bs, write};
  pick_cmdprio(rng, io);
  return io;
}

} // namespace iosim
