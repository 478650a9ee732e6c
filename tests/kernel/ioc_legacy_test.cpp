// Spec section D interleavings forced under the LEGACY ioc API (B.1-B.9): D.1, D.2, D.3, D.4,
// D.10. Expected values come from the spec's "Consequences" and "Detectors" paragraphs.
#include "test_world.hpp"

namespace iosim::kernel::test {
namespace {

io_context* ioc_by_id(World& w, std::uint64_t id) { return dynamic_cast<io_context*>(w.k->reg.slot_of(id)); }

// D.1: A: C1 reads NULL; B: S1..S8 installs ioc_B with P; A: C2..C4 overwrites it.
TEST(IocLegacy, D1_OwnerOverwritesSettersIoc_IocBLeaksAndIoprioIsLost)
{
  World w(IocApiVersion::legacy);
  task_struct* A = w.task("A");
  task_struct* B = w.task("B");
  request* rq = nullptr;
  int ret = -1;
  w.spawn(A, [&] {
    rq = submit_io(*w.k, w.sda, true);
    w.mark("m1");
    complete_io(*w.k, rq);
    do_exit(*w.k);
  });
  w.spawn(B, [&] { ret = sys_ioprio_set(*w.k, A, BE(2)); });

  ASSERT_EQ(w.run_until(A, "AL1"), Stop::at_label) << "D.1 step 1: A has run C1 and is about to allocate (C2)";
  ASSERT_EQ(w.run_to_end(B), Stop::finished) << "D.1 step 2: B runs S1..S8";
  ASSERT_EQ(ret, 0) << "D.1: ioprio_set returned 0";
  const std::uint64_t ioc_B = w.ioc_id(A);
  ASSERT_NE(ioc_B, 0u) << "D.1 step 2: B installed ioc_B at S6";
  EXPECT_EQ(w.count(Kind::ioc_overwritten), 0u);

  ASSERT_EQ(w.run_until(A, "m1"), Stop::at_label) << "D.1 step 3: A runs C2..C4";
  const std::uint64_t ioc_A = w.ioc_id(A);
  EXPECT_NE(ioc_A, ioc_B) << "D.1 step 3: C4 overwrote ioc_B with ioc_A";
  EXPECT_EQ(w.count_for(Kind::ioc_overwritten, ioc_B), 1u) << "D.1 detector (i) fires at step 3";
  EXPECT_EQ(w.refcount(ioc_by_id(w, ioc_B)), 1) << "D.1: ioc_B is orphaned with refcount 1";
  EXPECT_EQ(w.nr_tasks(ioc_by_id(w, ioc_B)), 1) << "D.1: ioc_B is orphaned with nr_tasks 1";
  EXPECT_EQ(ioprio_of(w.k->mem.committed(ioc_by_id(w, ioc_A)->ioprio)), 0) << "D.1: A runs with ioc_A->ioprio = 0";

  task_struct* C = w.task("C");
  int got = -1;
  w.run_as(C, [&] { got = sys_ioprio_get(*w.k, A); });
  EXPECT_EQ(got, 0) << "D.1: a later ioprio_get(A) returns 0 (class NONE) although ioprio_set returned 0";
  w.k->check_settled();
  EXPECT_EQ(w.count_for(Kind::ioprio_lost, ioc_A), 1u) << "D.1 detector (iv): P is lost";

  ASSERT_EQ(w.run_to_end(A), Stop::finished);
  release_task(*w.k, A);
  w.k->check_quiescence();
  EXPECT_FALSE(w.live(ioc_A)) << "ioc_A is released by A's exit";
  EXPECT_EQ(w.count(Kind::ioc_leaked), 1u) << "D.1 detector (ii): exactly one ioc leaks";
  EXPECT_EQ(w.count_for(Kind::ioc_leaked, ioc_B), 1u) << "D.1: the leaked ioc is ioc_B";
}

// D.2: B: S1, S2 reads NULL; A installs ioc_A and issues I/O; B: S5, S6 overwrites ioc_A.
TEST(IocLegacy, D2_SetterOverwritesOwnersIoc_IocCicLeakAndDuplicateSyncQueue)
{
  World w(IocApiVersion::legacy);
  task_struct* A = w.task("A");
  task_struct* B = w.task("B");
  request *rq1 = nullptr, *rq2 = nullptr;
  w.spawn(A, [&] {
    rq1 = submit_io(*w.k, w.sda, true);
    w.mark("m1");
    complete_io(*w.k, rq1);
    rq2 = submit_io(*w.k, w.sda, true);
    w.mark("m2");
    complete_io(*w.k, rq2);
    do_exit(*w.k);
  });
  w.spawn(B, [&] { sys_ioprio_set(*w.k, A, BE(2)); });

  ASSERT_EQ(w.run_until(B, "AL1"), Stop::at_label) << "D.2 step 1: B holds task_lock(A) and read NULL at S2";
  ASSERT_EQ(w.run_until(A, "m1"), Stop::at_label) << "D.2 steps 2-3: A's path takes no task_lock";
  const std::uint64_t ioc_A = w.ioc_id(A);
  io_context* a = ioc_by_id(w, ioc_A);
  cfq_io_context* cic_A = w.cic_of(a, w.sda);
  ASSERT_NE(cic_A, nullptr);
  cfq_queue* cfqq_A = cic_A->cfqq[SYNC];
  ASSERT_NE(cfqq_A, nullptr) << "D.2 step 3: a sync cfqq_A is created";
  const std::uint64_t cfqq_A_id = cfqq_A->id, cic_A_id = cic_A->id;
  EXPECT_EQ(w.refcount(a), 2) << "D.2 step 3: G2 takes refcount to 2";

  ASSERT_EQ(w.run_to_end(B), Stop::finished) << "D.2 step 4: B runs S5..S8";
  const std::uint64_t ioc_B = w.ioc_id(A);
  EXPECT_NE(ioc_B, ioc_A);
  EXPECT_EQ(w.count_for(Kind::ioc_overwritten, ioc_A), 1u) << "D.2: single-assignment check fires at step 4";

  ASSERT_EQ(w.run_until(A, "m2"), Stop::at_label) << "D.2 step 5 and A's next I/O";
  EXPECT_EQ(w.refcount(a), 1) << "D.2 step 5: put(ioc_A) leaves refcount 1";
  EXPECT_EQ(w.nr_tasks(a), 1) << "D.2: nr_tasks(ioc_A) stays 1";
  cfq_io_context* cic_B = w.cic_of(ioc_by_id(w, ioc_B), w.sda);
  ASSERT_NE(cic_B, nullptr) << "D.2: A's next I/O creates cic_B";
  ASSERT_NE(cic_B->cfqq[SYNC], nullptr);
  EXPECT_NE(cic_B->cfqq[SYNC], cfqq_A) << "D.2: a second sync cfqq_B for the same task and device";
  EXPECT_TRUE(w.live(cfqq_A_id)) << "D.2: cic_A keeps its ref on cfqq_A";
  EXPECT_EQ(w.count_for(Kind::duplicate_sync_queue, cfqq_A_id), 1u) << "D.2 detector: two live sync queues";

  ASSERT_EQ(w.run_to_end(A), Stop::finished);
  release_task(*w.k, A);
  cfq_exit_queue(*w.k, w.sda);
  EXPECT_FALSE(w.live(cfqq_A_id)) << "R, D.2: the leaked cfqq is put when the elevator exits";
  w.k->check_quiescence();
  EXPECT_FALSE(w.live(ioc_B)) << "ioc_B is A's ioc at exit and is freed";
  EXPECT_EQ(w.count_for(Kind::ioc_leaked, ioc_A), 1u) << "R, D.2: ioc_A stays leaked";
  EXPECT_EQ(w.count_for(Kind::ioc_leaked, cic_A_id), 1u) << "R, D.2: its then-dead cic stays leaked";
  EXPECT_EQ(w.count(Kind::ioc_leaked), 2u);
}

// D.3: T runs E1..E7; B: set_task_ioprio(T) allocates and installs an ioc after exit.
TEST(IocLegacy, D3_SetterInstallsIocAfterExit_Leak)
{
  World w(IocApiVersion::legacy);
  task_struct* T = w.task("T");
  task_struct* B = w.task("B");
  int ret = -1;
  w.spawn(T, [&] {
    w.io(w.sda, true);
    do_exit(*w.k);
  });
  w.spawn(B, [&] { ret = sys_ioprio_set(*w.k, T, BE(1)); });

  ASSERT_EQ(w.run_until(T, "DX6"), Stop::at_label) << "D.3 step 1: T ran E1..E7";
  EXPECT_EQ(w.ioc_id(T), 0u);
  EXPECT_EQ(w.k->ioc_cache.live_objects().size(), 0u) << "D.3 step 1: E7 freed T's ioc (last ref)";
  ASSERT_EQ(w.run_to_end(B), Stop::finished) << "D.3 step 2";
  EXPECT_EQ(ret, 0);
  const std::uint64_t ioc_new = w.ioc_id(T);
  ASSERT_NE(ioc_new, 0u) << "D.3 step 2: S6 installs ioc_new on the exiting task";
  EXPECT_EQ(w.count_for(Kind::ioc_after_exit, ioc_new), 1u) << "D.3 detector (i)";
  EXPECT_EQ(w.refcount(ioc_by_id(w, ioc_new)), 1);
  EXPECT_EQ(w.nr_tasks(ioc_by_id(w, ioc_new)), 1);

  ASSERT_EQ(w.run_to_end(T), Stop::finished) << "D.3 step 3: T finishes do_exit";
  release_task(*w.k, T);
  EXPECT_EQ(w.count(Kind::ioc_after_exit), 1u) << "D.3 detector (ii) names the same ioc (one firing per object)";
  w.k->check_quiescence();
  EXPECT_EQ(w.count_for(Kind::ioc_leaked, ioc_new), 1u) << "D.3: nothing ever puts ioc_new";
}

/// Free two iocs so that the next allocation recycles a slot whose refcount word holds SLUB's
/// non-zero free pointer (D.4(b)); with @n_free = 1 the word is 0 (D.4(a), D.10).
void recycle_ioc_slots(World& w, int n_free)
{
  std::vector<task_struct*> xs;
  for (int i = 0; i < n_free; ++i) { // all iocs live at once, then freed in order
    task_struct* X = w.task("X" + std::to_string(i));
    xs.push_back(X);
    w.spawn(X, [&w] {
      w.io(w.sda, true);
      w.mark("m");
      do_exit(*w.k);
    });
    ASSERT_EQ(w.run_until(X, "m"), Stop::at_label);
  }
  for (task_struct* X : xs) {
    ASSERT_EQ(w.run_to_end(X), Stop::finished);
    release_task(*w.k, X);
  }
  ASSERT_EQ(w.k->ioc_cache.live_objects().size(), 0u);
}

struct D4 {
  World w;
  task_struct* A;
  task_struct* B;
  request* rq = nullptr;
  explicit D4(MemoryModel mm, unsigned bound = 1000) : w(IocApiVersion::legacy, mm, bound)
  {
    A = w.task("A");
    B = w.task("B");
  }
  void spawn()
  {
    w.spawn(A, [this] {
      rq = submit_io(*w.k, w.sda, true);
      w.mark("m1");
      if (rq)
        complete_io(*w.k, rq);
      w.mark("m2");
    });
    w.spawn(B, [this] { sys_ioprio_set(*w.k, A, BE(3)); });
  }
  io_context* ioc_B() { return w.k->ioc_cache.live_objects().at(0); }
};

// D.4 (b) under weak: S6's pointer store is visible before AL2's refcount=1; A's inc_not_zero on
// the stale non-zero refcount is overwritten by B's refcount=1: one ref lost, premature final put.
TEST(IocLegacy, D4b_Weak_StaleRefcountIncrementLost_RefcountUnderflow)
{
  D4 t(MemoryModel::weak);
  recycle_ioc_slots(t.w, 2);
  t.spawn();
  ASSERT_EQ(t.w.run_until(t.B, "S7"), Stop::at_label) << "D.4: B ran S5 (AL2) and S6";
  io_context* b = t.ioc_B();
  EXPECT_TRUE(t.w.k->mem.is_buffered(t.B, t.A->io_context)) << "weak: S6 is still in B's store buffer";
  t.w.k->mem.drain(t.B, t.A->io_context);
  EXPECT_EQ(t.w.ioc_id(t.A), b->id) << "D.4 step 1: S6's pointer store became visible first";
  EXPECT_TRUE(t.w.k->mem.is_buffered(t.B, b->refcount)) << "D.4 step 1: AL2's refcount=1 still pending";
  const std::uint64_t stale = t.w.k->mem.committed(b->refcount);
  EXPECT_NE(stale, 0u) << "D.4(b): the stale refcount is slab freelist garbage, not 0";
  EXPECT_NE(stale, 1u);

  ASSERT_EQ(t.w.run_until(t.A, "m1"), Stop::at_label) << "D.4 steps 2-3: A sees ioc_B and does G2 on the stale value";
  ASSERT_NE(t.rq, nullptr);
  EXPECT_EQ(t.w.count(Kind::refcount_underflow), 0u);
  ASSERT_EQ(t.w.run_to_end(t.B), Stop::finished) << "S8's unlock drains AL2: refcount=1 overwrites A's increment";
  EXPECT_EQ(t.w.count_for(Kind::refcount_underflow, b->id), 1u) << "D.4(b): a reference is lost";
  EXPECT_EQ(t.w.refcount(b), 1) << "D.4(b): refcount 1 although A's task ref and A's request ref both hold it (C.11: 2)";

  ASSERT_EQ(t.w.run_until(t.A, "m2"), Stop::at_label) << "A's request completes";
  EXPECT_EQ(t.w.refcount(b), 0) << "D.4(b): the put takes refcount to 0 while the ioc is attached";
  EXPECT_EQ(t.w.ioc_id(t.A), b->id);
  EXPECT_TRUE(b->live) << "R, B.4: the dead-key BUG fires in P3 before anything is freed";
}

// D.4 under sc: the same schedule cannot expose B's initialisation out of order.
TEST(IocLegacy, D4_Sc_SameScheduleIsHarmless)
{
  D4 t(MemoryModel::sc);
  recycle_ioc_slots(t.w, 2);
  t.spawn();
  ASSERT_EQ(t.w.run_until(t.B, "S7"), Stop::at_label);
  io_context* b = t.ioc_B();
  EXPECT_EQ(t.w.refcount(b), 1) << "sc: AL2 is visible before S6";
  ASSERT_EQ(t.w.run_until(t.A, "m1"), Stop::at_label);
  ASSERT_EQ(t.w.run_to_end(t.B), Stop::finished);
  EXPECT_EQ(t.w.refcount(b), 2) << "C.11: A's task ref + A's request ref";
  ASSERT_EQ(t.w.run_until(t.A, "m2"), Stop::at_label);
  EXPECT_EQ(t.w.refcount(b), 1);
  EXPECT_EQ(t.w.count(Kind::refcount_underflow), 0u);
  EXPECT_EQ(t.w.count(Kind::uninit_read), 0u);
  EXPECT_EQ(t.w.count(Kind::use_after_free), 0u);
}

// D.4 under weak on a never-used slot: A reads poison (D.4 detector "poison shadow state").
TEST(IocLegacy, D4_Weak_FreshSlot_UninitRead)
{
  D4 t(MemoryModel::weak);
  t.spawn();
  ASSERT_EQ(t.w.run_until(t.B, "S7"), Stop::at_label);
  io_context* b = t.ioc_B();
  t.w.k->mem.drain(t.B, t.A->io_context);
  EXPECT_EQ(t.w.count(Kind::uninit_read), 0u);
  ASSERT_EQ(t.w.run_until(t.A, "m1"), Stop::at_label);
  EXPECT_EQ(t.w.count_for(Kind::uninit_read, b->id), 1u) << "D.4: A's G2 reads the never-initialised refcount";
}

// D.4(a) / D.10: the stale refcount is 0, so G1/G2 loop on the same pointer until the bound.
TEST(IocLegacy, D10_Weak_StaleZeroRefcount_GetIoContextLivelock)
{
  D4 t(MemoryModel::weak, 5);
  recycle_ioc_slots(t.w, 1);
  t.spawn();
  ASSERT_EQ(t.w.run_until(t.B, "S7"), Stop::at_label);
  io_context* b = t.ioc_B();
  t.w.k->mem.drain(t.B, t.A->io_context);
  EXPECT_EQ(t.w.k->mem.committed(b->refcount), 0u) << "D.4(a): the stale refcount is 0";
  ASSERT_EQ(t.w.run_until(t.A, "m1"), Stop::at_label);
  EXPECT_EQ(t.w.count_for(Kind::livelock, b->id), 1u) << "D.10: the retry loop exceeded its bound";
  EXPECT_EQ(t.rq, nullptr) << "D.10: the request could not be set up";
  EXPECT_EQ(t.w.count(Kind::request_setup_failed), 1u);
}

} // namespace
} // namespace iosim::kernel::test
