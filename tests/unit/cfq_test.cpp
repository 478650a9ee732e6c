// CFQ's scheduling rules (spec E.3-E.12) on cfq::CfqData alone, driven by explicit jiffies:
// one test per rule, each expectation worked out from the spec's formulas.
#include "schedulers/cfq/cfq_data.hpp"

#include <deque>
#include <gtest/gtest.h>
#include <memory>
#include <vector>

using namespace iosim;
using namespace iosim::cfq;

namespace
{
struct Bench {
  Tunables t;
  std::unique_ptr<CfqData> cfqd;
  std::vector<std::unique_ptr<Request>> reqs;
  std::vector<std::unique_ptr<Rq>> rqs;
  explicit Bench(Tunables tt = Tunables(), bool rot = true) : t(tt), cfqd(std::make_unique<CfqData>(tt, rot)) {}
  Queue* queue(int cls, int level, bool sync = true, Group* g = nullptr)
  {
    Queue* q        = cfqd->alloc_queue(g ? g : cfqd->root_group(), sync, 1);
    q->ioprio_class = cls;
    q->ioprio = q->org_ioprio = level;
    if (cls == CLASS_IDLE) q->idle_window = false;
    return q;
  }
  Rq* rq(Queue* q, uint64_t sector, bool sync = true, uint32_t sectors = 8)
  {
    reqs.push_back(std::make_unique<Request>());
    rqs.push_back(std::make_unique<Rq>());
    Rq* r         = rqs.back().get();
    r->r          = reqs.back().get();
    r->q          = q;
    r->sector     = sector;
    r->nr_sectors = sectors;
    r->sync       = sync;
    return r;
  }
  Rq* insert(Queue* q, uint64_t sector, jiffies_t now, bool sync = true)
  {
    Rq* r = rq(q, sector, sync);
    cfqd->cfq_insert_request(r, now);
    return r;
  }
};
} // namespace

TEST(CfqSlice, PrioSliceTableE3)
{
  Bench b;
  const jiffies_t sync[8] = {180, 160, 140, 120, 100, 80, 60, 40}, async[8] = {72, 64, 56, 48, 40, 32, 24, 16};
  for (int p = 0; p < 8; ++p) {
    EXPECT_EQ(b.cfqd->cfq_prio_slice(true, p), sync[p]) << "E.3: sync slice of level " << p;
    EXPECT_EQ(b.cfqd->cfq_prio_slice(false, p), async[p]) << "E.3: async slice of level " << p;
  }
}

TEST(CfqSlice, PrioSliceAtHz250UsesIntegerJiffies)
{
  Tunables t;
  t.hz       = 250;
  t.slice[1] = 25; // HZ/10
  t.slice[0] = 10; // HZ/25
  Bench b(t);
  // base + (base/5)*(4-p): 25/5 = 5 -> level 0 = 45 jiffies (180 ms), level 7 = 10 (40 ms)
  EXPECT_EQ(b.cfqd->cfq_prio_slice(true, 0), 45);
  EXPECT_EQ(b.cfqd->cfq_prio_slice(true, 7), 10);
  EXPECT_EQ(b.cfqd->cfq_prio_slice(false, 4), 10);
}

TEST(CfqCharge, VdisktimeScalesByWeightE12)
{
  Bench b;
  Group* g500  = b.cfqd->alloc_group(1, 500);
  Group* g1000 = b.cfqd->alloc_group(2, 1000);
  Group* g100  = b.cfqd->alloc_group(3, 100);
  // (charge << 12) * 500 / weight
  EXPECT_EQ(b.cfqd->cfq_scale_slice(100, g500), 100u << 12);
  EXPECT_EQ(b.cfqd->cfq_scale_slice(100, g1000), (100u << 12) / 2);
  EXPECT_EQ(b.cfqd->cfq_scale_slice(100, g100), (100u << 12) * 5);
}

TEST(CfqCharge, SliceUsageCappedAtAllocatedE12)
{
  Bench b;
  Queue* q           = b.queue(CLASS_BE, 4);
  q->dispatch_start  = 90;
  q->slice_start     = 100;
  q->allocated_slice = 100;
  jiffies_t unacc    = 0;
  EXPECT_EQ(b.cfqd->cfq_cfqq_slice_usage(q, 150, &unacc), 50);
  EXPECT_EQ(unacc, 10) << "time between dispatch_start and slice_start is unaccounted";
  EXPECT_EQ(b.cfqd->cfq_cfqq_slice_usage(q, 230, &unacc), 100) << "capped at allocated_slice";
  EXPECT_EQ(unacc, 30 + 10);
  q->slice_start = 0; // never started: max(now - dispatch_start, 1)
  EXPECT_EQ(b.cfqd->cfq_cfqq_slice_usage(q, 90, &unacc), 1);
}

TEST(CfqServiceTree, RbKeyOffsetE4)
{
  // E.4: rb_key = now + (nr_cfqq - 1) * (prio_slice(1, 0) - prio_slice(sync, prio)) - slice_resid,
  // where nr_cfqq counts the group's queues already placed (incremented after placement).
  Bench b;
  Queue* a = b.queue(CLASS_BE, 7);
  Queue* c = b.queue(CLASS_BE, 0);
  b.insert(a, 0, 1000);
  EXPECT_EQ(a->rb_key, 1000 - (180 - 40)) << "first queue of the group: (0 - 1) * (180 - 40)";
  b.insert(c, 1 << 20, 1000);
  EXPECT_EQ(c->rb_key, 1000) << "level 0: the difference is 0";
  Queue* as = b.queue(CLASS_BE, 4, false);
  b.insert(as, 1 << 22, 1000, false);
  EXPECT_EQ(as->rb_key, 1000 + (2 - 1) * (180 - 40)) << "an async level-4 queue uses 180 - 40 (async slice)";
  a->slice_resid = 30;
  b.cfqd->cfq_resort_rr_list(a, 2000);
  EXPECT_EQ(a->rb_key, 2000 + (3 - 1) * (180 - 40) - 30) << "re-placed with 3 queues, minus the residual slice";
  EXPECT_EQ(a->slice_resid, 0) << "slice_resid is consumed";
}

