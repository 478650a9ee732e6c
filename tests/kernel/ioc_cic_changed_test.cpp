// cic_changed (fixed + dc86900e, spec G.1): D.6's schedule no longer loses a change, because the
// per-cic bit is cleared before the change is applied and set again by a concurrent change.
#include "test_world.hpp"

namespace iosim::kernel::test {
namespace {

TEST(IocCicChanged, D6_Sc_ConcurrentChangeIsNotLost)
{
  World w(IocApiVersion::cic_changed);
  task_struct* A = w.task("A");
  w.spawn(A, [&] {
    w.io(w.sda, false);
    w.io(w.sdb, false);
    w.mark("m0");
    w.io(w.sda, false);
    w.mark("m1");
    w.io(w.sda, false);
    w.io(w.sdb, false);
    w.mark("m2");
  });
  ASSERT_EQ(w.run_until(A, "m0"), Stop::at_label);
  io_context* ioc = w.ioc_of(A);
  cfq_io_context* c_sda = w.cic_of(ioc, w.sda);
  cfq_io_context* c_sdb = w.cic_of(ioc, w.sdb);
  w.run_as(w.task("B1"), [&] { sys_ioprio_set(*w.k, A, BE(1)); });
  ASSERT_EQ(w.run_until(A, "CI4"), Stop::at_label) << "D.6 step 1: A applied P1 to cic_sda's async queue";
  EXPECT_EQ(c_sda->cfqq[ASYNC], w.sda->async_cfqq[1][1]);
  w.run_as(w.task("B2"), [&] { sys_ioprio_set(*w.k, A, BE(6)); }); // D.6 step 2
  ASSERT_EQ(w.run_until(A, "m1"), Stop::at_label) << "D.6 step 3";
  EXPECT_EQ(w.k->mem.committed(c_sda->changed) >> CIC_IOPRIO_CHANGED & 1, 1u)
      << "G.1: the concurrent change set the bit again";
  w.k->check_settled();
  EXPECT_EQ(w.count(Kind::ioprio_lost), 0u) << "G.1: the change is pending, not lost";
  ASSERT_EQ(w.run_until(A, "m2"), Stop::at_label) << "the next requests apply P2";
  EXPECT_EQ(c_sda->cfqq[ASYNC], w.sda->async_cfqq[1][6]);
  EXPECT_EQ(c_sdb->cfqq[ASYNC], w.sdb->async_cfqq[1][6]);
  w.k->check_settled();
  EXPECT_EQ(w.count(Kind::ioprio_lost), 0u);
}

// G.1 under weak: set_bit is not ordered after the ioprio store, so the consumer can still see
// the bit before the new ioprio (spec G.1: no lost-update window under SC, but weak remains).
TEST(IocCicChanged, D5_Weak_BitVisibleBeforeIoprio_StillPossible)
{
  World w(IocApiVersion::cic_changed, MemoryModel::weak);
  task_struct* A = w.task("A");
  task_struct* B = w.task("B");
  w.spawn(A, [&] {
    w.io(w.sda, false);
    w.io(w.sda, false); // the lookup hint is set: the next lookup takes no ioc->lock
    w.mark("m0");
    w.io(w.sda, false);
    w.mark("m1");
  });
  w.spawn(B, [&] { sys_ioprio_set(*w.k, A, BE(7)); });
  ASSERT_EQ(w.run_until(A, "m0"), Stop::at_label);
  io_context* ioc = w.ioc_of(A);
  ASSERT_EQ(w.run_until(B, "IC4"), Stop::at_label) << "B stored ioprio and set the bits, still holds ioc->lock";
  EXPECT_TRUE(w.k->mem.is_buffered(B, ioc->ioprio)) << "weak: set_bit did not order the ioprio store";
  ASSERT_EQ(w.run_until(A, "m1"), Stop::at_label);
  ASSERT_EQ(w.run_to_end(B), Stop::finished);
  w.k->check_settled();
  EXPECT_EQ(w.count(Kind::ioprio_lost), 1u) << "G.1: weak memory still exposes D.5's shape";
}

} // namespace
} // namespace iosim::kernel::test
