// CFQ queues of the request-setup skeleton: cfq_get_queue and the shared async slots (E.2, A.5),
// cfq_init_prio_data (E.2), cfq_put_queue (E.14), and the change handlers changed_ioprio /
// changed_cgroup with the ioc-wide walks of B.8 Q5/Q6.
#include <string>

#include "ioc_api.hpp"
#include "ioprio.hpp"

namespace iosim::kernel {

void cfq_queue::reset_bookkeeping()
{
  ref = 0;
  cfqd = nullptr;
  sync = false;
  pid = 0;
  ioprio = org_ioprio = ioprio_class = 0;
  prio_changed = idle_window = is_oom = false;
  new_cfqq = nullptr;
  coop = split_coop = coop_ever = false;
  allocated[0] = allocated[1] = 0;
  cfqg = nullptr;
  prio_version = 0;
  sched = nullptr;
}

/// A.5 default class from the scheduling policy of @t.
static int task_nice_ioclass(const task_struct* t)
{
  if (t->policy == SchedPolicy::idle)
    return IOPRIO_CLASS_IDLE;
  if (t->policy == SchedPolicy::fifo || t->policy == SchedPolicy::rr)
    return IOPRIO_CLASS_RT;
  return IOPRIO_CLASS_BE;
}

/**
 * cfq_init_prio_data - E.2: (re)derive the queue's class and level while prio_changed is set;
 * class NONE takes nice and policy from current. Records the ioprio version read (D.5).
 * Caller: holds queue_lock.
 */
void cfq_init_prio_data(Kernel& k, cfq_queue* cfqq, io_context* ioc)
{
  if (!cfqq->prio_changed || !ioc)
    return;
  const std::uint64_t word = k.load(ioc->ioprio, "IP1", "cfq_init_prio_data");
  const int v = ioprio_of(word);
  const task_struct* cur = k.current();
  switch (IOPRIO_PRIO_CLASS(v)) {
    case IOPRIO_CLASS_RT:
    case IOPRIO_CLASS_BE:
      cfqq->ioprio = IOPRIO_PRIO_DATA(v);
      cfqq->ioprio_class = IOPRIO_PRIO_CLASS(v);
      break;
    case IOPRIO_CLASS_IDLE:
      cfqq->ioprio_class = IOPRIO_CLASS_IDLE;
      cfqq->ioprio = 7;
      cfqq->idle_window = false;
      break;
    default: // NONE: from the task issuing the I/O
      cfqq->ioprio = cur ? task_nice_ioprio(cur->nice) : IOPRIO_NORM;
      cfqq->ioprio_class = cur ? task_nice_ioclass(cur) : IOPRIO_CLASS_BE;
      break;
  }
  cfqq->org_ioprio = cfqq->ioprio;
  cfqq->prio_version = ioprio_version_of(word);
  cfqq->prio_changed = false;
}

/// cfq_get_cfqg: the group of current's blkcg (F), created on demand.
static cfq_group* cfq_get_cfqg(Kernel& k, cfq_data* cfqd)
{
  const task_struct* cur = k.current();
  if (!cur || cur->blkcg_id == 0)
    return &cfqd->root_group;
  auto& g = cfqd->groups[cur->blkcg_id];
  if (!g) {
    g = std::make_unique<cfq_group>();
    g->blkcg_id = cur->blkcg_id;
    g->ref = 1; // the cfqd's own reference, dropped at cfq_exit_queue
  }
  g->blkcg_gen = cur->blkcg_gen;
  return g.get();
}

/// cfq_async_queue_prio: row 0 = RT, row 1 = BE; IDLE has a single queue (E.2).
static cfq_queue** cfq_async_queue_prio(cfq_data* cfqd, int ioprio_class, int ioprio)
{
  switch (ioprio_class) {
    case IOPRIO_CLASS_RT: return &cfqd->async_cfqq[0][ioprio];
    case IOPRIO_CLASS_BE: return &cfqd->async_cfqq[1][ioprio];
    default: return &cfqd->async_idle_cfqq;
  }
}

/**
 * cfq_find_alloc_queue - allocate and initialise a queue (cfq_init_cfqq: pid = current, marked
 * prio_changed; cfq_init_prio_data; cfq_link_cfqq_cfqg: sync in current's group, async in the
 * root group). Falls back to oom_cfqq. Skeleton: the kernel's re-lookup of the cic is omitted.
 * Caller: holds queue_lock. Returns a queue with ref 0 (or oom_cfqq).
 */
static cfq_queue* cfq_find_alloc_queue(Kernel& k, cfq_data* cfqd, bool is_sync, io_context* ioc, Gfp gfp)
{
  cfq_queue* q = k.kmem_cache_alloc(k.cfqq_cache, gfp, "GQ2", "cfq_find_alloc_queue");
  if (!q)
    return cfqd->oom_cfqq;
  q->cfqd = cfqd;
  q->sync = is_sync;
  q->pid = k.current_pid();
  q->prio_changed = true;
  q->idle_window = is_sync;
  cfq_init_prio_data(k, q, ioc);
  q->cfqg = is_sync ? cfq_get_cfqg(k, cfqd) : &cfqd->root_group;
  q->cfqg->ref++;
  return q;
}

/**
 * cfq_get_queue - E.2: the sync queue is a new private queue; the async queue is the shared
 * slot [task_ioprio_class][task_ioprio] of ioc->ioprio read now (A.5), pinned by an extra ref.
 * Caller: holds queue_lock. Returns the queue with one reference.
 */
cfq_queue* cfq_get_queue(Kernel& k, cfq_data* cfqd, bool is_sync, io_context* ioc, Gfp gfp,
                         std::uint64_t* version_read)
{
  k.exec.assert_held(cfqd->queue_lock);
  const std::uint64_t word = k.load(ioc->ioprio, "GQ1", "cfq_get_queue");
  if (version_read)
    *version_read = ioprio_version_of(word);
  cfq_queue** async_pq = nullptr;
  cfq_queue* q = nullptr;
  if (!is_sync) {
    async_pq = cfq_async_queue_prio(cfqd, task_ioprio_class(ioprio_of(word)), task_ioprio(ioprio_of(word)));
    q = *async_pq;
  }
  if (!q)
    q = cfq_find_alloc_queue(k, cfqd, is_sync, ioc, gfp);
  if (!is_sync && !*async_pq && q != cfqd->oom_cfqq) {
    q->ref++; // pinned until the elevator exits
    *async_pq = q;
  }
  q->ref++;
  return q;
}

/**
 * cfq_slice_expired - E.11: let the scheduler expire its active queue (charge, resort), then
 * clear the active queue and drop active_cic's ioc ref.
 * Caller: holds queue_lock.
 */
void cfq_slice_expired(Kernel& k, cfq_data* cfqd)
{
  if (cfqd->sched)
    cfqd->sched->slice_expired_by_kernel();
  cfqd->active_queue = nullptr;
  if (cfq_io_context* cic = cfqd->active_cic) {
    cfqd->active_cic = nullptr;
    k.api().put_io_context(k.ioc_ptr(cic->ioc, "active_cic->ioc"));
  }
}

/**
 * cfq_put_queue - E.14: drop a reference; at 0 expire it if active, free it, put its group.
 * Caller: holds queue_lock.
 */
void cfq_put_queue(Kernel& k, cfq_queue* cfqq)
{
  static const char* f = "cfq_put_queue";
  k.exec.assert_held(cfqq->cfqd->queue_lock);
  k.step("PQ1", StepKind::compute, f);
  if (!cfqq->live || cfqq->ref <= 0) {
    k.report(Kind::refcount_underflow, "A.4, E.14", {cfqq->id}, "cfq_put_queue on ref " + std::to_string(cfqq->ref));
    return;
  }
  if (--cfqq->ref)
    return;
  if (cfqq->cfqd->active_queue == cfqq)
    cfq_slice_expired(k, cfqq->cfqd);
  if (cfqq->cfqd->sched)
    cfqq->cfqd->sched->queue_freed(cfqq);
  if (cfqq->cfqg)
    cfqq->cfqg->ref--;
  k.kmem_cache_free(k.cfqq_cache, cfqq, "PQ2", f);
}

/**
 * cfq_exit_cfqq - B.5 E6: expire the queue if active, drop the refs of a pending merge (E.13
 * cfq_put_cooperator), then put the cic's reference.
 * Caller: holds queue_lock.
 */
void cfq_exit_cfqq(Kernel& k, cfq_data* cfqd, cfq_queue* cfqq)
{
  if (cfqq == cfqd->active_queue)
    cfq_slice_expired(k, cfqd);
  cfq_put_cooperator(k, cfqq);
  cfq_put_queue(k, cfqq);
}

/**
 * changed_ioprio - B.8: re-map the async queue now (reads ioc->ioprio through cfq_get_queue);
 * mark the sync queue prio_changed (re-read lazily in cfq_init_prio_data). Returns at once for
 * a dead key (R, B.8).
 * Caller: no lock held; takes queue_lock.
 */
void changed_ioprio(Kernel& k, io_context* ioc, cfq_io_context* cic)
{
  static const char* f = "changed_ioprio";
  cfq_data* cfqd = cic_to_cfqd(k, cic, "CI1");
  if (!cfqd)
    return;
  k.spin_lock(cfqd->queue_lock, nullptr, "CI2", f);
  if (cfq_queue* old = cic->cfqq[ASYNC]) {
    std::uint64_t v = 0;
    cfq_queue* nq = cfq_get_queue(k, cfqd, false, ioc, Gfp::atomic, &v);
    cic->cfqq[ASYNC] = nq;
    cic->async_ioprio_version = v;
    cfq_put_queue(k, old);
  }
  if (cfq_queue* q = cic->cfqq[SYNC]) {
    k.step("CI3", StepKind::store, f);
    q->prio_changed = true;
  }
  k.spin_unlock(cfqd->queue_lock, "CI4", f);
}

/**
 * changed_cgroup - B.8: drop the sync queue; the next request creates one in current's group.
 * Async queues stay in the root group. Returns at once for a dead key (R, B.8).
 * Caller: no lock held; takes queue_lock.
 */
void changed_cgroup(Kernel& k, io_context*, cfq_io_context* cic)
{
  static const char* f = "changed_cgroup";
  cfq_data* cfqd = cic_to_cfqd(k, cic, "CG1");
  if (!cfqd)
    return;
  k.spin_lock(cfqd->queue_lock, nullptr, "CG2", f);
  if (cfq_queue* q = cic->cfqq[SYNC]) {
    cic->cfqq[SYNC] = nullptr;
    cfq_put_queue(k, q);
  }
  k.spin_unlock(cfqd->queue_lock, "CG3", f);
}

/// call_for_each_cic (RCU walk) then the unlocked clear of @flag after the walk (B.8 Q5/Q6, D.6).
static void cfq_ioc_walk_then_clear(Kernel& k, io_context* ioc, Cell& flag,
                                    void (*fn)(Kernel&, io_context*, cfq_io_context*),
                                    const char* head_label, const char* walk_label, const char* clear_label)
{
  k.load(ioc->cic_list_head, head_label, "call_for_each_cic");
  const std::vector<std::uint64_t> cics = ioc->cic_list;
  for (std::uint64_t id : cics)
    if (cfq_io_context* cic = k.cic_ptr(id, "ioc->cic_list")) {
      k.step(walk_label, StepKind::compute, "call_for_each_cic");
      fn(k, ioc, cic);
    }
  k.store(flag, 0, clear_label, "cfq_get_io_context");
}

/**
 * cfq_ioc_set_ioprio - B.8 Q5: changed_ioprio on every cic, then ioprio_changed = 0.
 * Caller: cfq_get_io_context, no lock held.
 */
void cfq_ioc_set_ioprio(Kernel& k, io_context* ioc)
{
  cfq_ioc_walk_then_clear(k, ioc, ioc->ioprio_changed, changed_ioprio, "Q5h", "Q5w", "Q5c");
}

/**
 * cfq_ioc_set_cgroup - B.8 Q6: changed_cgroup on every cic, then cgroup_changed = 0.
 * Caller: cfq_get_io_context, no lock held.
 */
void cfq_ioc_set_cgroup(Kernel& k, io_context* ioc)
{
  cfq_ioc_walk_then_clear(k, ioc, ioc->cgroup_changed, changed_cgroup, "Q6h", "Q6w", "Q6c");
}

} // namespace iosim::kernel