TEST(CfqServiceTree, IdleClassGoesIdleDelayBehind)
{
  Bench b;
  Queue* i1 = b.queue(CLASS_IDLE, 7);
  Queue* i2 = b.queue(CLASS_IDLE, 7);
  b.insert(i1, 0, 50);
  b.insert(i2, 1 << 20, 60);
  EXPECT_EQ(i1->rb_key, 50 + 200) << "E.4: empty idle tree -> now + CFQ_IDLE_DELAY";
  EXPECT_EQ(i2->rb_key, 250 + 200) << "E.4: rightmost + CFQ_IDLE_DELAY";
}

TEST(CfqServiceTree, GroupReaddedBehindRightmostF)
{
  Bench b;
  Group* g1 = b.cfqd->alloc_group(1, 500);
  Group* g2 = b.cfqd->alloc_group(2, 500);
  b.insert(b.queue(CLASS_BE, 4, true, g1), 0, 0);
  EXPECT_EQ(g1->vdisktime, 0u) << "empty group tree: min_vdisktime";
  g1->vdisktime = 5000; // as if charged (off tree in the kernel; order only matters here)
  b.insert(b.queue(CLASS_BE, 4, true, g2), 1 << 20, 0);
  EXPECT_EQ(g2->vdisktime, 5000u + 200) << "F: rightmost vdisktime + CFQ_IDLE_DELAY, unscaled";
  EXPECT_EQ(b.cfqd->group_tree().total_weight, 1000u);
}

TEST(CfqChooseReq, CasesE7)
{
  Bench b;
  Queue* q            = b.queue(CLASS_BE, 4);
  const uint64_t last = 100000;
  Rq* fwd_near        = b.rq(q, last + 100);
  Rq* fwd_far         = b.rq(q, last + 1000);
  Rq* back_near       = b.rq(q, last - 60);    // cost 120 with penalty 2
  Rq* back_wrap       = b.rq(q, last - 40000); // beyond back_seek_max*2 = 32768 sectors
  Rq* async_rq        = b.rq(q, last, false);
  EXPECT_EQ(b.cfqd->cfq_choose_req(async_rq, fwd_far, last), fwd_far) << "1: sync beats async";
  EXPECT_EQ(b.cfqd->cfq_choose_req(fwd_far, fwd_near, last), fwd_near) << "2: shorter forward distance";
  EXPECT_EQ(b.cfqd->cfq_choose_req(back_near, fwd_near, last), fwd_near) << "3: 60 back costs 120 > 100";
  Rq* fwd_130 = b.rq(q, last + 130);
  EXPECT_EQ(b.cfqd->cfq_choose_req(back_near, fwd_130, last), back_near) << "3: 120 < 130";
  EXPECT_EQ(b.cfqd->cfq_choose_req(back_wrap, fwd_far, last), fwd_far) << "4: a wrapped request loses";
  Rq* back_50 = b.rq(q, last - 50); // cost 100, ties with fwd_near
  EXPECT_EQ(b.cfqd->cfq_choose_req(back_50, fwd_near, last), fwd_near) << "5: ties go to the higher sector";
  Rq* wrap2 = b.rq(q, last - 50000);
  EXPECT_EQ(b.cfqd->cfq_choose_req(back_wrap, wrap2, last), wrap2) << "6: both wrap -> lower sector";
  Rq* prio   = b.rq(q, last + 5000);
  prio->prio = true;
  EXPECT_EQ(b.cfqd->cfq_choose_req(fwd_near, prio, last), prio) << "1: REQ_PRIO beats non-prio";
}

// Dispatch one request of @q's and complete it at @done (depth-1 device).
static Rq* serve(Bench& b, jiffies_t now, jiffies_t done)
{
  Rq* r = b.cfqd->cfq_dispatch_requests(now);
  if (!r) return nullptr;
  b.cfqd->cfq_activate_request(r);
  b.cfqd->cfq_completed_request(r, done);
  return r;
}

TEST(CfqPreempt, RulesInOrderE10)
{
  Bench b;
  Queue* be  = b.queue(CLASS_BE, 4);
  Queue* rt  = b.queue(CLASS_RT, 4);
  Queue* idl = b.queue(CLASS_IDLE, 7);
  Queue* as  = b.queue(CLASS_BE, 4, false);
  Rq* probe  = b.rq(be, 0);
  EXPECT_FALSE(b.cfqd->cfq_should_preempt(be, probe, 0)) << "1: no active queue";
  b.insert(be, 0, 0);
  b.insert(be, 8, 0);
  ASSERT_EQ(serve(b, 0, 1)->q, be);
  ASSERT_EQ(b.cfqd->active_queue(), be);
  EXPECT_FALSE(b.cfqd->cfq_should_preempt(idl, b.rq(idl, 0), 1)) << "2: an idle-class queue never preempts";
  EXPECT_TRUE(b.cfqd->cfq_should_preempt(rt, b.rq(rt, 1 << 30), 1)) << "10: RT preempts BE in the same group";
  Group* g     = b.cfqd->alloc_group(1, 500);
  Queue* other = b.queue(CLASS_RT, 0, true, g);
  EXPECT_FALSE(b.cfqd->cfq_should_preempt(other, b.rq(other, 1 << 30), 1)) << "6: different groups -> no (before 10)";
  EXPECT_FALSE(b.cfqd->cfq_should_preempt(as, b.rq(as, 1 << 30, false), 1)) << "14: async BE vs sync BE, far away";
  Queue* be2 = b.queue(CLASS_BE, 4);
  EXPECT_TRUE(b.cfqd->cfq_should_preempt(be2, b.rq(be2, 1 << 30), 1000)) << "7: the active slice is used";
}

