// The insert path (spec E.2 cfq_insert_request, cfq_rq_enqueued) and preemption (E.10).
#include "schedulers/cfq/cfq_data.hpp"

namespace iosim::cfq
{

/**
 * cfq_should_preempt - E.10 rules 1-14 in order: may the queue @n of the new request @rq take
 * the disk from the active queue?
 */
bool CfqData::cfq_should_preempt(Queue* n, const Rq* rq, jiffies_t now) const
{
  const Queue* a = active_queue_;
  if (!a) return false;                                                         // 1
  if (n->ioprio_class == CLASS_IDLE) return false;                              // 2
  if (a->ioprio_class == CLASS_IDLE) return true;                               // 3
  if (a->ioprio_class == CLASS_RT && n->ioprio_class != CLASS_RT) return false; // 4
  if (rq->sync && !a->sync) return true;                                        // 5
  if (n->cfqg != a->cfqg) return false;                                         // 6
  if (cfq_slice_used(a, now)) return true;                                      // 7
  if (serving_type_ == SYNC_NOIDLE_WORKLOAD && cfqq_type(n) == SYNC_NOIDLE_WORKLOAD && n->service_tree &&
      n->service_tree->count == 2 && a->empty())
    return true;                                                               // 8
  if (rq->prio && !a->prio_pending) return true;                               // 9
  if (n->ioprio_class == CLASS_RT && a->ioprio_class != CLASS_RT) return true; // 10
  if (a->empty() && !cfq_should_idle(a)) return true;                          // 11
  if (!active_cic_ || !a->wait_request) return false;                          // 12
  const uint64_t dist = rq->sector > last_position_ ? rq->sector - last_position_ : last_position_ - rq->sector;
  return dist <= CFQQ_CLOSE_THR; // 13, else 14
}

/**
 * cfq_preempt_queue - E.10: expire the active queue timed out (saving its residual slice), drop
 * the new group's saved workload slice if the type changes, put @q at the front of its tree
 * with a new slice.
 */
void CfqData::cfq_preempt_queue(Queue* q, jiffies_t now)
{
  const int old_type = cfqq_type(active_queue_);
  stats_.preemptions++;
  cfq_slice_expired(true, now);
  if (old_type != cfqq_type(q)) q->cfqg->saved_workload_slice = 0;
  cfq_service_tree_add(q, true, now);
  q->slice_end = 0;
  q->slice_new = true;
}

/**
 * cfq_rq_enqueued - E.8/E.10: update think time, seekiness and the idle window; a request for
 * the active queue that is waiting ends the wait (at once if it is larger than a page or others
 * are busy, else must_dispatch); a request for another queue may preempt.
 */
void CfqData::cfq_rq_enqueued(Queue* q, Rq* rq, jiffies_t now)
{
  rq_queued_++;
  if (rq->prio) q->prio_pending++;
  cfq_update_io_thinktime(q, now);
  cfq_update_io_seektime(q, rq);
  cfq_update_idle_window(q);
  q->last_request_pos = rq->sector + rq->nr_sectors;
  if (q == active_queue_) {
    if (q->wait_request) {
      if (rq->nr_sectors * 512 > 4096 || busy_queues_ > 1) {
        del_timer(now);
        q->wait_request = false;
      } else {
        q->must_dispatch = true;
      }
    }
  } else {
    if (cfq_should_preempt(q, rq, now)) cfq_preempt_queue(q, now);
  }
}

/// cfq_insert_request - E.2: fifo deadline, sort list, busy accounting, then cfq_rq_enqueued.
/// The queue's class and level were set by the kernel model's cfq_init_prio_data just before.
void CfqData::cfq_insert_request(Rq* rq, jiffies_t now)
{
  Queue* q      = rq->q;
  rq->fifo_time = now + t_.fifo_expire[rq->sync ? 1 : 0];
  q->fifo.push_back(rq);
  rq->fifo_it = std::prev(q->fifo.end());
  cfq_add_rq_rb(rq, now);
  cfq_rq_enqueued(q, rq, now);
}

} // namespace iosim::cfq
