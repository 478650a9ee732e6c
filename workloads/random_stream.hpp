// Per-task random stream: xoshiro256** seeded through splitmix64 from (run seed, stream id), so
// each task's draws depend only on the seed and its own identity, never on event order elsewhere.
#pragma once
#include <cstdint>

namespace iosim
{

class RandomStream
{
 public:
  RandomStream(uint64_t seed, uint64_t stream);
  uint64_t next();
  uint64_t below(uint64_t n); // uniform in [0, n), unbiased (rejection)
  double uniform01();         // [0, 1)
  double exponential(double mean);
  bool chance(double p) { return uniform01() < p; }

 private:
  uint64_t s_[4];
};

} // namespace iosim