TEST(CfqPreempt, RtActiveIsNotPreemptedByBeButIdleActiveIs)
{
  Bench b;
  Queue* rt = b.queue(CLASS_RT, 4);
  Queue* be = b.queue(CLASS_BE, 0);
  b.insert(rt, 0, 0);
  b.insert(rt, 8, 0);
  serve(b, 0, 1);
  EXPECT_FALSE(b.cfqd->cfq_should_preempt(be, b.rq(be, 16), 1)) << "4: A is RT and N is not";
  Bench c;
  Queue* idl = c.queue(CLASS_IDLE, 7);
  Queue* be2 = c.queue(CLASS_BE, 7);
  c.insert(idl, 0, 0);
  c.insert(idl, 8, 0);
  ASSERT_EQ(c.cfqd->cfq_dispatch_requests(0)->q, idl);
  EXPECT_TRUE(c.cfqd->cfq_should_preempt(be2, c.rq(be2, 1 << 30), 0)) << "3: A is idle class";
  Queue* as = c.queue(CLASS_BE, 4, false);
  Bench d;
  Queue* a_async = d.queue(CLASS_BE, 4, false);
  Queue* n_sync  = d.queue(CLASS_BE, 7);
  d.insert(a_async, 0, 0, false);
  d.insert(a_async, 8, 0, false);
  ASSERT_EQ(d.cfqd->cfq_dispatch_requests(0)->q, a_async);
  EXPECT_TRUE(d.cfqd->cfq_should_preempt(n_sync, d.rq(n_sync, 1 << 30), 0)) << "5: sync rq, async active";
  (void)as;
}

TEST(CfqSlice, SliceStartsAtFirstCompletionAndIdlesE9)
{
  Bench b;
  Queue* q = b.queue(CLASS_BE, 0);
  b.insert(q, 0, 10);
  Rq* r = b.cfqd->cfq_dispatch_requests(10);
  ASSERT_EQ(r->q, q);
  EXPECT_TRUE(q->slice_new);
  b.cfqd->cfq_activate_request(r);
  b.cfqd->cfq_completed_request(r, 15);
  EXPECT_FALSE(q->slice_new);
  EXPECT_EQ(q->slice_start, 15) << "E.3: the slice starts when the first request completes";
  EXPECT_EQ(q->slice_end, 15 + 180) << "level 0, one busy queue: no low_latency scaling";
  EXPECT_TRUE(b.cfqd->timer_pending()) << "E.9: sync, empty -> arm the idle timer";
  EXPECT_EQ(b.cfqd->timer_expires(), 15 + 8) << "E.8: slice_idle";
  b.cfqd->cfq_idle_slice_timer(23);
  EXPECT_EQ(b.cfqd->active_queue(), nullptr) << "E.9: timer with nothing queued -> expire";
  EXPECT_FALSE(q->on_rr) << "E.11: an empty queue leaves its tree";
}

TEST(CfqSlice, LowLatencyScalesSlicesE3)
{
  Bench b;
  std::vector<Queue*> qs;
  for (int i = 0; i < 8; ++i) {
    qs.push_back(b.queue(CLASS_BE, 0));
    b.insert(qs.back(), uint64_t(i) << 24, 0);
  }
  // busy_queues_avg ramps (3*max + min + 2)/4 from 0 with 8 busy: 6, 8
  EXPECT_EQ(b.cfqd->cfq_group_get_avg_queues(b.cfqd->root_group(), false), 6u);
  // iq = 8 now: expect = 100*8 = 800 > group_slice 300 -> 180*300/800 = 67, low = min(180, 16*180/100=28)
  EXPECT_EQ(b.cfqd->cfq_scaled_cfqq_slice(qs[0]), 67);
}

TEST(CfqSelect, RtServedBeforeBeAndIdleLastE5)
{
  Bench b;
  Queue* idl = b.queue(CLASS_IDLE, 7);
  Queue* be  = b.queue(CLASS_BE, 0);
  Queue* rt  = b.queue(CLASS_RT, 7);
  b.insert(idl, 0, 0);
  b.insert(be, 1 << 20, 0);
  b.insert(rt, 1 << 22, 0);
  EXPECT_EQ(b.cfqd->cfq_dispatch_requests(0)->q, rt);
}

TEST(CfqSelect, GroupWithLowerVdisktimeFirstE5)
{
  Bench b;
  Group* g1 = b.cfqd->alloc_group(1, 1000);
  Group* g2 = b.cfqd->alloc_group(2, 500);
  Queue* q1 = b.queue(CLASS_BE, 4, true, g1);
  Queue* q2 = b.queue(CLASS_BE, 4, true, g2);
  b.insert(q1, 0, 0);
  b.insert(q2, 1 << 20, 0); // g2 at vdisktime 0 + 200
  Rq* r = b.cfqd->cfq_dispatch_requests(0);
  ASSERT_EQ(r->q, q1);
  b.cfqd->cfq_activate_request(r);
  b.cfqd->cfq_completed_request(r, 10);
  // the slice: group_slice 300*1000/1500 = 200 >= expect 100 -> 100 jiffies
  EXPECT_EQ(q1->allocated_slice, 100);
  b.cfqd->cfq_idle_slice_timer(18); // empty after its idle window -> expire, charged 8 jiffies
  EXPECT_EQ(g1->vdisktime, (8u << 12) * 500 / 1000);
}

TEST(CfqIdle, SlowThinkerLosesIdleWindowE8)
{
  Bench b;
  Queue* q      = b.queue(CLASS_BE, 4);
  jiffies_t now = 0;
  for (int i = 0; i < 6; ++i) { // think time 20 jiffies > slice_idle 8
    b.insert(q, uint64_t(i) * 8, now);
    Rq* r = b.cfqd->cfq_dispatch_requests(now);
    ASSERT_NE(r, nullptr);
    b.cfqd->cfq_activate_request(r);
    b.cfqd->cfq_completed_request(r, now + 1);
    b.cfqd->cfq_idle_slice_timer(now + 100);
    now += 21;
  }
  EXPECT_FALSE(q->idle_window) << "E.8: valid samples with mean > slice_idle turn idling off";
}

TEST(CfqIdle, SeekyQueueLosesIdleWindowE8)
{
  Bench b;
  Queue* q = b.queue(CLASS_BE, 4);
  for (int i = 0; i < 6; ++i)
    b.insert(q, uint64_t(i) * 100000, 0); // 6 seeks > 800 sectors; queued >= 4 marks deep first
  EXPECT_TRUE(q->deep);
  EXPECT_TRUE(q->idle_window) << "deep seeky queues keep idling";
  Bench c;
  Queue* s = c.queue(CLASS_BE, 4);
  for (int i = 0; i < 6; ++i) {
    c.insert(s, uint64_t(i) * 100000, i);
    serve(c, i, i);
  }
  EXPECT_FALSE(s->idle_window) << "E.8: seeky (popcount > 4) and not deep";
}

