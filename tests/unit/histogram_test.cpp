// fio's log-linear bucket layout (stat.h: 6 bits, 64 buckets per power of two), worked by hand.
#include "sim/metrics/histogram.hpp"

#include <gtest/gtest.h>

using namespace iosim;

TEST(Histogram, ExactBelow128)
{
  EXPECT_EQ(LatencyHistogram::bucket_of(0), 0);
  EXPECT_EQ(LatencyHistogram::bucket_of(127), 127);
  EXPECT_EQ(LatencyHistogram::bucket_value(127), 127u);
}

TEST(Histogram, LogLinearAbove128)
{
  // 128: msb 7, error bits 1, index (1+1)*64 + ((128>>1) & 63) = 128
  EXPECT_EQ(LatencyHistogram::bucket_of(128), 128);
  // 255: index 128 + (127 & 63) = 191, bucket [254, 256) -> midpoint 255
  EXPECT_EQ(LatencyHistogram::bucket_of(255), 191);
  EXPECT_EQ(LatencyHistogram::bucket_value(191), 255u);
  // 256: msb 8, error bits 2, index 3*64 + 0 = 192, bucket [256, 260) -> 258
  EXPECT_EQ(LatencyHistogram::bucket_of(256), 192);
  EXPECT_EQ(LatencyHistogram::bucket_value(192), 258u);
  // 1 ms: msb 19, error bits 13, index 14*64 + ((1e6 >> 13) & 63) = 896 + 58 = 954,
  // bucket [2^19 + 58*8192, +8192) -> 524288 + 475136 + 4096 = 1,003,520
  EXPECT_EQ(LatencyHistogram::bucket_of(1000000), 954);
  EXPECT_EQ(LatencyHistogram::bucket_value(954), 1003520u);
}

TEST(Histogram, PercentilesAndMoments)
{
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v)
    h.add(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
  EXPECT_EQ(h.percentile(50), 50u);
  EXPECT_EQ(h.percentile(99), 99u);
  EXPECT_EQ(h.percentile(99.99), 100u);
  EXPECT_EQ(h.percentile(1), 1u);
}

TEST(Histogram, PercentileIsTheBucketMidpoint)
{
  LatencyHistogram h;
  for (int i = 0; i < 1000; ++i)
    h.add(1000000);
  EXPECT_EQ(h.percentile(50), 1003520u) << "within 1/128 of the true value, as fio reports";
  EXPECT_EQ(h.min(), 1000000u) << "min, max and mean stay exact";
}

TEST(Histogram, EmptyReportsZeros)
{
  LatencyHistogram h;
  EXPECT_EQ(h.percentile(50), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(Histogram, FioPercentileKeys)
{
  EXPECT_EQ(percentile_key(99.9), "99.900000");
  EXPECT_EQ(percentile_key(50), "50.000000");
  EXPECT_EQ(LatencyHistogram::default_percentiles().size(), 17u);
}

TEST(Histogram, OneWalkGivesEachPercentileOfTheList)
{
  // Two clusters with a gap and a far outlier, the values worked out by hand from fio's layout:
  // 900 samples 50000 + 37v (v < 900), 99 at 20 ms + 1 us steps, one at 2^40 ns.
  LatencyHistogram h;
  for (uint64_t v = 0; v < 900; ++v)
    h.add(50000 + v * 37);
  for (uint64_t v = 0; v < 99; ++v)
    h.add(20000000 + v * 1000);
  h.add(uint64_t(1) << 40);
  const auto& ps             = LatencyHistogram::default_percentiles();
  std::vector<uint64_t> walk = h.percentiles(ps);
  ASSERT_EQ(walk.size(), ps.size());
  // p50: the 500th sample, 50000 + 37*499 = 68463, lies in [65536 + 2*1024, +1024): midpoint 68096.
  EXPECT_EQ(walk[6], 68096u);
  EXPECT_LT(walk[10], 20000000u) << "p90 is in the first cluster (900 of 1000 samples)";
  EXPECT_GE(walk[12], 20000000u) << "p99 is in the second";
  // p99.99: the outlier, beyond the last group (2^34 ns), reported as the last bucket's value.
  EXPECT_EQ(walk[16], LatencyHistogram::bucket_value(LatencyHistogram::kBuckets - 1));
  for (size_t i = 1; i < walk.size(); ++i)
    EXPECT_LE(walk[i - 1], walk[i]) << "ascending percentiles, ascending values";
  EXPECT_EQ(LatencyHistogram().percentiles(ps), std::vector<uint64_t>(ps.size(), 0));
}
