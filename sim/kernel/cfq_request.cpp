// CFQ request setup and release (spec E.14) and the elevator's init/exit, on the skeleton
// structures of cfq.hpp. Every request holds one ioc ref, one cfqq ref and one cfqg ref (A.4, C.11).
#include <algorithm>
#include <string>

#include "ioc_api.hpp"

namespace iosim::kernel {

/**
 * cfq_init_queue - create the per-device cfq_data with its root group and oom_cfqq (permanent ref).
 * Caller: setup code (no task needed).
 */
cfq_data* cfq_init_queue(Kernel& k, const std::string& name, int id)
{
  auto cfqd = std::make_unique<cfq_data>();
  int max_id = 0;
  for (const auto& c : k.cfqds)
    max_id = std::max(max_id, c->id);
  cfqd->id = id > 0 ? id : max_id + 1;
  cfqd->name = name;
  cfqd->root_group.ref = 1;
  cfq_queue* oom = k.cfqq_cache.alloc(k.now(), k.current_pid(), "cfq_init_queue");
  oom->cfqd = cfqd.get();
  oom->is_oom = true;
  oom->ref = 1;
  oom->cfqg = &cfqd->root_group;
  cfqd->oom_cfqq = oom;
  // A reused id replaces the exited cfqd of the same index in lookups (cfqd_by_id).
  for (auto it = k.cfqds.begin(); it != k.cfqds.end(); ++it)
    if ((*it)->id == cfqd->id && (*it)->exited) {
      k.cfqds.erase(it);
      break;
    }
  k.cfqds.push_back(std::move(cfqd));
  return k.cfqds.back().get();
}

/**
 * cfq_exit_queue - E.14: expire the active queue, exit every cic on cfqd->cic_list (dead keys;
 * the cics stay in their iocs), put the async queues.
 * Caller: elevator switch / device removal, current or setup code, no lock held.
 */
void cfq_exit_queue(Kernel& k, cfq_data* cfqd)
{
  static const char* f = "cfq_exit_queue";
  k.spin_lock(cfqd->queue_lock, nullptr, "XQ1", f);
  if (cfqd->active_queue)
    cfq_slice_expired(k, cfqd);
  cfq_exit_all_cics(k, cfqd);
  for (auto& row : cfqd->async_cfqq)
    for (cfq_queue*& q : row)
      if (q) {
        cfq_put_queue(k, q);
        q = nullptr;
      }
  if (cfqd->async_idle_cfqq) {
    cfq_put_queue(k, cfqd->async_idle_cfqq);
    cfqd->async_idle_cfqq = nullptr;
  }
  k.spin_unlock(cfqd->queue_lock, "XQ2", f);
  cfqd->exited = true;
}

/// cic_set_cfqq: install @q (or NULL) in @cic; a sync queue is checked for duplicates (D.2).
void cic_set_cfqq(Kernel& k, cfq_data* cfqd, cfq_io_context* cic, cfq_queue* q, bool is_sync)
{
  cic->cfqq[is_sync] = q;
  if (is_sync && q && !q->is_oom)
    k.check_sync_queue_unique(cfqd, q);
}

/**
 * cfq_set_request - E.14 steps 1..5: cfq_get_io_context without queue_lock, then under
 * queue_lock find or create the cic's queue and take the request's refs. A NULL cic fails the
 * setup (D.7, G.5).
 * Caller: current, in the I/O submission path, no lock held. Returns the request or nullptr.
 */
request* cfq_set_request(Kernel& k, cfq_data* cfqd, bool sync)
{
  static const char* f = "cfq_set_request";
  cfq_io_context* cic = k.api().cfq_get_io_context(cfqd, Gfp::atomic); // 1
  k.oracle.mark_checked(Kind::request_setup_failed);
  if (!cic) {
    task_struct* cur = k.current();
    if (!k.alloc_failure_injected())
      k.report(Kind::request_setup_failed, "D.7, G.5", {cur ? cur->id : 0},
               "request setup of task " + std::to_string(k.current_pid()) + " on " + cfqd->name +
                   " failed without injected allocation failure");
    return nullptr;
  }
  k.spin_lock(cfqd->queue_lock, nullptr, "SR2", f); // 2
  io_context* ioc = k.ioc_ptr(cic->ioc, "cic->ioc");
  cfq_queue* q = nullptr;
  while (!q) { // 3
    q = cic->cfqq[sync];
    if (!q || q->is_oom) {
      std::uint64_t v = 0;
      q = cfq_get_queue(k, cfqd, sync, ioc, Gfp::atomic, &v);
      if (!sync)
        cic->async_ioprio_version = v;
      cic_set_cfqq(k, cfqd, cic, q, sync);
      break;
    }
    // E.13: a merged queue gone seeky is broken apart (NULL: take a fresh queue); a queue set
    // up to merge moves this cic to its cooperator.
    if (q->coop && q->split_coop && !(q = split_cfqq(k, cfqd, cic, q)))
      continue;
    if (q->new_cfqq)
      q = cfq_merge_cfqqs(k, cfqd, cic, q);
  }
  k.step("SR4", StepKind::store, f); // 4
  q->allocated[sync]++;
  q->ref++;
  request* rq = k.alloc_request();
  rq->cfqd = cfqd;
  rq->sync = sync;
  rq->pid = k.current_pid();
  rq->cic = cic;
  rq->cfqq = q;
  rq->cfqg = q->cfqg;
  rq->cfqg->ref++;
  k.spin_unlock(cfqd->queue_lock, "SR5", f); // 5
  return rq;
}

/**
 * cfq_insert_request - E.2: cfq_init_prio_data on insert (the lazy re-read of ioc->ioprio for a
 * queue marked prio_changed). Skeleton: no service tree yet.
 * Caller: current, no lock held; takes queue_lock.
 */
void cfq_insert_request(Kernel& k, request* rq)
{
  k.spin_lock(rq->cfqd->queue_lock, nullptr, "IR1", "cfq_insert_request");
  cfq_init_prio_data(k, rq->cfqq, k.ioc_ptr(rq->cic->ioc, "cic->ioc"));
  k.spin_unlock(rq->cfqd->queue_lock, "IR2", "cfq_insert_request");
}

/**
 * cfq_put_request - E.14 put: allocated--, put_io_context(cic->ioc), put group, put cfqq.
 * Caller: the completing context (current or setup code), no lock held; takes queue_lock.
 * Skeleton: allocated[] is indexed by sync rather than the data direction.
 */
void cfq_put_request(Kernel& k, request* rq)
{
  static const char* f = "cfq_put_request";
  if (!rq->live)
    throw ModelBug("cfq_put_request on a request that was already put");
  cfq_data* cfqd = rq->cfqd;
  k.spin_lock(cfqd->queue_lock, nullptr, "PR1", f);
  rq->cfqq->allocated[rq->sync]--;
  k.api().put_io_context(k.ioc_ptr(rq->cic->ioc, "RQ_CIC(rq)->ioc"));
  rq->cfqg->ref--;
  cfq_put_queue(k, rq->cfqq);
  k.spin_unlock(cfqd->queue_lock, "PR2", f);
  rq->live = false;
}

} // namespace iosim::kernel