TEST(CfqDispatch, AsyncBudgetExpiresQueueWhenOthersBusyE3)
{
  Bench b;
  Queue* as  = b.queue(CLASS_BE, 4, false);
  Queue* as2 = b.queue(CLASS_BE, 4, false);
  for (int i = 0; i < 40; ++i)
    b.insert(as, uint64_t(i) * 8, 0, false);
  b.insert(as2, 1 << 30, 0, false);
  int n         = 0;
  jiffies_t now = 1000; // low_latency's async ramp: depth = (now - last_delayed_sync)/slice_sync
  while (Rq* r = b.cfqd->cfq_dispatch_requests(now)) {
    if (r->q != as) break;
    b.cfqd->cfq_activate_request(r);
    b.cfqd->cfq_completed_request(r, now);
    ++n;
  }
  EXPECT_EQ(n, 2 * 2 * (8 - 4)) << "E.3: 2*slice_async_rq*(8-p) requests, then expire";
}

TEST(CfqKernelHooks, FreeingTheActiveQueueExpiresItE14)
{
  Bench b;
  Queue* q = b.queue(CLASS_BE, 4);
  b.insert(q, 0, 0);
  serve(b, 0, 2);
  ASSERT_EQ(b.cfqd->active_queue(), q);
  ASSERT_TRUE(b.cfqd->timer_pending()) << "idling on the emptied queue";
  b.cfqd->free_queue(q, 3); // cfq_put_queue reached ref 0 (the task exited)
  EXPECT_EQ(b.cfqd->active_queue(), nullptr) << "E.14: cfq_put_queue expires the active queue";
  EXPECT_FALSE(b.cfqd->timer_pending()) << "E.11: the idle timer is stopped";
  EXPECT_EQ(b.cfqd->busy_queues(), 0u);
  EXPECT_EQ(b.cfqd->root_group()->nr_cfqq, 0u) << "F: the group leaves the tree with its last queue";
}

TEST(CfqWaitBusy, LoneQueueOfAGroupKeepsTheGroupBackloggedE9)
{
  Bench b;
  Group* g  = b.cfqd->alloc_group(1, 500);
  Queue* q  = b.queue(CLASS_BE, 4, true, g);
  Queue* q2 = b.queue(CLASS_BE, 4, true, b.cfqd->root_group());
  b.insert(q, 0, 0);
  b.insert(q2, 1 << 30, 0);
  Rq* r = b.cfqd->cfq_dispatch_requests(0);
  ASSERT_EQ(r->q, q) << "group 1 is first on the group tree (the root group re-added behind it)";
  b.cfqd->cfq_activate_request(r);
  b.cfqd->cfq_completed_request(r, 1); // slice 1..101
  b.insert(q, 8, 1);
  r = b.cfqd->cfq_dispatch_requests(1);
  b.cfqd->cfq_activate_request(r);
  b.cfqd->cfq_completed_request(r, 101); // the slice is used and the queue is empty
  EXPECT_TRUE(q->wait_busy) << "E.9: alone in its group, slice used -> wait busy";
  EXPECT_EQ(q->slice_end, 101 + 8) << "slice_end extended by slice_idle";
  EXPECT_EQ(b.cfqd->active_queue(), q);
  b.insert(q, 16, 102); // the reader's next request arrives: expire with the request queued
  r = b.cfqd->cfq_dispatch_requests(102);
  EXPECT_TRUE(q->on_rr) << "the queue (and so its group) stays on the tree";
  EXPECT_EQ(r->q, q2) << "the root group's turn";
}

// --- E.13 close cooperators

namespace
{
// The kernel side of a merge (sim/kernel/cfq_coop.cpp) as a recorder.
struct RecordingCoop : CoopOps {
  std::vector<std::pair<Queue*, Queue*>> merges;
  std::vector<Queue*> split_marked;
  Queue* coop_queue = nullptr;
  bool cfq_cfqq_coop(const Queue* q) const override { return q == coop_queue; }
  void cfq_mark_cfqq_split_coop(Queue* q) override { split_marked.push_back(q); }
  void cfq_setup_merge(Queue* a, Queue* b) override { merges.emplace_back(a, b); }
};

// a serves one 8-sector request at sector 0 (head then at 8) while b waits with one at @b_sector.
struct CoopBench {
  Bench b;
  RecordingCoop coop;
  Queue *a, *q;
  explicit CoopBench(uint64_t b_sector, int b_class = CLASS_BE, int b_level = 4, int a_class = CLASS_BE)
  {
    b.cfqd->set_coop_ops(&coop);
    a = b.queue(a_class, 4);
    q = b.queue(b_class, b_level);
    b.insert(a, 0, 0);
    b.insert(q, b_sector, 0);
    Rq* r = b.cfqd->cfq_dispatch_requests(0);
    EXPECT_EQ(r->q, a) << "a was queued first: leftmost on the SYNC tree";
    b.cfqd->cfq_activate_request(r);
    b.cfqd->cfq_completed_request(r, 1);
  }
};
} // namespace

TEST(CfqCoop, NextRequestAtTheHeadIsACloseCooperatorE13)
{
  CoopBench c(8);
  EXPECT_EQ(c.b.cfqd->cfq_close_cooperator(c.a), c.q) << "E.13: b's next_rq starts at last_position";
  EXPECT_FALSE(c.b.cfqd->timer_pending()) << "E.9: no idling on a with a close cooperator";
  Rq* r = c.b.cfqd->cfq_dispatch_requests(1);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->q, c.q) << "E.5: the cooperator becomes the active queue at once";
  ASSERT_EQ(c.coop.merges.size(), 1u);
  EXPECT_EQ(c.coop.merges[0], std::make_pair(c.a, c.q)) << "E.5: the merge is set up from a towards b";
  EXPECT_EQ(c.b.cfqd->stats().close_cooperators, 1u);
}

TEST(CfqCoop, CloseMeansWithinCloseThrE13)
{
  CoopBench near(8 + CFQQ_CLOSE_THR);
  EXPECT_EQ(near.b.cfqd->cfq_close_cooperator(near.a), near.q) << "E.13: distance 8192 sectors is close";
  CoopBench far(8 + CFQQ_CLOSE_THR + 1);
  EXPECT_EQ(far.b.cfqd->cfq_close_cooperator(far.a), nullptr);
  EXPECT_TRUE(far.b.cfqd->timer_pending()) << "E.9: without a cooperator a idles";
  EXPECT_EQ(far.b.cfqd->cfq_dispatch_requests(1), nullptr) << "E.5: waiting for a's next request";
  EXPECT_TRUE(far.coop.merges.empty());
}

