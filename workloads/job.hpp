// The I/O job a task runs (fio-like: rw, bs, region, rwmixread): produces the next request's
// offset and direction. Sequential jobs wrap at the end of their region, as fio does.
#pragma once
#include "sim/config/scenario.hpp"
#include "workloads/random_stream.hpp"

namespace iosim
{

struct NextIo {
  uint64_t offset;
  uint64_t bytes;
  bool write;
};

class JobGenerator
{
 public:
  explicit JobGenerator(const JobSpec& job) : job_(job) {}
  NextIo next(RandomStream& rng);
  const JobSpec& spec() const { return job_; }

 private:
  bool pick_write(RandomStream& rng) const;
  JobSpec job_;
  uint64_t seq_pos_ = 0; // next sequential position relative to job_.offset
};

} // namespace iosim
