// Idling (spec E.8): think time, seekiness, the idle window, hw_tag, cfq_should_idle and the
// idle slice timer; request completion (E.9).
#include "schedulers/cfq/cfq_data.hpp"

#include <algorithm>

namespace iosim::cfq
{

/// __cfq_update_io_thinktime - E.8: e = min(now - last_end, 2*idle), fixed-point decaying mean.
static void update_ttime(TTime& t, jiffies_t now, jiffies_t idle)
{
  const uint64_t elapsed = uint64_t(std::min<jiffies_t>(std::max<jiffies_t>(now - t.last_end_request, 0), 2 * idle));
  t.ttime_samples        = (7 * t.ttime_samples + 256) / 8;
  t.ttime_total          = (7 * t.ttime_total + 256 * elapsed) / 8;
  t.ttime_mean           = (t.ttime_total + 128) / t.ttime_samples;
}

/// cfq_update_io_thinktime - E.8: per queue (the kernel's per-cic) and per tree for sync queues,
/// per group always.
void CfqData::cfq_update_io_thinktime(Queue* q, jiffies_t now)
{
  if (q->sync) {
    update_ttime(q->ttime, now, t_.slice_idle);
    update_ttime(q->service_tree->ttime, now, t_.slice_idle);
  }
  update_ttime(q->cfqg->ttime, now, t_.group_idle);
}

/// cfq_update_io_seektime - E.8: one history bit per request (rotational: distance > 800 sectors;
/// non-rotational: request < 64 sectors).
void CfqData::cfq_update_io_seektime(Queue* q, const Rq* rq)
{
  uint64_t sdist = 0;
  if (q->last_request_pos)
    sdist = q->last_request_pos < rq->sector ? rq->sector - q->last_request_pos : q->last_request_pos - rq->sector;
  q->seek_history <<= 1;
  if (!rotational_)
    q->seek_history |= rq->nr_sectors < CFQQ_SECT_THR_NONROT ? 1u : 0u;
  else
    q->seek_history |= sdist > CFQQ_SEEK_THR ? 1u : 0u;
}

/**
 * cfq_update_idle_window - E.8 (sync, non-idle-class queues): 4 queued marks deep; idling off
 * when slice_idle is 0 or the queue is seeky and not deep; else, with valid samples, on iff the
 * mean think time is at most slice_idle. (REQ_NOIDLE and nr_tasks == 0: docs/cfq.md.)
 */
void CfqData::cfq_update_idle_window(Queue* q)
{
  if (!q->sync || q->ioprio_class == CLASS_IDLE) return;
  bool enable = q->idle_window;
  if (q->queued[0] + q->queued[1] >= 4) q->deep = true;
  if (!t_.slice_idle || (!q->deep && cfqq_seeky(q)))
    enable = false;
  else if (sample_valid(q->ttime.ttime_samples))
    enable = q->ttime.ttime_mean <= uint64_t(t_.slice_idle);
  q->idle_window = enable;
}

bool CfqData::cfq_io_thinktime_big(const TTime& t, bool group_idle) const
{
  if (!sample_valid(t.ttime_samples)) return false;
  return t.ttime_mean > uint64_t(group_idle ? t_.group_idle : t_.slice_idle);
}

/**
 * cfq_should_idle - E.8: never with slice_idle 0 or for idle class; yes with the idle window
 * (unless non-rotational with hw_tag); else only as the last sync queue of its tree whose tree
 * think time is not big (SYNC_NOIDLE tree idling).
 */
bool CfqData::cfq_should_idle(const Queue* q) const
{
  if (!t_.slice_idle) return false;
  if (cfqq_prio(q) == IDLE_WORKLOAD) return false;
  if (q->idle_window && !(!rotational_ && hw_tag_)) return true;
  const RbRoot* st = q->service_tree;
  return st && st->count == 1 && q->sync && !cfq_io_thinktime_big(st->ttime, false);
}

void CfqData::mod_timer(jiffies_t expires, jiffies_t now)
{
  if (!timer_pending_) timer_armed_at_ = now;
  timer_pending_ = true;
  timer_expires_ = expires;
  stats_.idle_timer_armed++;
}

void CfqData::del_timer(jiffies_t now)
{
  if (timer_pending_) stats_.idle_jiffies += now - timer_armed_at_;
  timer_pending_ = false;
}

/**
 * cfq_arm_slice_timer - E.8: idle on the empty active queue for slice_idle (or group_idle when
 * the queue should not idle but group_idle is set and it is alone in its group), unless the
 * device is non-rotational with hw_tag, requests are still dispatched, no request of this slice
 * was dispatched (no active_cic), or the mean think time exceeds the slice left.
 */
void CfqData::cfq_arm_slice_timer(jiffies_t now)
{
  Queue* q = active_queue_;
  if (!rotational_ && hw_tag_) return;
  bool group_idle = false;
  if (!cfq_should_idle(q)) {
    if (!t_.group_idle) return;
    group_idle = true;
  }
  if (q->dispatched) return;
  if (!active_cic_) return;
  if (sample_valid(q->ttime.ttime_samples) && q->slice_end - now < jiffies_t(q->ttime.ttime_mean)) return;
  if (group_idle && q->cfqg->nr_cfqq > 1) return;
  q->wait_request = true;
  mod_timer(now + (group_idle ? t_.group_idle : t_.slice_idle), now);
}

/// cfq_update_hw_tag - E.8: after 50 samples taken with enough requests around, hw_tag = peak >= 5.
void CfqData::cfq_update_hw_tag()
{
  const Queue* q    = active_queue_;
  hw_tag_est_depth_ = std::max(hw_tag_est_depth_, rq_in_driver_);
  if (hw_tag_ == 1) return;
  if (rq_queued_ <= unsigned(CFQ_HW_QUEUE_MIN) && rq_in_driver_ <= CFQ_HW_QUEUE_MIN) return;
  if (q && q->idle_window && q->dispatched + q->queued[0] + q->queued[1] < CFQ_HW_QUEUE_MIN &&
      rq_in_driver_ < CFQ_HW_QUEUE_MIN)
    return;
  if (hw_tag_samples_++ < 50) return;
  hw_tag_ = hw_tag_est_depth_ >= CFQ_HW_QUEUE_MIN ? 1 : 0;
}

/// cfq_should_wait_busy - E.9: keep the group's slot when its only queue just emptied.
bool CfqData::cfq_should_wait_busy(const Queue* q, jiffies_t now) const
{
  if (!q->empty()) return false;
  if (q->cfqg->nr_cfqq > 1) return false;
  if (cfq_io_thinktime_big(q->cfqg->ttime, true)) return false;
  if (cfq_slice_used(q, now)) return true;
  if (sample_valid(q->ttime.ttime_samples) && q->slice_end - now < jiffies_t(q->ttime.ttime_mean)) return true;
  return q->slice_end - now == 1;
}

/**
 * cfq_completed_request - E.9: account, note think-time end points (tree and cic for sync, group
 * always), start a new slice, wait busy, expire a used or idle-class slice, or arm the idle timer
 * for an emptied sync queue that has no close cooperator (E.13).
 */
void CfqData::cfq_completed_request(Rq* rq, jiffies_t now)
{
  Queue* q = rq->q;
  cfq_update_hw_tag();
  rq_in_driver_--;
  q->dispatched--;
  q->cfqg->dispatched--;
  rq_in_flight_[q->sync ? 1 : 0]--;
  if (rq->sync) {
    q->ttime.last_end_request  = now;
    RbRoot* st                 = q->on_tree ? q->service_tree : service_tree_for(q->cfqg, cfqq_prio(q), cfqq_type(q));
    st->ttime.last_end_request = now;
    if (!(rq->start_time + t_.fifo_expire[1] > now)) last_delayed_sync_ = now;
  }
  q->cfqg->ttime.last_end_request = now;
  if (active_queue_ == q) {
    if (q->slice_new) {
      cfq_set_prio_slice(q, now);
      q->slice_new = false;
    }
    if (cfq_should_wait_busy(q, now)) {
      q->slice_end = now + (t_.slice_idle ? t_.slice_idle : t_.group_idle);
      q->wait_busy = true;
    }
    if (cfq_slice_used(q, now) || q->ioprio_class == CLASS_IDLE)
      cfq_slice_expired(true, now);
    else if (rq->sync && q->empty() && !cfq_close_cooperator(q))
      cfq_arm_slice_timer(now);
  }
}

/**
 * cfq_idle_slice_timer - E.9: must_dispatch -> kick; slice used -> expire; nothing busy -> do
 * nothing; requests queued -> kick; else clear deep and expire (timed_out only without a queue).
 */
void CfqData::cfq_idle_slice_timer(jiffies_t now)
{
  if (!timer_pending_ || now < timer_expires_) return;
  del_timer(now);
  stats_.idle_timer_fired++;
  bool timed_out = true;
  if (Queue* q = active_queue_) {
    timed_out = false;
    if (q->must_dispatch) return;
    if (!cfq_slice_used(q, now)) {
      if (!busy_queues_) return;
      if (!q->empty()) return;
      q->deep = false;
    }
  }
  cfq_slice_expired(timed_out, now);
}

} // namespace iosim::cfq
