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

NextIo JobGenerator::next(RandomStream& rng)
{
  bool write      = pick_write(rng);
  uint64_t blocks = job_.size / job_.bs;
  bool random     = job_.rw == RwMode::randread || job_.rw == RwMode::randwrite || job_.rw == RwMode::randrw;
  uint64_t rel;
  if (random) {
    rel = rng.below(blocks) * job_.bs;
  } else {
    if (seq_pos_ + job_.bs > job_.size) seq_pos_ = 0;
    rel = seq_pos_;
    seq_pos_ += job_.bs;
  }
  return {job_.offset + rel, job_.bs, write};
}

} // namespace iosim
