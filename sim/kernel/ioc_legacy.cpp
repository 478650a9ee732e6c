// LEGACY ioc API (spec B.1-B.9): blk-ioc.c at 42ec57a8 and its 3.0-3.2 callers. Each function is
// written as the spec's numbered steps; step() separates them.
#include "ioc_legacy.hpp"

#include "ioprio.hpp"

namespace iosim::kernel {

/**
 * alloc_io_context - B.1 AL1, AL2: allocate and initialise; publishes nothing. AL2 is a batch of
 * separate plain stores that become visible independently under weak memory (D.4).
 * Caller: any task, may hold task_lock (B.6 S5). Returns a new ioc (refcount 1) or nullptr.
 */
io_context* LegacyIoc::alloc_io_context(Gfp gfp)
{
  static const char* f = "alloc_io_context";
  io_context* ioc = k_.kmem_cache_alloc(k_.ioc_cache, gfp, "AL1", f);
  if (!ioc)
    return nullptr;
  k_.step("AL2", StepKind::store, f);
  Memory& m = k_.mem;
  m.store(ioc->refcount, 1);
  m.store(ioc->nr_tasks, 1);
  m.store(ioc->lock_word, 1);
  m.store(ioc->ioprio, 0);
  m.store(ioc->ioprio_changed, 0);
  m.store(ioc->cgroup_changed, 0);
  m.store(ioc->nr_batch_requests, 0);
  m.store(ioc->last_waited, 0);
  m.store(ioc->radix_root, 1);
  m.store(ioc->cic_list_head, 1);
  m.store(ioc->ioc_data, 0);
  return ioc;
}

/**
 * current_io_context - B.2 C1..C5: the owner's ioc, created and installed with an unconditional
 * store (C4) that overwrites an ioc installed by someone else since C1 (D.1).
 * Caller: current only, takes no lock. Returns without a reference.
 */
io_context* LegacyIoc::current_io_context(Gfp gfp)
{
  static const char* f = "current_io_context";
  task_struct* cur = k_.current();
  const std::uint64_t r = k_.load(cur->io_context, "C1", f);
  if (r)
    return k_.ioc_ptr(r, "current->io_context");
  io_context* ioc = alloc_io_context(gfp); // C2
  if (!ioc)
    return nullptr;
  k_.smp_wmb("C3", f);
  k_.store(cur->io_context, ioc->id, "C4", f);
  return ioc; // C5
}

/**
 * get_io_context - B.3 G1..G3: the owner takes a reference, retrying while inc_not_zero fails
 * (which can spin forever, D.10; bounded here by kernel retry_bound).
 * Caller: current, no lock held. Returns with a reference, or nullptr.
 */
io_context* LegacyIoc::get_io_context(Gfp gfp)
{
  for (unsigned tries = 0;; ++tries) {
    io_context* r = current_io_context(gfp); // G1
    if (!r)
      return nullptr;
    k_.step("G2", StepKind::rmw, "get_io_context");
    k_.oracle.mark_checked(Kind::livelock);
    if (k_.mem.inc_not_zero(r->refcount))
      return r; // G3
    if (tries >= k_.cfg.retry_bound) {
      k_.report(Kind::livelock, "D.10", {r->id}, "get_io_context retried inc_not_zero on refcount 0 beyond the bound");
      return nullptr;
    }
  }
}

/**
 * exit_io_context - B.5 E1..E7.
 * Caller: current in do_exit, or copy_process's error path for the child. No lock held.
 */
void LegacyIoc::exit_io_context(task_struct* task)
{
  static const char* const labels[7] = {"E1", "E2", "E3", "E4", "E5", "E6", "E7"};
  exit_io_context_steps(task, labels, "exit_io_context");
}

/**
 * set_task_ioprio - B.6 S1..S8: under task_lock(task) only, which the owner's B.2 path never
 * takes; no WMB between AL2 and S6 (D.4); S7's two stores are unordered (D.5).
 * Caller: any task after the S0 checks, no lock held. Returns 0 or -kENOMEM.
 */
int LegacyIoc::set_task_ioprio(task_struct* task, std::uint64_t ioprio_word)
{
  static const char* f = "set_task_ioprio";
  int err = 0;
  k_.task_lock(task, "S1", f);
  for (;;) {
    const std::uint64_t id = k_.load(task->io_context, "S2", f);
    k_.step("S3", StepKind::barrier, f); // smp_read_barrier_depends: a no-op
    if (id) {                            // S4
      io_context* ioc = k_.ioc_ptr(id, "set_task_ioprio task->io_context");
      if (ioc) {
        k_.store(ioc->ioprio, ioprio_word, "S7", f);
        k_.store(ioc->ioprio_changed, 1, "S7b", f);
      }
      break;
    }
    io_context* ioc = alloc_io_context(Gfp::atomic); // S5
    if (!ioc) {
      err = -kENOMEM;
      break;
    }
    k_.store(task->io_context, ioc->id, "S6", f);
  }
  k_.task_unlock(task, "S8", f);
  return err;
}

/**
 * copy_io - B.7 F1..F4: the unborn child gets the parent's ioc (kCLONE_IO) or, if the parent's
 * class is valid, a fresh ioc inheriting its ioprio; stores into the child without task_lock.
 * Caller: current = the parent in copy_process. Returns 0 or -kENOMEM.
 */
int LegacyIoc::copy_io(unsigned long clone_flags, task_struct* child)
{
  static const char* f = "copy_io";
  io_context* pioc = k_.ioc_ptr(k_.load(k_.current()->io_context, "F1", f), "current->io_context");
  if (!pioc)
    return 0;
  if (clone_flags & kCLONE_IO) {
    io_context* ioc = ioc_task_link(pioc); // F2
    if (!ioc)
      return -kENOMEM;
    k_.store(child->io_context, ioc->id, "F2b", f);
    return 0;
  }
  const std::uint64_t word = k_.load(pioc->ioprio, "F3", f);
  if (!ioprio_valid(ioprio_of(word)))
    return 0; // F4
  io_context* ioc = alloc_io_context(Gfp::kernel);
  if (!ioc)
    return -kENOMEM;
  k_.store(child->io_context, ioc->id, "F3b", f);
  k_.store(ioc->ioprio, word, "F3c", f);
  return 0;
}

/**
 * cfq_get_io_context - B.8 Q1..Q7: runs before queue_lock is taken. Link failure (D.7, -kEEXIST)
 * frees the cic, puts the ioc and returns NULL.
 * Caller: cfq_set_request, current, no lock held. Returns the cic with one ioc reference.
 */
cfq_io_context* LegacyIoc::cfq_get_io_context(cfq_data* cfqd, Gfp gfp)
{
  static const char* f = "cfq_get_io_context";
  k_.step("Q1", StepKind::compute, f);
  io_context* ioc = get_io_context(gfp);
  if (!ioc)
    return nullptr;
  cfq_io_context* cic = cfq_cic_lookup(k_, cfqd, ioc); // Q2
  if (!cic) {
    k_.step("Q3", StepKind::compute, f);
    cic = cfq_alloc_io_context(k_, cfqd, gfp);
    if (!cic) {
      put_io_context(ioc);
      return nullptr;
    }
    if (cfq_cic_link(k_, cfqd, ioc, cic, gfp)) {
      cfq_cic_free(k_, cic);
      put_io_context(ioc);
      return nullptr;
    }
  }
  k_.step("Q4", StepKind::barrier, f); // smp_read_barrier_depends: a no-op
  cfq_ioc_check_changed(ioc, cic);      // Q5, Q6
  return cic;                           // Q7
}

/**
 * blkio_attach - B.9 attach: set cgroup_changed under task_lock(task), which the consumer (Q6)
 * does not take. Nothing is done for a task without an ioc.
 * Caller: the cgroup mover, no lock held.
 */
void LegacyIoc::blkio_attach(task_struct* task)
{
  static const char* f = "blkiocg_attach";
  k_.task_lock(task, "AT1", f);
  io_context* ioc = k_.ioc_ptr(k_.load(task->io_context, "AT2", f), "attach task->io_context");
  if (ioc)
    k_.store(ioc->cgroup_changed, 1, "AT3", f);
  k_.task_unlock(task, "AT4", f);
}

} // namespace iosim::kernel
