// noop elevator: FIFO dispatch and the base class accounting.
#include "schedulers/elevator.hpp"

#include <gtest/gtest.h>

using namespace iosim;

TEST(Noop, DispatchesInArrivalOrder)
{
  auto e = find_elevator_type("noop")->make({}, {});
  Request a, b, c;
  a.id = 1, b.id = 2, c.id = 3;
  a.offset = 900, b.offset = 100, c.offset = 500; // sector order must not matter
  e->add_request(a, 10);
  e->add_request(b, 20);
  e->add_request(c, 30);
  EXPECT_EQ(e->counters().queued, 3u);
  EXPECT_EQ(e->dispatch(40), &a);
  EXPECT_EQ(e->dispatch(40), &b);
  EXPECT_EQ(e->dispatch(40), &c);
  EXPECT_EQ(e->dispatch(40), nullptr);
  EXPECT_EQ(a.insert_ns, 10u);
  EXPECT_EQ(c.dispatch_ns, 40u);
  EXPECT_EQ(e->counters().in_driver, 3u);
  e->completed(b, 50);
  EXPECT_EQ(b.complete_ns, 50u);
  EXPECT_EQ(e->counters().in_driver, 2u);
  EXPECT_EQ(e->counters().completed, 1u);
}

TEST(ElevatorRegistry, UnknownNameIsNotFound)
{
  EXPECT_EQ(find_elevator_type("anticipatory"), nullptr);
  EXPECT_NE(find_elevator_type("noop"), nullptr);
}
