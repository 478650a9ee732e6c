// Job generator: fio's sequential wrap, aligned random offsets inside the region, rwmixread.
#include "workloads/job.hpp"

#include <gtest/gtest.h>
#include <set>

using namespace iosim;

TEST(Job, SequentialWrapsAtTheEndOfTheRegion)
{
  JobSpec j;
  j.rw     = RwMode::read;
  j.bs     = 4096;
  j.offset = 1 << 20;
  j.size   = 3 * 4096;
  JobGenerator g(j);
  RandomStream r(1, 1);
  uint64_t want[] = {1 << 20, (1 << 20) + 4096, (1 << 20) + 8192, 1 << 20};
  for (uint64_t w : want) {
    NextIo io = g.next(r);
    EXPECT_EQ(io.offset, w);
    EXPECT_FALSE(io.write);
  }
}

TEST(Job, RandomOffsetsAreAlignedAndInsideTheRegion)
{
  JobSpec j;
  j.rw     = RwMode::randwrite;
  j.bs     = 8192;
  j.offset = 4096;
  j.size   = 64 * 8192;
  JobGenerator g(j);
  RandomStream r(7, 3);
  std::set<uint64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    NextIo io = g.next(r);
    ASSERT_TRUE(io.write);
    ASSERT_GE(io.offset, j.offset);
    ASSERT_LT(io.offset, j.offset + j.size);
    ASSERT_EQ((io.offset - j.offset) % j.bs, 0u);
    seen.insert(io.offset);
  }
  EXPECT_EQ(seen.size(), 64u) << "2000 uniform draws over 64 blocks reach every block";
}

TEST(Job, RwmixreadSetsTheReadFraction)
{
  JobSpec j;
  j.rw        = RwMode::randrw;
  j.rwmixread = 70;
  j.size      = 1 << 20;
  JobGenerator g(j);
  RandomStream r(42, 1);
  int reads = 0;
  for (int i = 0; i < 10000; ++i)
    reads += !g.next(r).write;
  // Binomial(10000, 0.7): sd = 45.8; accept 5 sd.
  EXPECT_NEAR(reads, 7000, 230);
}

TEST(RandomStream, SameSeedAndStreamGiveTheSameDraws)
{
  RandomStream a(5, 9), b(5, 9), c(5, 10);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    differs = differs || x != c.next();
  }
  EXPECT_TRUE(differs) << "another stream id gives other draws";
}
