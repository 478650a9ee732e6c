// Device models against service times computed by hand from the formulas of docs/devices.md
// (architecture doc, Reference devices). The expected values below are worked out in the
// comments, not read back from the models.
#include "sim/devices/hdd.hpp"
#include "sim/devices/ssd.hpp"

#include <cmath>
#include <gtest/gtest.h>

using namespace iosim;

namespace
{
// A disk whose geometry makes the arithmetic easy: no zoning (150 MB/s everywhere), so a track
// holds 150e6 B/s * 60/7200 s = 1,250,000 bytes, and 100,000 tracks of it.
HddParams flat_hdd()
{
  HddParams p;
  p.capacity_bytes = 1.25e11;
  p.inner_mbs      = 150;
  p.outer_mbs      = 150;
  p.cylinders      = 100000;
  return p;
}
} // namespace

TEST(Hdd, SequentialRequestsStreamAtTheMediaRate)
{
  Hdd d(flat_hdd());
  // First request at offset 0 at t=0: head on cylinder 0 and the platter angle 0 is the
  // sector's angle, so only the transfer: 4096 B / 150e6 B/s = 27,306.67 ns.
  uint64_t t1 = d.start({0, 4096, false}, 0);
  EXPECT_EQ(t1, 27307u);
  // The next block right after it: no seek, no rotation (track buffer), one more transfer.
  uint64_t t2 = d.start({4096, 4096, false}, t1);
  EXPECT_NEAR(double(t2), 27307 + 27306.67, 1.0);
}

TEST(Hdd, RandomRequestPaysSeekAndRotation)
{
  Hdd d(flat_hdd());
  d.start({0, 4096, false}, 0); // head ends on cylinder 0
  // Target: track 25,000, a quarter of the way round (offset = 25000.25 tracks).
  uint64_t off = 25000ull * 1250000 + 312500;
  // seek = 0.8 ms + 16.2 ms * sqrt(25000 / 99999) = 8.9000405 ms
  double seek = 1e6 * (0.8 + 16.2 * std::sqrt(25000.0 / 99999.0));
  double at   = 1e6 + seek;                     // issued at 1 ms
  double rot  = 60e9 / 7200;                    // 8,333,333.3 ns per turn
  double head = std::fmod(at, rot) / rot;       // 0.188 of a turn
  double wait = (0.25 - head) * rot;            // sector at 0.25 of a turn
  double want = at + wait + 4096 / 150e6 * 1e9; // + 27,306.7 ns transfer
  EXPECT_NEAR(want, 10443973.4, 1.0) << "hand arithmetic of this test";
  EXPECT_NEAR(double(d.start({off, 4096, false}, 1000000)), want, 1.0);
}

TEST(Hdd, SeekCurveEndpoints)
{
  Hdd d(flat_hdd());
  EXPECT_EQ(d.seek_ns(7, 7), 0.0) << "same cylinder: no seek";
  EXPECT_NEAR(d.seek_ns(0, 99999), 17e6, 1e-3) << "full stroke is 17 ms";
  EXPECT_NEAR(d.seek_ns(0, 1), 1e6 * (0.8 + 16.2 * std::sqrt(1 / 99999.0)), 1e-3) << "one track";
}

TEST(Hdd, ZonedTransferRateFallsFromOuterToInner)
{
  HddParams p; // reference 500 GiB disk, 150 MB/s outer, 75 MB/s inner
  Hdd d(p);
  EXPECT_DOUBLE_EQ(d.media_rate(0), 150e6);
  EXPECT_NEAR(d.radial_position(uint64_t(p.capacity_bytes)), 1.0, 1e-12);
  // Half the bytes lie outside radius u where (u - u^2/4) / 0.75 = 0.5, u = 2 - sqrt(2.5) = 0.418861,
  // where the rate is 150 - 75 u = 118.585 MB/s.
  uint64_t half = uint64_t(p.capacity_bytes / 2);
  EXPECT_NEAR(d.radial_position(half), 2 - std::sqrt(2.5), 1e-9);
  EXPECT_NEAR(d.media_rate(half), 1e6 * (150 - 75 * (2 - std::sqrt(2.5))), 1.0);
}

TEST(Hdd, QueuedRequestsAreServedInOrder)
{
  Hdd d(flat_hdd());
  uint64_t t1 = d.start({0, 4096, false}, 0);
  // A second request accepted at t=0 (NCQ) starts after the first one ends.
  uint64_t t2 = d.start({4096, 4096, false}, 0);
  EXPECT_NEAR(double(t2), double(t1) + 27306.67, 1.0);
}

TEST(Ssd, FourKiBAtDepthOneTakesTheConfiguredLatency)
{
  Ssd d(SsdParams{});
  EXPECT_EQ(d.start({0, 4096, false}, 0), 80000u) << "read_latency_us = 80";
  Ssd w(SsdParams{});
  EXPECT_EQ(w.start({0, 4096, true}, 0), 30000u) << "write_latency_us = 30";
}

TEST(Ssd, LargeReadIsBandwidthBound)
{
  Ssd d(SsdParams{});
  // access = 80 us - 4096/550e6 s = 72,552.73 ns; transfer 1 MiB at 550 MB/s = 1,906,501.82 ns.
  EXPECT_EQ(d.start({0, 1 << 20, false}, 0), 1979055u);
}

TEST(Ssd, ChannelsOverlapButTheBusSerialisesTransfers)
{
  Ssd d(SsdParams{});
  EXPECT_EQ(d.start({0, 4096, false}, 0), 80000u);
  // Second channel: access ends at 72,552.7 ns, the bus is busy until 80,000: 80,000 + 7,447.27.
  EXPECT_EQ(d.start({4096, 4096, false}, 0), 87447u);
}

TEST(Ssd, NinthRequestWaitsForAChannel)
{
  SsdParams p;
  p.channels = 1;
  Ssd d(p);
  EXPECT_EQ(d.start({0, 4096, false}, 0), 80000u);
  EXPECT_EQ(d.start({0, 4096, false}, 0), 160000u) << "one channel: the second starts when the first ends";
}

TEST(NullDevice, CompletesImmediately)
{
  auto d = make_device("null", {{"capacity_gib", 1}, {"queue_depth", 4}});
  EXPECT_EQ(d->start({0, 1 << 20, true}, 12345), 12345u);
  EXPECT_EQ(d->queue_depth(), 4);
}