TEST(CfqCoop, CooperatorMustShareLevelRtnessAndGroupE13)
{
  CoopBench level(8, CLASS_BE, 5);
  EXPECT_EQ(level.b.cfqd->cfq_close_cooperator(level.a), nullptr) << "E.13: prio_trees are per org_ioprio";
  CoopBench rt(8, CLASS_BE, 4, CLASS_RT);
  EXPECT_EQ(rt.b.cfqd->cfq_close_cooperator(rt.a), nullptr) << "E.13: RT and BE queues never merge";
  CoopBench seeky(8);
  seeky.q->seek_history = 0x1f; // 5 seeks of the last 32 > 32/8
  EXPECT_EQ(seeky.b.cfqd->cfq_close_cooperator(seeky.a), nullptr) << "E.13: a seeky candidate";
  CoopBench cur_seeky(8);
  cur_seeky.a->seek_history = 0x1f;
  EXPECT_EQ(cur_seeky.b.cfqd->cfq_close_cooperator(cur_seeky.a), nullptr) << "E.13: a seeky cur";
  CoopBench four(8);
  four.q->seek_history = 0x0f; // 4 seeks: not seeky
  EXPECT_EQ(four.b.cfqd->cfq_close_cooperator(four.a), four.q);
}

TEST(CfqCoop, AQueueAloneInItsGroupHasNoCooperatorE13)
{
  Bench b;
  Group* g  = b.cfqd->alloc_group(1, 500);
  Queue* a  = b.queue(CLASS_BE, 4, true, g);
  Queue* nb = b.queue(CLASS_BE, 4); // root group
  b.insert(a, 0, 0);
  b.insert(nb, 8, 0);
  EXPECT_EQ(g->nr_cfqq, 1u);
  EXPECT_EQ(b.cfqd->cfq_close_cooperator(a), nullptr) << "E.13: cur alone in its group";
}

TEST(CfqCoop, SeekyCoopQueueIsFlaggedForSplitAtExpiryE13)
{
  CoopBench c(8);
  c.coop.coop_queue = c.a;
  c.a->seek_history = 0x1f;
  c.b.cfqd->cfq_slice_expired(false, 2);
  ASSERT_EQ(c.coop.split_marked.size(), 1u) << "E.11: a coop queue gone seeky is marked split_coop";
  EXPECT_EQ(c.coop.split_marked[0], c.a);
  CoopBench d(8);
  d.coop.coop_queue = d.a; // coop but sequential
  d.b.cfqd->cfq_slice_expired(false, 2);
  EXPECT_TRUE(d.coop.split_marked.empty());
}

// --- E.6 dispatch: FIFO expiry and the depth limits

// Dispatch (and hand to the driver) up to @max requests at @now; how many were dispatched, all of
// them from @q (a request of another queue stops the count).
static int dispatch_n(Bench& b, Queue* q, jiffies_t now, int max = 100)
{
  int n = 0;
  while (n < max) {
    Rq* r = b.cfqd->cfq_dispatch_requests(now);
    if (!r) break;
    b.cfqd->cfq_activate_request(r);
    if (r->q != q) break;
    ++n;
  }
  return n;
}

TEST(CfqDispatch, FifoDeadlineIsInsertTimePlusFifoExpireE6)
{
  // E.6: deadline = insert time + fifo_expire[sync]; E.1: fifo_expire_sync = HZ/8 = 125,
  // fifo_expire_async = HZ/4 = 250 jiffies at HZ=1000.
  Bench b;
  Rq* s = b.insert(b.queue(CLASS_BE, 4), 0, 7);
  Rq* a = b.insert(b.queue(CLASS_BE, 4, false), 1 << 20, 7, false);
  EXPECT_EQ(s->fifo_time, 7 + 1000 / 8);
  EXPECT_EQ(a->fifo_time, 7 + 1000 / 4);
}

TEST(CfqDispatch, ExpiredFifoHeadBeatsSectorOrderOncePerSliceE6)
{
  // E.6: "the FIFO head if it has expired ... checked once per slice ... otherwise next_rq".
  // Three sync requests inserted at t=0 in FIFO order A (100000), D (100008), C (0): deadline
  // 0 + 125. With the head at 0 (E.7), next_rq is C (distance 0).
  Bench b;
  Queue* q = b.queue(CLASS_BE, 4);
  Rq* A    = b.insert(q, 100000, 0);
  Rq* D    = b.insert(q, 100008, 0);
  Rq* C    = b.insert(q, 0, 0);
  ASSERT_EQ(q->next_rq, C);
  // t=125 is not before the deadline 125: the FIFO head A goes first.
  EXPECT_EQ(b.cfqd->cfq_dispatch_requests(125), A) << "E.6: expired FIFO head before next_rq";
  EXPECT_TRUE(q->fifo_expire);
  // E.7 after A: D is 8 sectors ahead, C is 100000 back (> back_seek_max*2 = 32768: wraps) -> D.
  // The FIFO head C has expired too, but the FIFO was already checked in this slice.
  EXPECT_EQ(b.cfqd->cfq_dispatch_requests(125), D) << "E.6: the FIFO is checked once per slice";
  EXPECT_EQ(b.cfqd->cfq_dispatch_requests(125), C);
  EXPECT_EQ(b.cfqd->stats().fifo_expired_dispatches, 1u);

  // A check that finds nothing expired still uses up the slice's check; a new slice checks again.
  // FIFO order D (100008), A (100000), C (0), E (50), all at t=0: next_rq C.
  Bench c;
  Queue* p = c.queue(CLASS_BE, 4);
  Rq* D2   = c.insert(p, 100008, 0);
  c.insert(p, 100000, 0);
  Rq* C2 = c.insert(p, 0, 0);
  Rq* E2 = c.insert(p, 50, 0);
  EXPECT_EQ(c.cfqd->cfq_dispatch_requests(124), C2) << "124 < deadline 125: sector order";
  EXPECT_EQ(c.cfqd->cfq_dispatch_requests(200), E2) << "E.6: D expired at 125, but the FIFO was checked";
  // next_rq is now A (the only request ahead of 50); a new slice checks the FIFO again -> D.
  c.cfqd->cfq_slice_expired(false, 200);
  EXPECT_EQ(c.cfqd->cfq_dispatch_requests(201), D2) << "E.6: fifo_expire is reset with a new slice";
}

