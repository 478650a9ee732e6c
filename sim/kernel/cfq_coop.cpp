// Cooperating queues (spec E.13): the merge set up when the scheduler finds a close cooperator,
// carried out at a process's next cfq_set_request, and undone when the merged queue turns seeky.
// The references follow C.11: a queue's refs are its cics, its allocated requests, the pins of
// async slots, plus the process refs a pending merge moved onto its target.
#include <string>

#include "ioc_api.hpp"

namespace iosim::kernel {

/**
 * cfqq_process_refs - E.13: references held by processes (cics and pending merges), i.e. ref
 * minus the requests allocated from the queue. Negative is the kernel's BUG_ON.
 * Caller: holds queue_lock (or runs in the dispatch path). Takes no reference.
 */
int cfqq_process_refs(Kernel& k, const cfq_queue* cfqq)
{
  const int refs = cfqq->ref - cfqq->allocated[ASYNC] - cfqq->allocated[SYNC];
  if (refs < 0)
    k.report(Kind::refcount_underflow, "E.13", {cfqq->id},
             "cfqq#" + std::to_string(cfqq->id) + " has " + std::to_string(refs) + " process references");
  return refs;
}

/**
 * cfq_setup_merge - E.13: point the queue with fewer process refs at the other one (following an
 * existing chain to its end, refusing a loop) and move that many refs onto the target. Nothing
 * happens if either side has no process left.
 * Caller: the dispatch path (cfq_select_queue), queue_lock held in the kernel. Takes refs on the
 * target for the moving processes; no preemption point (it runs inside dispatch).
 */
void cfq_setup_merge(Kernel& k, cfq_queue* cfqq, cfq_queue* new_cfqq)
{
  if (!cfqq_process_refs(k, new_cfqq))
    return;
  for (cfq_queue* next = new_cfqq->new_cfqq; next; next = new_cfqq->new_cfqq) {
    if (next == cfqq)
      return;
    new_cfqq = next;
  }
  const int process_refs = cfqq_process_refs(k, cfqq);
  const int new_process_refs = cfqq_process_refs(k, new_cfqq);
  if (process_refs <= 0 || new_process_refs <= 0)
    return;
  if (new_process_refs >= process_refs) {
    cfqq->new_cfqq = new_cfqq;
    new_cfqq->ref += process_refs;
  } else {
    new_cfqq->new_cfqq = cfqq;
    cfqq->ref += new_process_refs;
  }
}

/**
 * cfq_merge_cfqqs - E.13: move @cic's sync queue to cfqq->new_cfqq (using the reference the
 * setup took), mark that queue coop and drop the cic's reference on the old one.
 * Caller: current in cfq_set_request, holds queue_lock. Returns the cic's new queue (no extra ref).
 */
cfq_queue* cfq_merge_cfqqs(Kernel& k, cfq_data* cfqd, cfq_io_context* cic, cfq_queue* cfqq)
{
  k.step("CM1", StepKind::store, "cfq_merge_cfqqs");
  cfq_queue* target = cfqq->new_cfqq;
  cic_set_cfqq(k, cfqd, cic, target, SYNC);
  target->coop = true;
  target->coop_ever = cfqq->coop_ever = true;
  cfqd->coop_merges++;
  cfq_put_queue(k, cfqq);
  return cic->cfqq[SYNC];
}

/**
 * cfq_put_cooperator - E.13: drop the references a pending merge took on every queue down the
 * new_cfqq chain (a loop is the kernel's WARN: stop there).
 * Caller: holds queue_lock (cfq_exit_cfqq, split_cfqq).
 */
void cfq_put_cooperator(Kernel& k, cfq_queue* cfqq)
{
  for (cfq_queue* q = cfqq->new_cfqq; q;) {
    if (q == cfqq)
      break;
    cfq_queue* next = q->new_cfqq;
    cfq_put_queue(k, q);
    q = next;
  }
}

/**
 * split_cfqq - E.13: a coop queue flagged split_coop. If @cic is its last process it keeps the
 * queue (now current's, no longer coop); otherwise the cic lets go of it (and of any pending merge)
 * and the caller allocates a fresh queue.
 * Caller: current in cfq_set_request, holds queue_lock. Returns the queue to use, or NULL.
 */
cfq_queue* split_cfqq(Kernel& k, cfq_data* cfqd, cfq_io_context* cic, cfq_queue* cfqq)
{
  k.step("CS1", StepKind::store, "split_cfqq");
  cfqd->coop_splits++;
  if (cfqq_process_refs(k, cfqq) == 1) {
    cfqq->pid = k.current_pid();
    cfqq->coop = false;
    cfqq->split_coop = false;
    return cfqq;
  }
  cic_set_cfqq(k, cfqd, cic, nullptr, SYNC);
  cfq_put_cooperator(k, cfqq);
  cfq_put_queue(k, cfqq);
  return nullptr;
}

} // namespace iosim::kernel
