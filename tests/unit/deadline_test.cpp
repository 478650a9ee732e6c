// deadline (block/deadline-iosched.c): sector-ordered batches, read preference, writes_starved,
// FIFO expiry. Times in ns at HZ=1000 (1 jiffy = 1 ms).
#include "schedulers/elevator.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <vector>

using namespace iosim;

namespace
{
struct DL {
  std::unique_ptr<Elevator> e;
  std::vector<std::unique_ptr<Request>> rs;
  explicit DL(nlohmann::json t = nlohmann::json::object())
  {
    nlohmann::json full = {
        {"read_expire", 500}, {"write_expire", 5000}, {"writes_starved", 2}, {"front_merges", 1}, {"fifo_batch", 16}};
    for (auto& [k, v] : t.items())
      full[k] = v;
    ElevatorDeviceInfo info;
    e = find_elevator_type("deadline")->make(full, info);
  }
  Request* add(uint64_t sector, bool write, uint64_t now_ms)
  {
    rs.push_back(std::make_unique<Request>());
    Request* r = rs.back().get();
    r->offset  = sector * 512;
    r->bytes   = 4096;
    r->write   = write;
    r->id      = rs.size();
    e->add_request(*r, now_ms * 1000000);
    return r;
  }
  Request* next(uint64_t now_ms)
  {
    Request* r = e->dispatch(now_ms * 1000000);
    if (r) e->completed(*r, now_ms * 1000000);
    return r;
  }
};
} // namespace

TEST(Deadline, BatchFollowsSectorOrderFromFifoHead)
{
  DL d;
  d.add(500, false, 0);
  d.add(100, false, 0);
  d.add(900, false, 0);
  EXPECT_EQ(d.next(1)->offset, 500u * 512) << "no batch yet: start from the FIFO head";
  EXPECT_EQ(d.next(1)->offset, 900u * 512) << "then sector order upward";
  EXPECT_EQ(d.next(1)->offset, 100u * 512) << "out of higher sectors: FIFO head again";
}

TEST(Deadline, WritesServedAfterWritesStarvedReadBatches)
{
  DL d(nlohmann::json{{"fifo_batch", 1}});
  for (int i = 0; i < 6; ++i)
    d.add(uint64_t(1000 + 8 * i), false, 0);
  d.add(50, true, 0);
  // reads chosen while starved++ < 2 (two read batches), then the write batch
  EXPECT_FALSE(d.next(1)->write);
  EXPECT_FALSE(d.next(1)->write);
  EXPECT_TRUE(d.next(1)->write) << "writes_starved = 2: the third batch goes to the writes";
}

TEST(Deadline, ExpiredReadRestartsFromFifo)
{
  DL d(nlohmann::json{{"fifo_batch", 1}});
  d.add(100, false, 0); // expires at 500 ms
  d.add(200, false, 10);
  d.add(300, false, 10);
  EXPECT_EQ(d.next(20)->offset, 100u * 512);
  d.add(50, false, 30);
  EXPECT_EQ(d.next(40)->offset, 200u * 512) << "not expired: continue in sector order";
  EXPECT_EQ(d.next(600)->offset, 300u * 512) << "sector order still (300 is next and 50 not yet expired)";
  d.add(400, false, 700);
  EXPECT_EQ(d.next(1200)->offset, 50u * 512) << "50 inserted at 30 ms expired at 530 ms: FIFO head first";
}