TEST(CfqDispatch, SoleBusyQueueHasNoDepthLimitE6)
{
  // E.6: "A sole busy queue ... -> unlimited": 20 requests > quantum (8) all go while none
  // completes. An async queue, so that promote_sync (sync only) cannot be the reason, and without
  // low_latency, so that the async ramp does not limit it.
  Tunables t;
  t.low_latency = false;
  Bench b(t);
  Queue* q = b.queue(CLASS_BE, 4, false);
  for (int i = 0; i < 20; ++i)
    b.insert(q, uint64_t(i) * 8, 0, false);
  EXPECT_EQ(dispatch_n(b, q, 0), 20);
}

TEST(CfqDispatch, HalfQuantumWhileSliceNewThenQuantumE6)
{
  // E.6 with two busy sync queues (no promote_sync): limit max(quantum/2, 1) = 4; at the limit the
  // queue may go on only if the slice will not be used soon, and then up to quantum = 8.
  auto setup = [](Bench& b) {
    Queue* q1 = b.queue(CLASS_BE, 4);
    Queue* q2 = b.queue(CLASS_BE, 4);
    for (int i = 0; i < 20; ++i)
      b.insert(q1, uint64_t(i) * 8, 0);
    b.insert(q2, 1 << 30, 0); // E.4: q1's key 0 - 80 < q2's 0 + 80: q1 is served first
    return q1;
  };
  Bench a;
  Queue* q = setup(a);
  EXPECT_EQ(dispatch_n(a, q, 0), 8 / 2) << "E.6: the slice is new (used soon): quantum/2";

  // The first completion at t=1 starts the slice (E.3): avg queues (3*2 + 0 + 2)/4 = 2, expect
  // 100*2 = 200 <= group_slice 300, so 100 jiffies: slice_end = 101. At t=1 with d dispatched,
  // 1 + 8*d <= 101 for d <= 12: not used soon, so the limit becomes quantum.
  Bench b;
  q     = setup(b);
  Rq* r = b.cfqd->cfq_dispatch_requests(0);
  b.cfqd->cfq_activate_request(r);
  b.cfqd->cfq_completed_request(r, 1);
  ASSERT_EQ(q->slice_end, 1 + 100);
  EXPECT_EQ(dispatch_n(b, q, 1), 8) << "E.6: quantum once the slice runs and is not used soon";

  // Used soon: now + slice_idle*dispatched past slice_end. With 4 dispatched at t=69:
  // 69 + 8*4 = 101 is not past 101 -> a 5th; then 69 + 8*5 = 109 > 101 -> no 6th.
  Bench c;
  q = setup(c);
  r = c.cfqd->cfq_dispatch_requests(0);
  c.cfqd->cfq_activate_request(r);
  c.cfqd->cfq_completed_request(r, 1);
  ASSERT_EQ(dispatch_n(c, q, 1, 4), 4);
  EXPECT_EQ(dispatch_n(c, q, 69), 1) << "E.6: now + slice_idle*dispatched vs slice_end";
}

TEST(CfqDispatch, SoleBusySyncQueueIsPromotedE6)
{
  // E.6: promote_sync (the only busy sync queue; an async queue is busy too) -> unlimited even
  // with a new slice and other queues busy.
  Bench b;
  Queue* s  = b.queue(CLASS_BE, 4);
  Queue* as = b.queue(CLASS_BE, 4, false);
  for (int i = 0; i < 20; ++i)
    b.insert(s, uint64_t(i) * 8, 0);
  b.insert(as, 1 << 30, 0, false); // E.4/E.5: SYNC key 0 - 80 < ASYNC key 0 + 140: s first
  EXPECT_EQ(dispatch_n(b, s, 0), 20);
}

TEST(CfqDispatch, IdleClassOneRequestInFlightE6)
{
  // E.6: limit 1 for the idle class, and at the limit an idle-class queue never goes on, even alone.
  Bench b;
  Queue* q = b.queue(CLASS_IDLE, 7);
  for (int i = 0; i < 3; ++i)
    b.insert(q, uint64_t(i) * 8, 0);
  EXPECT_EQ(dispatch_n(b, q, 0), 1);
}

TEST(CfqDispatch, AsyncQueueWaitsForSyncInFlightE6)
{
  // E.6: "An async queue waits while sync requests are in flight."
  Bench b;
  Queue* s  = b.queue(CLASS_BE, 4);
  Queue* as = b.queue(CLASS_BE, 4, false);
  Rq* sr    = b.insert(s, 0, 0);
  b.insert(as, 1 << 30, 0, false);
  ASSERT_EQ(dispatch_n(b, s, 0, 1), 1);
  b.cfqd->cfq_slice_expired(false, 0); // the sync request stays in flight
  EXPECT_EQ(b.cfqd->cfq_dispatch_requests(0), nullptr) << "sync in flight";
  EXPECT_EQ(b.cfqd->active_queue(), as);
  b.cfqd->cfq_completed_request(sr, 1);
  Rq* r = b.cfqd->cfq_dispatch_requests(1);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->q, as);
}

TEST(CfqDispatch, IdlingQueueWaitsForAsyncToDrainE6)
{
  // E.6: "If the queue would idle and async requests are in flight, wait (async drains first)."
  Bench b;
  Queue* as = b.queue(CLASS_BE, 4, false);
  Queue* s  = b.queue(CLASS_BE, 4);
  b.insert(as, 1 << 20, 0, false);
  b.insert(as, (1 << 20) + 8, 0, false);
  Rq* ar = b.cfqd->cfq_dispatch_requests(0);
  ASSERT_EQ(ar->q, as);
  b.cfqd->cfq_activate_request(ar);
  b.insert(s, 0, 0); // E.10 rule 5 preempts the async queue
  EXPECT_EQ(b.cfqd->cfq_dispatch_requests(0), nullptr) << "s idles (idle window), async in flight";
  EXPECT_EQ(b.cfqd->active_queue(), s);
  b.cfqd->cfq_completed_request(ar, 1);
  Rq* r = b.cfqd->cfq_dispatch_requests(1);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->q, s);
}

