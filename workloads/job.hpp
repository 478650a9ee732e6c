// The I/O job a task runs (fio-like: rw, bs, region, rwmixread): produces the next request's
// offset, size, direction and per-I/O priority. Sequential jobs wrap at the end of their region,
// as fio does. Draw order per I/O: direction, size (only with bssplit/bsrange), offset,
// cmdprio (only with rules), so jobs without the fio extensions draw exactly as before.
#pragma once
#include "sim/config/scenario.hpp"
#include "workloads/random_stream.hpp"

namespace iosim
{

struct NextIo {
  uint64_t offset;
  uint64_t bytes;
  bool write;
  int cmdprio_class = 0; // per-I/O priority drawn from the job's cmdprio rules (0: none)
  int cmdprio_level = 0;
};

class JobGenerator
{
 public:
  explicit JobGenerator(const JobSpec& job) : job_(job) {}
  NextIo next(RandomStream& rng);
  const JobSpec& spec() const { return job_; }

 private:
  bool pick_write(RandomStream& rng) const;
  uint64_t pick_bs(RandomStream& rng, bool write) const;
  void pick_cmdprio(RandomStream& rng, NextIo& io) const;
  JobSpec job_;
  uint64_t seq_pos_ = 0; // next sequential position relative to job_.offset
};

} // namespace iosim
