// The selection hierarchy (spec E.5, with R's corrections): keep or expire the active queue, then
// group (lowest vdisktime) -> class (RT > BE > IDLE) -> workload type -> leftmost queue.
// A close cooperator (E.13) becomes the next active queue directly.
#include "schedulers/cfq/cfq_data.hpp"

#include <algorithm>

namespace iosim::cfq
{

/// cfq_choose_wl - E.5 step 3: the type whose leftmost queue has the earliest rb_key.
int CfqData::cfq_choose_wl(Group* g, int prio) const
{
  int best         = SYNC_NOIDLE_WORKLOAD;
  bool key_valid   = false;
  jiffies_t lowest = 0;
  for (int i = ASYNC_WORKLOAD; i <= SYNC_WORKLOAD; ++i) {
    const Queue* q = g->service_trees[prio][i].first();
    if (q && (!key_valid || q->rb_key < lowest)) {
      lowest    = q->rb_key;
      best      = i;
      key_valid = true;
    }
  }
  return best;
}

/**
 * choose_service_tree - E.5 steps 2-4: strict class priority; keep the workload type while the
 * class is unchanged, its tree has queues and its slice has not expired; otherwise pick a type
 * and give it group_slice * count / max(busy_avg, busy) (async: capped and scaled; sync: at least
 * 2*slice_idle; always at least CFQ_MIN_TT).
 */
void CfqData::choose_service_tree(Group* g, jiffies_t now)
{
  const int original_prio = serving_prio_;
  if (cfq_group_busy_queues_wl(RT_WORKLOAD, g))
    serving_prio_ = RT_WORKLOAD;
  else if (cfq_group_busy_queues_wl(BE_WORKLOAD, g))
    serving_prio_ = BE_WORKLOAD;
  else {
    serving_prio_     = IDLE_WORKLOAD;
    workload_expires_ = now + 1;
    return;
  }
  if (original_prio == serving_prio_) {
    const unsigned count = service_tree_for(g, serving_prio_, serving_type_)->count;
    if (count && !(now > workload_expires_)) return;
  }
  serving_type_              = cfq_choose_wl(g, serving_prio_);
  const unsigned count       = service_tree_for(g, serving_prio_, serving_type_)->count;
  const uint64_t group_slice = uint64_t(cfq_group_slice(g));
  const unsigned busy        = std::max(g->busy_queues_avg[serving_prio_], cfq_group_busy_queues_wl(serving_prio_, g));
  uint64_t slice             = group_slice * count / std::max(1u, busy);
  if (serving_type_ == ASYNC_WORKLOAD) {
    uint64_t tmp = uint64_t(t_.target_latency) * cfqg_busy_async_queues(g) / std::max(1u, busy_queues_);
    slice        = std::min(slice, tmp);
    slice        = slice * uint64_t(t_.slice[0]) / uint64_t(t_.slice[1]);
  } else {
    slice = std::max(slice, uint64_t(2 * t_.slice_idle));
  }
  slice             = std::max<uint64_t>(slice, CFQ_MIN_TT);
  workload_expires_ = now + jiffies_t(slice);
}

/// cfq_choose_cfqg - E.5 step 1: the leftmost group; restore its saved workload state.
void CfqData::cfq_choose_cfqg(jiffies_t now)
{
  Group* g       = cfq_get_next_cfqg();
  serving_group_ = g;
  if (!g) return;
  if (g->saved_workload_slice) {
    workload_expires_ = now + g->saved_workload_slice;
    serving_type_     = g->saved_workload;
    serving_prio_     = g->saved_serving_prio;
  } else {
    workload_expires_ = now - 1;
  }
  choose_service_tree(g, now);
}

/// __cfq_set_active_queue: reset the slice state of the new active queue (slice_new set).
void CfqData::__cfq_set_active_queue(Queue* q, jiffies_t now)
{
  if (q) {
    q->slice_start     = 0;
    q->dispatch_start  = now;
    q->allocated_slice = 0;
    q->slice_end       = 0;
    q->slice_dispatch  = 0;
    q->nr_sectors      = 0;
    q->wait_request = q->must_dispatch = q->fifo_expire = false;
    q->slice_new                                        = true;
    if (timer_pending_) del_timer(now);
  }
  active_queue_ = q;
}

/// cfq_set_active_queue - E.5 step 5: the leftmost queue of the chosen tree.
Queue* CfqData::cfq_set_active_queue(jiffies_t now)
{
  Queue* q = nullptr;
  if (rq_queued_ && serving_group_) q = service_tree_for(serving_group_, serving_prio_, serving_type_)->first();
  __cfq_set_active_queue(q, now);
  return q;
}

/**
 * cfq_select_queue - E.5: keep the active queue (or wait for it: returns null) or expire it and
 * choose a new one. Returns null at once when nothing is queued (R). An emptied active queue with
 * a close cooperator (E.13) sets up a merge (if it has none yet) and hands over to it, skipping
 * group and workload selection (R, E.5).
 */
Queue* CfqData::cfq_select_queue(jiffies_t now)
{
  Queue* q     = active_queue_;
  Queue* new_q = nullptr;
  if (q) {
    if (!rq_queued_) return nullptr;
    bool expire = false, check_group_idle = false;
    if (q->wait_busy && !q->empty()) {
      expire = true; // waited for the group to get backlogged
    } else if (cfq_slice_used(q, now) && !q->must_dispatch) {
      if (q->cfqg->nr_cfqq == 1 && q->empty() && q->dispatched && cfq_should_idle(q)) return nullptr;
      check_group_idle = true;
    } else if (!q->empty()) {
      return q;
    } else if ((new_q = cfq_close_cooperator(q))) {
      if (coop_) coop_->cfq_setup_merge(q, new_q);
      expire = true;
    } else if (timer_pending_) {
      return nullptr;
    } else {
      // a deep seeky queue early in its slice: the device is faster than the queue, stop idling
      if (cfqq_seeky(q) && q->idle_window && (q->slice_new || q->slice_end - now > now - q->slice_start)) {
        q->deep        = false;
        q->idle_window = false;
      }
      if (q->dispatched && cfq_should_idle(q)) return nullptr;
      check_group_idle = true;
    }
    if (check_group_idle && !expire && t_.group_idle && q->cfqg->nr_cfqq == 1 && q->cfqg->dispatched &&
        !cfq_io_thinktime_big(q->cfqg->ttime, true))
      return nullptr;
    cfq_slice_expired(false, now);
  }
  if (new_q) {
    stats_.close_cooperators++;
    __cfq_set_active_queue(new_q, now);
    return new_q;
  }
  cfq_choose_cfqg(now);
  return cfq_set_active_queue(now);
}

} // namespace iosim::cfq