TEST(CfqDispatch, LowLatencyAsyncDepthRampE6)
{
  // E.6: depth = (now - last_delayed_sync)/slice_sync, at least 1 if nothing is dispatched.
  // E.1: last_delayed_sync starts at now - HZ: at t=0 depth = 1000/100 = 10 (a sole queue is
  // otherwise unlimited).
  Bench a;
  Queue* q = a.queue(CLASS_BE, 4, false);
  for (int i = 0; i < 20; ++i)
    a.insert(q, uint64_t(i) * 8, 0, false);
  EXPECT_EQ(dispatch_n(a, q, 0), 1000 / 100);
  Tunables t;
  t.low_latency = false;
  Bench off(t);
  q = off.queue(CLASS_BE, 4, false);
  for (int i = 0; i < 20; ++i)
    off.insert(q, uint64_t(i) * 8, 0, false);
  EXPECT_EQ(dispatch_n(off, q, 0), 20) << "no ramp without low_latency";

  // A sync request submitted at 0 and completed at 125 waited >= fifo_expire_sync (125):
  // last_delayed_sync = 125.
  Bench b;
  Queue* s       = b.queue(CLASS_BE, 4);
  Queue* as      = b.queue(CLASS_BE, 4, false);
  Rq* sr         = b.rq(s, 0);
  sr->start_time = 0;
  b.cfqd->cfq_insert_request(sr, 0);
  ASSERT_EQ(b.cfqd->cfq_dispatch_requests(0), sr);
  b.cfqd->cfq_activate_request(sr);
  b.cfqd->cfq_completed_request(sr, 125);
  for (int i = 0; i < 5; ++i)
    b.insert(as, (1 << 30) + uint64_t(i) * 8, 126, false); // far away: no preemption (E.10)
  b.cfqd->cfq_idle_slice_timer(125 + 8);                   // s expires after its idle window
  ASSERT_EQ(b.cfqd->active_queue(), nullptr);
  EXPECT_EQ(dispatch_n(b, as, 175), 1) << "(175 - 125)/100 = 0 -> 1 with nothing dispatched";
  EXPECT_EQ(dispatch_n(b, as, 325), 1) << "(325 - 125)/100 = 2 with 1 dispatched";
}

// --- E.12 IOPS mode

TEST(CfqCharge, IopsModeChargesRequestsDispatchedE12)
{
  // E.8: IOPS mode = slice_idle == 0 and hw_tag != 0 (hw_tag starts at -1, which counts as true).
  // E.12: the charge is then slice_dispatch; otherwise the slice used (here now - slice_start).
  // A lone group of weight 500: 3 requests dispatched at 0, completed at 10 (slice start), 20, 30,
  // expired at 30. vdisktime += (charge << 12) * 500/500.
  for (jiffies_t slice_idle : {0, 8}) {
    Tunables t;
    t.slice_idle = slice_idle;
    Bench b(t);
    Group* g = b.cfqd->alloc_group(1, 500);
    Queue* q = b.queue(CLASS_BE, 4, true, g);
    for (int i = 0; i < 3; ++i)
      b.insert(q, uint64_t(i) * 8, 0);
    std::vector<Rq*> rs;
    for (int i = 0; i < 3; ++i) {
      rs.push_back(b.cfqd->cfq_dispatch_requests(0));
      ASSERT_NE(rs.back(), nullptr);
      b.cfqd->cfq_activate_request(rs.back());
    }
    for (int i = 0; i < 3; ++i)
      b.cfqd->cfq_completed_request(rs[i], 10 * (i + 1));
    EXPECT_EQ(b.cfqd->iops_mode(), slice_idle == 0);
    b.cfqd->cfq_slice_expired(false, 30);
    const uint64_t charge = slice_idle == 0 ? 3 : 30 - 10;
    EXPECT_EQ(g->charged_jiffies, charge) << "slice_idle " << slice_idle;
    EXPECT_EQ(g->vdisktime, charge << 12) << "slice_idle " << slice_idle;
  }
}

// --- E.8 group idle

TEST(CfqIdle, GroupIdleTimerWhenQueueShouldNotIdleE8)
{
  // E.8 / R: with slice_idle = 0 cfq_should_idle is false; group_idle (default 8) arms the timer
  // for the emptied lone queue of a group: completion at 5 -> timer at 5 + 8.
  Tunables t;
  t.slice_idle = 0;
  Bench b(t);
  Group* g = b.cfqd->alloc_group(1, 500);
  Queue* q = b.queue(CLASS_BE, 4, true, g);
  b.insert(q, 0, 0);
  serve(b, 0, 5);
  EXPECT_TRUE(b.cfqd->timer_pending()) << "E.8: group idle";
  EXPECT_EQ(b.cfqd->timer_expires(), 5 + 8);
  EXPECT_TRUE(q->wait_request);

  // R: with both slice_idle and group_idle 0 the timer is not armed.
  Tunables t0   = t;
  t0.group_idle = 0;
  Bench c(t0);
  Queue* p = c.queue(CLASS_BE, 4, true, c.cfqd->alloc_group(1, 500));
  c.insert(p, 0, 0);
  serve(c, 0, 5);
  EXPECT_FALSE(c.cfqd->timer_pending()) << "R: no slice idle, no group idle";
  EXPECT_EQ(c.cfqd->active_queue(), p);

  // E.8: "it would be a group idle and other queues are in the group" -> no timer.
  Bench d(t);
  Group* g2 = d.cfqd->alloc_group(1, 500);
  Queue* q1 = d.queue(CLASS_BE, 4, true, g2);
  Queue* q2 = d.queue(CLASS_BE, 4, true, g2);
  d.insert(q1, 0, 0);
  d.insert(q2, 1 << 30, 0);
  ASSERT_EQ(serve(d, 0, 5)->q, q1);
  EXPECT_FALSE(d.cfqd->timer_pending()) << "E.8: another queue in the group";
}

