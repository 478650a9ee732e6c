// Dispatch (spec E.6): cfq_may_dispatch's depth rules, FIFO expiry, the request lists of a queue,
// and request choice with back-seek (E.7).
#include "schedulers/cfq/cfq_data.hpp"

#include "sim/config/input_error.hpp"

#include <algorithm>

namespace iosim::cfq
{

/**
 * cfq_choose_req - E.7: the better of two requests relative to head position @last: sync beats
 * async, REQ_PRIO beats none, then the shorter distance with backward seeks within back_seek_max
 * costing back_seek_penalty times; further back "wraps" and loses; ties to the higher sector; if
 * both wrap, the lower sector.
 */
Rq* CfqData::cfq_choose_req(Rq* rq1, Rq* rq2, uint64_t last) const
{
  if (!rq1 || rq1 == rq2) return rq2;
  if (!rq2) return rq1;
  if (rq1->sync != rq2->sync) return rq1->sync ? rq1 : rq2;
  if (rq1->prio != rq2->prio) return rq1->prio ? rq1 : rq2;
  const uint64_t s1 = rq1->sector, s2 = rq2->sector;
  const uint64_t back_max = t_.back_max * 2; // 1 KiB = 2 sectors
  uint64_t d1 = 0, d2 = 0;
  bool wrap1 = false, wrap2 = false;
  if (s1 >= last)
    d1 = s1 - last;
  else if (s1 + back_max >= last)
    d1 = (last - s1) * t_.back_penalty;
  else
    wrap1 = true;
  if (s2 >= last)
    d2 = s2 - last;
  else if (s2 + back_max >= last)
    d2 = (last - s2) * t_.back_penalty;
  else
    wrap2 = true;
  if (!wrap1 && !wrap2) {
    if (d1 < d2) return rq1;
    if (d2 < d1) return rq2;
    return s1 >= s2 ? rq1 : rq2;
  }
  if (wrap2 && !wrap1) return rq1;
  if (wrap1 && !wrap2) return rq2;
  return s1 <= s2 ? rq1 : rq2; // both wrapped: the one furthest behind the head
}

/// cfq_find_next_rq - E.7: after @last leaves, choose between its sort-list neighbours (the next
/// one wrapping to the first).
Rq* CfqData::cfq_find_next_rq(Queue* q, Rq* last) const
{
  Rq *next = nullptr, *prev = nullptr;
  auto it = last->sort_it;
  if (it != q->sort_list.begin()) prev = std::prev(it)->second;
  auto nx = std::next(it);
  if (nx != q->sort_list.end())
    next = nx->second;
  else if (q->sort_list.begin() != it)
    next = q->sort_list.begin()->second;
  return cfq_choose_req(next, prev, last->sector);
}

/// cfq_add_rq_rb: sort the request in, make the queue busy, update next_rq.
void CfqData::cfq_add_rq_rb(Rq* rq, jiffies_t now)
{
  Queue* q = rq->q;
  q->queued[rq->sync]++;
  rq->sort_it = q->sort_list.emplace(rq->sector, rq);
  if (!q->on_rr) cfq_add_cfqq_rr(q, now);
  Rq* prev   = q->next_rq;
  q->next_rq = cfq_choose_req(q->next_rq, rq, last_position_);
  if (prev != q->next_rq) cfq_prio_tree_add(q); // E.13
}

/// cfq_del_rq_rb: the queue stays on its service tree until it expires (E.11); an emptied queue
/// leaves its prio tree now (E.13).
void CfqData::cfq_del_rq_rb(Rq* rq)
{
  Queue* q = rq->q;
  IOSIM_CHECK(q->queued[rq->sync] > 0, "CFQ queued count underflow");
  q->queued[rq->sync]--;
  q->sort_list.erase(rq->sort_it);
  if (q->on_rr && q->empty()) cfq_prio_tree_del(q);
}

void CfqData::cfq_remove_request(Rq* rq)
{
  Queue* q = rq->q;
  if (q->next_rq == rq) q->next_rq = cfq_find_next_rq(q, rq);
  q->fifo.erase(rq->fifo_it);
  cfq_del_rq_rb(rq);
  if (q->on_rr && !q->empty()) cfq_prio_tree_add(q); // next_rq may have moved (E.13)
  rq_queued_--;
  if (rq->prio) q->prio_pending--;
}

/// cfq_slice_used_soon - E.6: slice new, or now + slice_idle * dispatched is past slice_end.
bool CfqData::cfq_slice_used_soon(const Queue* q, jiffies_t now) const
{
  if (q->slice_new) return true;
  return now + t_.slice_idle * q->dispatched > q->slice_end;
}

/**
 * cfq_may_dispatch - E.6: async drains before a queue that would idle; async waits for sync in
 * flight; depth limit quantum/2 (1 for idle class), lifted for a sole queue or a promoted sole
 * sync queue, quantum otherwise unless the slice ends soon; low_latency ramps async depth.
 */
bool CfqData::cfq_may_dispatch(Queue* q, jiffies_t now) const
{
  if (cfq_should_idle(q) && rq_in_flight_[0]) return false;
  if (rq_in_flight_[1] && !q->sync) return false;
  uint64_t max_dispatch = std::max(t_.quantum / 2, 1u);
  if (q->ioprio_class == CLASS_IDLE) max_dispatch = 1;
  if (uint64_t(q->dispatched) >= max_dispatch) {
    if (q->ioprio_class == CLASS_IDLE) return false;
    const bool promote_sync = q->sync && busy_sync_queues_ == 1;
    if (busy_queues_ > 1 && cfq_slice_used_soon(q, now) && !promote_sync) return false;
    if (busy_queues_ == 1 || promote_sync)
      max_dispatch = UINT64_MAX;
    else
      max_dispatch = t_.quantum;
  }
  if (!q->sync && t_.low_latency) {
    const jiffies_t last_sync = now - last_delayed_sync_;
    uint64_t depth            = uint64_t(std::max<jiffies_t>(last_sync, 0) / t_.slice[1]);
    if (!depth && !q->dispatched) depth = 1;
    max_dispatch = std::min(max_dispatch, depth);
  }
  return uint64_t(q->dispatched) < max_dispatch;
}

/// cfq_check_fifo - E.6: once per slice, the FIFO head if its deadline has passed.
Rq* CfqData::cfq_check_fifo(Queue* q, jiffies_t now)
{
  if (q->fifo_expire) return nullptr;
  q->fifo_expire = true;
  if (q->fifo.empty()) return nullptr;
  Rq* rq = q->fifo.front();
  if (now < rq->fifo_time) return nullptr;
  stats_.fifo_expired_dispatches++;
  return rq;
}

/// cfq_dispatch_insert: hand the request to the driver list.
void CfqData::cfq_dispatch_insert(Rq* rq)
{
  Queue* q   = rq->q;
  q->next_rq = cfq_find_next_rq(q, rq);
  cfq_remove_request(rq);
  q->dispatched++;
  q->cfqg->dispatched++;
  rq_in_flight_[q->sync ? 1 : 0]++;
  q->nr_sectors += rq->nr_sectors;
}

/// cfq_dispatch_request - E.6: FIFO head if expired, else next_rq; marks active_cic.
bool CfqData::cfq_dispatch_request(Queue* q, jiffies_t now)
{
  IOSIM_CHECK(!q->empty(), "CFQ dispatch from an empty queue");
  if (!cfq_may_dispatch(q, now)) return false;
  Rq* rq = cfq_check_fifo(q, now);
  if (!rq) rq = q->next_rq;
  cfq_dispatch_insert(rq);
  active_cic_ = true;
  dispatched_ = rq;
  return true;
}

/**
 * cfq_dispatch_requests - E.5/E.6: select a queue and dispatch one request from it; an async
 * queue past its request budget, or an idle-class queue, expires when others are busy.
 */
Rq* CfqData::cfq_dispatch_requests(jiffies_t now)
{
  if (!busy_queues_) return nullptr;
  Queue* q = cfq_select_queue(now);
  if (!q) return nullptr;
  dispatched_ = nullptr;
  if (!cfq_dispatch_request(q, now)) return nullptr;
  q->slice_dispatch++;
  q->must_dispatch = false;
  if (busy_queues_ > 1 && ((!q->sync && q->slice_dispatch >= cfq_prio_to_maxrq(q)) || q->ioprio_class == CLASS_IDLE)) {
    q->slice_end = now + 1;
    cfq_slice_expired(false, now);
  }
  return dispatched_;
}

/// cfq_activate_request: the driver took it; the head moves to its end.
void CfqData::cfq_activate_request(Rq* rq)
{
  rq_in_driver_++;
  last_position_ = rq->sector + rq->nr_sectors;
}

} // namespace iosim::cfq
