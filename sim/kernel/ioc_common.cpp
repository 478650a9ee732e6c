// The parts of the ioc API that every version shares: put_io_context (B.4 = C.5),
// exit_io_context's steps (B.5 = C.6 EX1..EX7), get_task_ioprio (D.9), ioc_task_link (A.2),
// blkio can_attach (B.9, unchanged by C.10) and the ioc-wide change flags (B.8 Q5/Q6 = C.9).
#include <string>

#include "ioc_api.hpp"
#include "ioc_cic_changed.hpp"
#include "ioc_fixed.hpp"
#include "ioc_legacy.hpp"
#include "ioprio.hpp"

namespace iosim::kernel {

std::unique_ptr<IocApi> make_ioc_api(Kernel& k, IocApiVersion v)
{
  switch (v) {
    case IocApiVersion::legacy: return std::make_unique<LegacyIoc>(k);
    case IocApiVersion::fixed: return std::make_unique<FixedIoc>(k);
    case IocApiVersion::cic_changed: return std::make_unique<CicChangedIoc>(k);
  }
  throw ModelBug("unknown ioc api version");
}

/**
 * put_io_context - B.4 P1..P4 (C.5 identical): drop one reference; the last one runs the
 * cics' dtor (cfq_free_io_context) and frees the ioc.
 * Caller: any context; may hold queue_lock (cfq_put_request). Consumes the caller's reference.
 */
void IocApi::put_io_context(io_context* ioc)
{
  static const char* f = "put_io_context";
  if (!ioc)
    return;
  const auto rc = static_cast<std::int64_t>(k_.load(ioc->refcount, "P1", f));
  k_.oracle.mark_checked(Kind::refcount_underflow);
  if (rc <= 0) { // BUG_ON(atomic_long_read(&ioc->refcount) <= 0)
    k_.report(Kind::refcount_underflow, "B.4", {ioc->id}, "put_io_context sees refcount " + std::to_string(rc));
    return;
  }
  k_.step("P2", StepKind::rmw, f);
  if (!k_.mem.dec_and_test(ioc->refcount))
    return;
  k_.load(ioc->cic_list_head, "P3", f); // rcu_read_lock(); if (!hlist_empty(&ioc->cic_list))
  if (!ioc->cic_list.empty() && !cfq_free_io_context(k_, ioc))
    return; // R, B.4: the dead-key BUG fired before anything was freed
  k_.kmem_cache_free(k_.ioc_cache, ioc, "P4", f);
}

/**
 * exit_io_context_steps - B.5 E1..E7 (C.6 EX1..EX7): detach, drop nr_tasks (cfq_exit when it
 * reaches 0), drop the task's reference.
 * Caller: @task is current in do_exit, or the unborn child on the fork error path. No lock held.
 */
void IocApi::exit_io_context_steps(task_struct* task, const char* const labels[7], const char* func)
{
  k_.task_lock(task, labels[0], func);                                   // E1
  const std::uint64_t id = k_.load(task->io_context, labels[1], func);   // E2
  k_.store(task->io_context, 0, labels[2], func);                        // E3
  task->io_exit_done = true;
  k_.task_unlock(task, labels[3], func);                                 // E4
  io_context* ioc = k_.ioc_ptr(id, "exit_io_context task->io_context");
  if (!ioc)
    return;
  k_.step(labels[4], StepKind::rmw, func);                               // E5
  if (k_.mem.dec_and_test(ioc->nr_tasks)) {
    k_.load(ioc->cic_list_head, labels[5], func);                        // E6
    if (!ioc->cic_list.empty())
      cfq_exit_io_context(k_, ioc);
  }
  k_.step(labels[6], StepKind::compute, func);                           // E7
  put_io_context(ioc);
}

/**
 * get_task_ioprio - D.9 (fs/ioprio.c, both versions): p->io_context is loaded twice under
 * rcu_read_lock only; iocs are not RCU-freed, so a concurrent E7 makes this a use-after-free,
 * and a concurrent E3 makes the second load NULL (R, D.9).
 * Caller: any task, no lock held. Returns the ioprio value, no reference.
 */
int IocApi::get_task_ioprio(task_struct* p)
{
  static const char* f = "get_task_ioprio";
  int ret = IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, IOPRIO_NORM);
  if (!k_.load(p->io_context, "GP1", f))
    return ret;
  const std::uint64_t id = k_.load(p->io_context, "GP2", f);
  if (!id) {
    k_.report(Kind::use_after_free, "D.9", {p->id},
              "NULL dereference: p->io_context became NULL between get_task_ioprio's two loads", {p->pid});
    return ret;
  }
  io_context* ioc = k_.ioc_ptr(id, "get_task_ioprio p->io_context->ioprio");
  if (ioc)
    ret = ioprio_of(k_.load(ioc->ioprio, "GP3", f));
  return ret;
}

/**
 * ioc_task_link - A.2: refcount inc_not_zero, then nr_tasks++ (kCLONE_IO sharing).
 * Caller: copy_io on the parent's ioc. Returns @ioc with a reference, or nullptr.
 */
io_context* IocApi::ioc_task_link(io_context* ioc)
{
  k_.step("F2", StepKind::rmw, "ioc_task_link");
  if (!ioc || !k_.mem.inc_not_zero(ioc->refcount))
    return nullptr;
  k_.mem.atomic_add(ioc->nr_tasks, 1);
  return ioc;
}

/**
 * blkio_can_attach - B.9 can_attach (unchanged by C.10): a task sharing its ioc cannot move.
 * Caller: the cgroup mover, no lock held. Returns 0 or -kEINVAL.
 */
int IocApi::blkio_can_attach(task_struct* task)
{
  static const char* f = "blkiocg_can_attach";
  int ret = 0;
  k_.task_lock(task, "CA1", f);
  io_context* ioc = k_.ioc_ptr(k_.load(task->io_context, "CA2", f), "can_attach task->io_context");
  if (ioc && static_cast<std::int64_t>(k_.load(ioc->nr_tasks, "CA3", f)) > 1)
    ret = -kEINVAL;
  k_.task_unlock(task, "CA4", f);
  return ret;
}

/**
 * cfq_ioc_check_changed - B.8 Q5/Q6 (unchanged in C.9): read the ioc-wide flag; if set, walk the
 * cics and clear the flag after the walk, with no lock (D.6).
 * Caller: cfq_get_io_context, no lock held, holding a reference on @ioc.
 */
void IocApi::cfq_ioc_check_changed(io_context* ioc, cfq_io_context*)
{
  if (k_.load(ioc->ioprio_changed, "Q5", "cfq_get_io_context"))
    cfq_ioc_set_ioprio(k_, ioc);
  if (k_.load(ioc->cgroup_changed, "Q6", "cfq_get_io_context"))
    cfq_ioc_set_cgroup(k_, ioc);
}

} // namespace iosim::kernel
