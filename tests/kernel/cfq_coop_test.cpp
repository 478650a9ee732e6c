// Cooperating queues, spec E.13: cfq_setup_merge's direction and references, the merge and the
// split carried out by cfq_set_request, and the references a pending merge drops at exit (C.11).
#include "test_world.hpp"

namespace iosim::kernel::test
{
namespace
{

cfq_queue* sync_queue(World& w, task_struct* t) { return w.cic_of(w.ioc_of(t), w.sda)->cfqq[SYNC]; }

// Two tasks with one sync queue each (ref 1: the cic's), parked at "m". Then A issues
// @a_extra more sync requests (parking at "a1", "a2" after each) and B, after completing the
// request it kept allocated, @b_extra more ("b1"); both exit.
struct TwoReaders {
  World w{IocApiVersion::fixed};
  task_struct* A = w.task("A");
  task_struct* B = w.task("B");
  request* b_rq  = nullptr;
  explicit TwoReaders(int a_extra = 1, int b_extra = 0)
  {
    w.spawn(A, [this, a_extra] {
      w.io(w.sda, true);
      w.mark("m");
      static const char* marks[] = {"a1", "a2"};
      for (int i = 0; i < a_extra; ++i) {
        w.io(w.sda, true); // a merge or split happens in this request's cfq_set_request
        w.mark(marks[i]);
      }
      do_exit(*w.k);
    });
    w.spawn(B, [this, b_extra] {
      w.io(w.sda, true);
      b_rq = submit_io(*w.k, w.sda, true); // one request B keeps allocated
      w.mark("m");
      complete_io(*w.k, b_rq);
      if (b_extra) {
        w.io(w.sda, true);
        w.mark("b1");
      }
      do_exit(*w.k);
    });
    EXPECT_EQ(w.run_until(A, "m"), Stop::at_label);
    EXPECT_EQ(w.run_until(B, "m"), Stop::at_label);
  }
  void finish(task_struct* t)
  {
    ASSERT_EQ(w.run_to_end(t), Stop::finished);
    release_task(*w.k, t);
  }
  /// Both exit and are reaped, then the quiescence checks run (ioc_leaked).
  void finish_both()
  {
    finish(A);
    finish(B);
    w.k->check_quiescence();
  }
};

TEST(CfqCoop, E13_ProcessRefsExcludeAllocatedRequests)
{
  TwoReaders s;
  cfq_queue* qb = sync_queue(s.w, s.B);
  EXPECT_EQ(qb->ref, 2) << "E.14: the cic's ref + B's allocated request";
  EXPECT_EQ(cfqq_process_refs(*s.w.k, qb), 1) << "E.13: ref - allocated = the cic alone";
  s.finish_both();
}

TEST(CfqCoop, E13_SetupMergePointsTheQueueWithFewerProcessRefsAtTheOther)
{
  TwoReaders s;
  cfq_queue *qa = sync_queue(s.w, s.A), *qb = sync_queue(s.w, s.B);
  cfq_setup_merge(*s.w.k, qa, qb);
  EXPECT_EQ(qa->new_cfqq, qb) << "E.13: equal process refs (1, 1): cfqq moves to new_cfqq";
  EXPECT_EQ(qb->new_cfqq, nullptr);
  EXPECT_EQ(qb->ref, 3) << "E.13: the target takes cfqq's one process ref";
  cfq_setup_merge(*s.w.k, qb, qa);
  EXPECT_EQ(qb->new_cfqq, nullptr) << "E.13: following qa's chain leads back to qb: no loop";
  EXPECT_EQ(qb->ref, 3);
  s.finish_both();
}

TEST(CfqCoop, E13_NextRequestMovesTheCicToTheMergedQueue)
{
  TwoReaders s;
  cfq_queue *qa = sync_queue(s.w, s.A), *qb = sync_queue(s.w, s.B);
  const std::uint64_t qa_id = qa->id;
  cfq_setup_merge(*s.w.k, qa, qb);
  ASSERT_EQ(s.w.run_until(s.A, "a1"), Stop::at_label);
  EXPECT_EQ(sync_queue(s.w, s.A), qb) << "E.13 cfq_merge_cfqqs: A's cic now uses B's queue";
  EXPECT_TRUE(qb->coop);
  EXPECT_FALSE(s.w.live(qa_id)) << "E.13: the cic's ref on the old queue was its last";
  EXPECT_EQ(qb->ref, 3) << "the cics of A and B + B's allocated request";
  EXPECT_EQ(s.w.sda->coop_merges, 1u);
  s.w.k->check_settled();
  EXPECT_EQ(s.w.count(Kind::duplicate_sync_queue), 0u);
  EXPECT_EQ(s.w.count(Kind::ioprio_lost), 0u);
  const std::uint64_t qb_id = qb->id;
  s.finish_both();
  EXPECT_FALSE(s.w.live(qb_id)) << "C.11: both cics exited, the request was put";
  EXPECT_EQ(s.w.count(Kind::ioc_leaked), 0u);
  EXPECT_EQ(s.w.count(Kind::refcount_underflow), 0u);
}

TEST(CfqCoop, E13_ExitWithAPendingMergeDropsTheTargetRef)
{
  TwoReaders s(0);
  cfq_queue *qa = sync_queue(s.w, s.A), *qb = sync_queue(s.w, s.B);
  cfq_setup_merge(*s.w.k, qa, qb);
  const std::uint64_t qa_id = qa->id, qb_id = qb->id;
  // A exits before issuing again: cfq_exit_cfqq's cfq_put_cooperator drops the ref the setup
  // took on qb, then the cic's put frees qa.
  s.finish(s.A);
  EXPECT_FALSE(s.w.live(qa_id));
  ASSERT_TRUE(s.w.live(qb_id));
  EXPECT_EQ(qb->ref, 2) << "B's cic + B's allocated request; the merge's ref is gone";
  s.finish(s.B);
  s.w.k->check_quiescence();
  EXPECT_FALSE(s.w.live(qb_id)) << "C.11: no holder left";
  EXPECT_EQ(s.w.count(Kind::refcount_underflow), 0u);
  EXPECT_EQ(s.w.count(Kind::ioc_leaked), 0u);
}

// A coop queue flagged split_coop (seeky at expiry, schedulers/cfq): with two processes on it,
// the one that asks gets a fresh queue (split_cfqq returns NULL); the last process keeps it, now
// its own and no longer coop.
TEST(CfqCoop, E13_SplitGivesTheAskingProcessAFreshQueueAndTheLastOneKeepsIt)
{
  TwoReaders s(2, 1);
  cfq_queue *qa = sync_queue(s.w, s.A), *qb = sync_queue(s.w, s.B);
  cfq_setup_merge(*s.w.k, qa, qb);
  ASSERT_EQ(s.w.run_until(s.A, "a1"), Stop::at_label);
  ASSERT_EQ(sync_queue(s.w, s.A), qb);
  qb->split_coop = true;
  EXPECT_EQ(cfqq_process_refs(*s.w.k, qb), 2) << "the cics of A and B";
  ASSERT_EQ(s.w.run_until(s.A, "a2"), Stop::at_label);
  cfq_queue* qa2 = sync_queue(s.w, s.A);
  EXPECT_NE(qa2, qb) << "E.13 split: A lets go of the shared queue";
  EXPECT_FALSE(qa2->coop);
  EXPECT_EQ(qa2->pid, s.A->pid);
  EXPECT_EQ(qb->ref, 2) << "B's cic + B's allocated request";
  EXPECT_TRUE(qb->coop) << "the flags stay until the last process asks";
  ASSERT_EQ(s.w.run_until(s.B, "b1"), Stop::at_label);
  EXPECT_EQ(sync_queue(s.w, s.B), qb) << "E.13: the last process keeps the queue";
  EXPECT_FALSE(qb->coop);
  EXPECT_FALSE(qb->split_coop);
  EXPECT_EQ(qb->pid, s.B->pid);
  EXPECT_EQ(s.w.sda->coop_splits, 2u);
  s.w.k->check_settled();
  EXPECT_EQ(s.w.count(Kind::duplicate_sync_queue), 0u);
  s.finish_both();
  EXPECT_EQ(s.w.count(Kind::refcount_underflow), 0u);
  EXPECT_EQ(s.w.count(Kind::ioc_leaked), 0u);
}

} // namespace
} // namespace iosim::kernel::test
