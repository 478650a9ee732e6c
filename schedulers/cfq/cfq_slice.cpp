// Slice length (spec E.3), slice expiry (E.11) and group charging with vdisktime (E.12, F).
#include "schedulers/cfq/cfq_data.hpp"

#include <algorithm>

namespace iosim::cfq
{

/// cfq_prio_slice - E.3: base + (base/5)*(4 - prio), base = slice_sync or slice_async.
jiffies_t CfqData::cfq_prio_slice(bool sync, int prio) const
{
  const jiffies_t base = t_.slice[sync ? 1 : 0];
  return base + (base / CFQ_SLICE_SCALE * (4 - prio));
}

/// cfq_prio_to_maxrq - E.3: an async queue's dispatch budget 2*slice_async_rq*(8 - p).
unsigned CfqData::cfq_prio_to_maxrq(const Queue* q) const
{
  return 2 * t_.slice_async_rq * unsigned(IOPRIO_BE_NR - q->ioprio);
}

/// cfq_group_slice - E.3/F: target_latency * weight / total weight of the busy groups.
jiffies_t CfqData::cfq_group_slice(const Group* g) const
{
  if (!grp_service_tree_.total_weight) return t_.target_latency;
  return jiffies_t(uint64_t(t_.target_latency) * uint64_t(g->weight) / grp_service_tree_.total_weight);
}

/// cfq_group_get_avg_queues - E.3: avg = (3*max(avg, busy) + min(avg, busy) + 2) / 4.
unsigned CfqData::cfq_group_get_avg_queues(Group* g, bool rt)
{
  const unsigned mult = CFQ_HIST_DIVISOR - 1, round = CFQ_HIST_DIVISOR / 2;
  const unsigned busy  = cfq_group_busy_queues_wl(rt ? RT_WORKLOAD : BE_WORKLOAD, g);
  unsigned& avg        = g->busy_queues_avg[rt ? RT_WORKLOAD : BE_WORKLOAD];
  const unsigned min_q = std::min(avg, busy), max_q = std::max(avg, busy);
  avg = (mult * max_q + min_q + round) / CFQ_HIST_DIVISOR;
  return avg;
}

/// cfq_scaled_cfqq_slice - E.3 with low_latency: shrink the slice when slice_sync * (busy queues)
/// exceeds the group's share of target_latency, but not below 2*slice_idle*slice/slice_sync.
jiffies_t CfqData::cfq_scaled_cfqq_slice(Queue* q)
{
  uint64_t slice = uint64_t(cfq_prio_to_slice(q));
  if (!t_.low_latency) return jiffies_t(slice);
  const uint64_t iq          = cfq_group_get_avg_queues(q->cfqg, q->ioprio_class == CLASS_RT);
  const uint64_t sync_slice  = uint64_t(t_.slice[1]);
  const uint64_t expect      = sync_slice * iq;
  const uint64_t group_slice = uint64_t(cfq_group_slice(q->cfqg));
  if (expect > group_slice) {
    const uint64_t base_low = 2 * uint64_t(t_.slice_idle);
    const uint64_t low      = std::min(slice, base_low * slice / sync_slice);
    slice                   = std::max(slice * group_slice / expect, low);
  }
  return jiffies_t(slice);
}

/// cfq_set_prio_slice - E.3: the slice starts when the first request of the slice completes.
void CfqData::cfq_set_prio_slice(Queue* q, jiffies_t now)
{
  const jiffies_t slice = cfq_scaled_cfqq_slice(q);
  q->slice_start        = now;
  q->slice_end          = now + slice;
  q->allocated_slice    = slice;
}

/// cfq_slice_used: false while the slice is new or before slice_end.
bool CfqData::cfq_slice_used(const Queue* q, jiffies_t now) const
{
  if (q->slice_new) return false;
  return now >= q->slice_end;
}

/// cfq_scale_slice - E.12: vdisktime charge = (charge << CFQ_SERVICE_SHIFT) * 500 / weight.
uint64_t CfqData::cfq_scale_slice(uint64_t charge, const Group* g) const
{
  return (charge << CFQ_SERVICE_SHIFT) * BLKIO_WEIGHT_DEFAULT / uint64_t(g->weight);
}

/// cfq_cfqq_slice_usage - E.12: time used by the slice, capped at allocated_slice.
jiffies_t CfqData::cfq_cfqq_slice_usage(const Queue* q, jiffies_t now, jiffies_t* unaccounted) const
{
  jiffies_t used;
  *unaccounted = 0;
  if (!q->slice_start || q->slice_start == now) {
    used = std::max<jiffies_t>(now - q->dispatch_start, 1);
  } else {
    used = now - q->slice_start;
    if (used > q->allocated_slice) {
      *unaccounted = used - q->allocated_slice;
      used         = q->allocated_slice;
    }
    if (q->slice_start > q->dispatch_start) *unaccounted += q->slice_start - q->dispatch_start;
  }
  return used;
}

/**
 * cfq_group_served - E.12: charge the group (slice_dispatch in IOPS mode, allocated_slice for an
 * async queue of a group with no sync queues, else the slice used), move its vdisktime off tree
 * (applying a new weight), and save the remaining workload slice in the group.
 */
void CfqData::cfq_group_served(Group* g, Queue* q, jiffies_t now)
{
  const unsigned nr_sync = g->nr_cfqq - cfqg_busy_async_queues(g) - g->service_tree_idle.count;
  jiffies_t unaccounted  = 0;
  uint64_t charge        = uint64_t(cfq_cfqq_slice_usage(q, now, &unaccounted));
  if (iops_mode())
    charge = q->slice_dispatch;
  else if (!q->sync && !nr_sync)
    charge = uint64_t(q->allocated_slice);
  const bool was_on = g->on_st;
  cfq_group_service_tree_del(g);
  const uint64_t vd = cfq_scale_slice(charge, g);
  g->vdisktime += vd;
  if (was_on) cfq_group_service_tree_add(g);
  g->charged_jiffies += charge;
  g->charged_vdisktime += vd;
  q->charged_jiffies += charge;
  auto& by_pid = stats_.charged_by_pid[q->pid];
  by_pid.first += charge;
  by_pid.second++;
  if (workload_expires_ > now) {
    g->saved_workload_slice = workload_expires_ - now;
    g->saved_workload       = serving_type_;
    g->saved_serving_prio   = serving_prio_;
  } else {
    g->saved_workload_slice = 0;
  }
}

/**
 * __cfq_slice_expired - E.11: stop the idle timer, clear the wait flags, save the residual slice
 * when timed out (the whole scaled slice if it never started), charge the group, take an empty
 * queue off its tree or resort it, clear the active queue (and active_cic). A merged (coop) queue
 * that turned seeky is flagged for splitting at its next request (E.13).
 */
void CfqData::__cfq_slice_expired(Queue* q, bool timed_out, jiffies_t now)
{
  if (q->wait_request) del_timer(now);
  q->wait_request = false;
  q->wait_busy    = false;
  if (coop_ && coop_->cfq_cfqq_coop(q) && cfqq_seeky(q)) coop_->cfq_mark_cfqq_split_coop(q);
  if (timed_out) q->slice_resid = q->slice_new ? cfq_scaled_cfqq_slice(q) : q->slice_end - now;
  cfq_group_served(q->cfqg, q, now);
  q->slices++;
  stats_.slices++;
  if (q->on_rr && q->empty())
    cfq_del_cfqq_rr(q);
  else
    cfq_resort_rr_list(q, now);
  if (q == active_queue_) active_queue_ = nullptr;
  active_cic_ = false;
}

void CfqData::cfq_slice_expired(bool timed_out, jiffies_t now)
{
  if (active_queue_) __cfq_slice_expired(active_queue_, timed_out, now);
}

} // namespace iosim::cfq
