// The execution interface (exec.hpp) and the scripted Exec: lock assertions are ModelBugs,
// baton passing is deterministic.
#include "test_world.hpp"

namespace iosim::kernel::test {
namespace {

TEST(Exec, RecursiveLockingIsAModelBug)
{
  World w(IocApiVersion::fixed);
  task_struct* A = w.task("A");
  SpinLock l("l");
  w.spawn(A, [&] {
    w.k->spin_lock(l, nullptr, "a");
    w.k->spin_lock(l, nullptr, "b");
  });
  EXPECT_THROW(w.run_to_end(A), ModelBug);
}

TEST(Exec, UnlockByNonOwnerIsAModelBug)
{
  World w(IocApiVersion::fixed);
  task_struct* A = w.task("A");
  task_struct* B = w.task("B");
  SpinLock l("l");
  w.spawn(A, [&] {
    w.k->spin_lock(l, nullptr, "a");
    w.mark("held");
  });
  w.spawn(B, [&] { w.k->spin_unlock(l, "b"); });
  ASSERT_EQ(w.run_until(A, "held"), Stop::at_label);
  EXPECT_THROW(w.run_to_end(B), ModelBug);
}

TEST(Exec, WaiterIsBlockedUntilHolderReleases)
{
  World w(IocApiVersion::fixed);
  task_struct* A = w.task("A");
  task_struct* B = w.task("B");
  SpinLock l("l");
  std::vector<std::string> order;
  w.spawn(A, [&] {
    w.k->spin_lock(l, nullptr, "a1");
    w.mark("held");
    order.push_back("A");
    w.k->spin_unlock(l, "a2");
  });
  w.spawn(B, [&] {
    w.k->spin_lock(l, nullptr, "b1");
    order.push_back("B");
    w.k->spin_unlock(l, "b2");
  });
  ASSERT_EQ(w.run_until(A, "held"), Stop::at_label);
  EXPECT_EQ(w.run_to_end(B), Stop::blocked);
  ASSERT_EQ(w.run_to_end(A), Stop::finished);
  ASSERT_EQ(w.run_to_end(B), Stop::finished);
  EXPECT_EQ(order, (std::vector<std::string>{"A", "B"}));
}

TEST(Exec, RngIsDeterministicPerSeed)
{
  Rng a(7), b(7), c(8);
  EXPECT_EQ(a.next(), b.next());
  EXPECT_NE(a.next(), c.next());
  Rng e(3);
  double sum = 0;
  for (int i = 0; i < 20000; ++i)
    sum += e.exponential(50.0);
  EXPECT_NEAR(sum / 20000, 50.0, 2.5);
}

} // namespace
} // namespace iosim::kernel::test