TEST(CfqSelect, GroupIdleWaitsForLoneQueueWithRequestsInFlightE5)
{
  // E.5 group idle: wait if group_idle is set, the queue is alone in its group, the group has
  // requests dispatched and its think time is not big; the queue itself should not idle
  // (slice_idle = 0). Group 1 (vdisktime 0) is served before the root group (0 + 200, E.4).
  for (jiffies_t group_idle : {8, 0}) {
    Tunables t;
    t.slice_idle = 0;
    t.group_idle = group_idle;
    Bench b(t);
    Group* g = b.cfqd->alloc_group(1, 500);
    Queue* q = b.queue(CLASS_BE, 4, true, g);
    Queue* o = b.queue(CLASS_BE, 4);
    b.insert(q, 0, 0);
    b.insert(q, 8, 0);
    b.insert(o, 1 << 30, 0);
    ASSERT_EQ(dispatch_n(b, q, 0, 2), 2);
    ASSERT_EQ(g->dispatched, 2);
    Rq* r = b.cfqd->cfq_dispatch_requests(0);
    if (group_idle) {
      EXPECT_EQ(r, nullptr) << "E.5: group idle keeps the emptied queue";
      EXPECT_EQ(b.cfqd->active_queue(), q);
    } else {
      ASSERT_NE(r, nullptr) << "without group_idle the emptied queue expires";
      EXPECT_EQ(r->q, o);
    }
  }
}

// --- E.8 hw_tag

// A sole sync queue with 100 requests queued keeps @depth of them in the driver; hw_tag after
// each of @completions completions (all at one jiffy, inside the first slice).
static std::vector<int> hw_tag_history(Bench& b, int depth, int completions)
{
  Queue* q = b.queue(CLASS_BE, 4);
  for (int i = 0; i < 100; ++i)
    b.insert(q, uint64_t(i) * 8, 0);
  std::deque<Rq*> in_driver;
  auto issue = [&] {
    Rq* r = b.cfqd->cfq_dispatch_requests(1);
    EXPECT_NE(r, nullptr);
    if (!r) return;
    b.cfqd->cfq_activate_request(r);
    in_driver.push_back(r);
  };
  for (int i = 0; i < depth; ++i)
    issue();
  std::vector<int> hist;
  for (int i = 0; i < completions && !in_driver.empty(); ++i) {
    b.cfqd->cfq_completed_request(in_driver.front(), 1);
    in_driver.pop_front();
    hist.push_back(b.cfqd->hw_tag());
    issue();
  }
  return hist;
}

TEST(CfqHwTag, DetectedAfter50SamplesFromPeakDepthE8)
{
  // E.1: hw_tag starts at -1, CFQ_HW_QUEUE_MIN = 5. E.8: a sample is taken (at completion) while
  // queued or in-driver exceeds 5 (100 queued here); once 50 samples are taken the next update
  // decides hw_tag = (peak rq_in_driver >= 5).
  Bench deep;
  EXPECT_EQ(deep.cfqd->hw_tag(), -1);
  std::vector<int> h = hw_tag_history(deep, 5, 51);
  ASSERT_EQ(h.size(), 51u);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(h[i], -1) << "undecided after " << i + 1 << " samples";
  EXPECT_EQ(h[50], 1) << "peak 5 >= CFQ_HW_QUEUE_MIN";

  Tunables t;
  t.slice_idle = 0;
  Bench shallow(t);
  EXPECT_TRUE(shallow.cfqd->iops_mode()) << "E.8: hw_tag -1 counts as true";
  h = hw_tag_history(shallow, 4, 51);
  ASSERT_EQ(h.size(), 51u);
  EXPECT_EQ(h[49], -1);
  EXPECT_EQ(h[50], 0) << "peak 4 < CFQ_HW_QUEUE_MIN";
  EXPECT_FALSE(shallow.cfqd->iops_mode()) << "E.8: slice_idle 0 but hw_tag 0";
}

TEST(CfqHwTag, NoSampleWhileIdlingQueueHasLittleWorkE8)
{
  // E.8: no sample "while the active queue is idling and has little work" (idle window,
  // dispatched + queued < 5 and in-driver < 5), even with more than 5 requests queued elsewhere.
  // q serves one request at a time; o holds 10 queued requests; 60 completions > 50 samples.
  Bench b;
  Queue* q = b.queue(CLASS_BE, 4);
  Queue* o = b.queue(CLASS_BE, 4);
  b.insert(q, 0, 0);
  for (int i = 0; i < 10; ++i)
    b.insert(o, (1 << 30) + uint64_t(i) * 8, 0);
  for (int i = 0; i < 60; ++i) {
    Rq* r = b.cfqd->cfq_dispatch_requests(1);
    ASSERT_NE(r, nullptr);
    ASSERT_EQ(r->q, q);
    b.cfqd->cfq_activate_request(r);
    b.cfqd->cfq_completed_request(r, 1);
    b.insert(q, uint64_t(i + 1) * 8, 1); // the next request ends the idle wait (another queue is busy)
  }
  EXPECT_TRUE(q->idle_window);
  EXPECT_EQ(b.cfqd->hw_tag(), -1);
}

TEST(CfqHwTag, SampledOnlyWithMoreThanFiveRequestsAroundE8)
{
  // E.8: a sample needs queued > 5 or in-driver > 5 (CFQ_HW_QUEUE_MIN). A sole async queue (no
  // idle window, so the little-work exception does not apply) keeps 4 requests in the driver and
  // @queued requests queued at each completion; 60 completions would be more than 50 samples.
  for (unsigned queued : {5u, 6u}) {
    Bench b;
    Queue* q        = b.queue(CLASS_BE, 4, false);
    uint64_t sector = 0;
    for (unsigned i = 0; i < queued + 4; ++i, sector += 8)
      b.insert(q, sector, 0, false);
    std::deque<Rq*> in_driver;
    for (int i = 0; i < 4; ++i) {
      Rq* r = b.cfqd->cfq_dispatch_requests(1);
      ASSERT_NE(r, nullptr);
      b.cfqd->cfq_activate_request(r);
      in_driver.push_back(r);
    }
    for (int i = 0; i < 60; ++i) {
      ASSERT_EQ(b.cfqd->rq_queued(), queued);
      b.cfqd->cfq_completed_request(in_driver.front(), 1);
      in_driver.pop_front();
      Rq* r = b.cfqd->cfq_dispatch_requests(1);
      ASSERT_NE(r, nullptr);
      b.cfqd->cfq_activate_request(r);
      in_driver.push_back(r);
      b.insert(q, sector, 1, false);
      sector += 8;
    }
    EXPECT_EQ(b.cfqd->hw_tag(), queued > 5 ? 0 : -1) << queued << " queued, peak 4 in the driver";
  }
}
