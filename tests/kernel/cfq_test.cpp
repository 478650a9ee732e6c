// CFQ request-setup skeleton (cfq.hpp): refs of A.4/C.11/E.14, queue mapping of E.2/A.5,
// cgroup change (F, B.8 changed_cgroup), elevator exit (E.14).
#include "test_world.hpp"

namespace iosim::kernel::test {
namespace {

TEST(Cfq, E14_RequestHoldsIocCfqqAndGroupRefs)
{
  World w(IocApiVersion::fixed);
  task_struct* A = w.task("A");
  request* rq = nullptr;
  w.spawn(A, [&] {
    rq = submit_io(*w.k, w.sda, true);
    w.mark("m");
    complete_io(*w.k, rq);
    w.mark("m2");
  });
  ASSERT_EQ(w.run_until(A, "m"), Stop::at_label);
  io_context* ioc = w.ioc_of(A);
  cfq_queue* q = rq->cfqq;
  EXPECT_EQ(w.refcount(ioc), 2) << "C.11: the task's ref + the request's ref";
  EXPECT_EQ(q->ref, 2) << "E.14: the cic's ref + the request's ref";
  EXPECT_EQ(q->allocated[SYNC], 1);
  EXPECT_EQ(q->cfqg, &w.sda->root_group);
  EXPECT_EQ(w.sda->root_group.ref, 3) << "A.4/E.14: the cfqd own ref + the queue ref (put with the queue) + the request ref";
  EXPECT_EQ(rq->cic, w.cic_of(ioc, w.sda));
  ASSERT_EQ(w.run_until(A, "m2"), Stop::at_label);
  EXPECT_EQ(w.refcount(ioc), 1);
  EXPECT_EQ(q->ref, 1);
  EXPECT_EQ(q->allocated[SYNC], 0);
}

TEST(Cfq, E2_QueuePriorities_SlotVersusCreatorPriority)
{
  World w(IocApiVersion::fixed);
  TaskParams p;
  p.nice = 19;
  task_struct* A = w.task("A", p);
  w.run_as(A, [&] {
    w.io(w.sda, false);
    w.io(w.sda, true);
  });
  cfq_io_context* cic = w.cic_of(w.ioc_of(A), w.sda);
  cfq_queue* async = cic->cfqq[ASYNC];
  EXPECT_EQ(async, w.sda->async_cfqq[1][IOPRIO_NORM]) << "A.5: class NONE uses slot [BE][4] whatever the nice";
  EXPECT_EQ(async->ioprio, 7) << "A.5: the async queue's level comes from its nice-19 creator";
  EXPECT_EQ(cic->cfqq[SYNC]->ioprio, 7) << "E.2: (19 + 20) / 5";
  EXPECT_EQ(cic->cfqq[SYNC]->ioprio_class, IOPRIO_CLASS_BE);
  TaskParams root; // IOPRIO_CLASS_RT needs CAP_SYS_ADMIN (fs/ioprio.c)
  root.cap_sys_admin = true;
  w.run_as(w.task("B", root), [&] { sys_ioprio_set(*w.k, A, RT(2)); });
  w.run_as(A, [&] { w.io(w.sda, true); });
  EXPECT_EQ(cic->cfqq[SYNC]->ioprio_class, IOPRIO_CLASS_RT) << "E.2: re-derived lazily after changed_ioprio";
  EXPECT_EQ(cic->cfqq[SYNC]->ioprio, 2);
  EXPECT_EQ(cic->cfqq[ASYNC], w.sda->async_cfqq[0][2]) << "B.8: the async queue is re-mapped at once";
}

TEST(Cfq, F_CgroupMoveRecreatesSyncQueueInNewGroup)
{
  World w(IocApiVersion::legacy);
  task_struct* A = w.task("A");
  w.run_as(A, [&] { w.io(w.sda, true); });
  cfq_io_context* cic = w.cic_of(w.ioc_of(A), w.sda);
  const std::uint64_t old_q = cic->cfqq[SYNC]->id;
  EXPECT_EQ(cgroup_attach_task(*w.k, A, 5), 0) << "setup code moves A";
  w.run_as(A, [&] { w.io(w.sda, true); });
  ASSERT_NE(cic->cfqq[SYNC], nullptr);
  EXPECT_FALSE(w.live(old_q)) << "changed_cgroup dropped the old sync queue";
  EXPECT_EQ(cic->cfqq[SYNC]->cfqg->blkcg_id, 5) << "F: the new queue is in current's group";
  w.k->check_settled();
  EXPECT_EQ(w.count(Kind::cgroup_change_lost), 0u);
}

TEST(Cfq, E14_ExitQueueKillsCicsAndPutsQueues)
{
  World w(IocApiVersion::fixed);
  task_struct* A = w.task("A");
  w.run_as(A, [&] {
    w.io(w.sda, true);
    w.io(w.sda, false);
  });
  cfq_io_context* cic = w.cic_of(w.ioc_of(A), w.sda);
  const std::uint64_t sync_q = cic->cfqq[SYNC]->id, async_q = cic->cfqq[ASYNC]->id;
  cfq_exit_queue(*w.k, w.sda);
  EXPECT_EQ(w.k->mem.committed(cic->key), cfqd_dead_key(w.sda->id)) << "A.3 dead key";
  EXPECT_TRUE(cic->live) << "E.14: the cic stays in its ioc";
  EXPECT_FALSE(w.live(sync_q));
  EXPECT_FALSE(w.live(async_q)) << "the cic's ref and the pinning ref are both dropped";
  EXPECT_TRUE(w.sda->cic_list.empty());
}

} // namespace
} // namespace iosim::kernel::test
