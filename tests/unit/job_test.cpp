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

TEST(Job, SeqSkipLeavesAHoleAfterEachIo)
{
  JobSpec j;
  j.rw       = RwMode::read;
  j.bs       = 4096;
  j.seq_skip = 4096; // fio rw=read:4k
  j.size     = 4 * 4096;
  JobGenerator g(j);
  RandomStream r(1, 1);
  uint64_t want[] = {0, 8192, 0, 8192}; // the third I/O would start at 16 KiB = size: wrap
  for (uint64_t w : want)
    EXPECT_EQ(g.next(r).offset, w);
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

TEST(Job, BssplitSharesAndCmdprioRules)
{
  // bssplit=64k/40:1m/60 with 25% of the 64k reads at rt/1 (fio cmdprio_bssplit): over 20000
  // draws the shares are within 1.5 points (binomial sd ~0.35 points) of 40/60 and 10 (= 40 x 25%).
  JobSpec j;
  j.rw         = RwMode::randread;
  j.size       = 1ull << 30;
  j.bssplit[0] = {{65536, 40}, {1 << 20, 60}};
  j.cmdprio[0] = {{65536, 25, IoprioClass::rt, 1}};
  JobGenerator g(j);
  RandomStream r(5, 2);
  int small = 0, prio = 0, n = 20000;
  for (int i = 0; i < n; ++i) {
    NextIo io = g.next(r);
    ASSERT_TRUE(io.bytes == 65536 || io.bytes == (1u << 20));
    ASSERT_EQ(io.offset % io.bytes, 0u);
    small += io.bytes == 65536;
    if (io.cmdprio_class) {
      ASSERT_EQ(io.bytes, 65536u) << "only 64k I/Os have a cmdprio rule";
      ASSERT_EQ(io.cmdprio_class, int(IoprioClass::rt));
      ASSERT_EQ(io.cmdprio_level, 1);
      ++prio;
    }
  }
  EXPECT_NEAR(100.0 * small / n, 40.0, 1.5);
  EXPECT_NEAR(100.0 * prio / n, 10.0, 1.5);
}

TEST(Job, BsrangeDrawsMultiplesOfItsLowEnd)
{
  JobSpec j;
  j.rw            = RwMode::write;
  j.size          = 1 << 30;
  j.bsrange[1][0] = 4096;
  j.bsrange[1][1] = 16384;
  JobGenerator g(j);
  RandomStream r(2, 2);
  std::set<uint64_t> sizes;
  for (int i = 0; i < 1000; ++i)
    sizes.insert(g.next(r).bytes);
  EXPECT_EQ(sizes, (std::set<uint64_t>{4096, 8192, 12288, 16384}));
}
