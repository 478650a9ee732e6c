// xoshiro256** (Blackman & Vigna) with splitmix64 seeding.
#include "workloads/random_stream.hpp"

#include <cmath>

namespace iosim
{

static uint64_t splitmix64(uint64_t& x)
{
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z          = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

RandomStream::RandomStream(uint64_t seed, uint64_t stream)
{
  uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ull);
  for (auto& s : s_)
    s = splitmix64(x);
}

uint64_t RandomStream::next()
{
  uint64_t result = rotl(s_[1] * 5, 7) * 9;
  uint64_t t      = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t RandomStream::below(uint64_t n)
{
  if (n <= 1) return 0;
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t r;
  do
    r = next();
  while (r >= limit);
  return r % n;
}

double RandomStream::uniform01() { return double(next() >> 11) * 0x1.0p-53; }

double RandomStream::exponential(double mean) { return -mean * std::log(1.0 - uniform01()); }

} // namespace iosim
