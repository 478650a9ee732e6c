// FIXED ioc API (spec C.1-C.10): blk-ioc.c, fs/ioprio.c, kernel/fork.c, blk-cgroup.c and
// cfq-iosched.c at 6e736be7. Every install happens under task_lock and re-checks PF_EXITING.
#include "ioc_fixed.hpp"

#include <string>

#include "ioprio.hpp"

namespace iosim::kernel {

/**
 * get_io_context - C.1 GI1, GI2: take another reference on an ioc the caller can already reach.
 * Caller: holds a reference or task_lock of a task owning @ioc. Returns with a reference.
 */
void FixedIoc::get_io_context(io_context* ioc)
{
  static const char* f = "get_io_context";
  const auto rc = static_cast<std::int64_t>(k_.load(ioc->refcount, "GI1", f));
  k_.oracle.mark_checked(Kind::refcount_underflow);
  if (rc <= 0) { // BUG_ON: "get on dead ioc"; the task dies here, so no reference is taken
    k_.report(Kind::refcount_underflow, "C.1", {ioc->id}, "get_io_context on refcount " + std::to_string(rc));
    return;
  }
  k_.step("GI2", StepKind::rmw, f);
  k_.mem.atomic_add(ioc->refcount, 1); // atomic_long_inc: not value-returning, no barrier
}

/**
 * create_task_io_context - C.2 CR1..CR7: allocate a zeroed ioc, then install it under
 * task_lock(task) only if the task has none and is not exiting (PF_EXITING, G.5 regression).
 * Caller: no lock held. Returns the task's ioc (a reference if @take_ref), or nullptr.
 */
io_context* FixedIoc::create_task_io_context(task_struct* task, Gfp gfp, bool take_ref)
{
  static const char* f = "create_task_io_context";
  io_context* ioc = k_.kmem_cache_alloc(k_.ioc_cache, gfp, "CR1", f);
  if (!ioc)
    return nullptr;
  Memory& m = k_.mem;
  for (Cell* c : {&ioc->refcount, &ioc->nr_tasks, &ioc->lock_word, &ioc->ioprio, &ioc->ioprio_changed,
                  &ioc->cgroup_changed, &ioc->nr_batch_requests, &ioc->last_waited, &ioc->radix_root,
                  &ioc->cic_list_head, &ioc->ioc_data})
    m.store(*c, 0); // __GFP_ZERO
  k_.step("CR2", StepKind::store, f);
  m.store(ioc->refcount, 1);
  m.store(ioc->nr_tasks, 1);
  m.store(ioc->lock_word, 1);
  m.store(ioc->radix_root, 1);
  m.store(ioc->cic_list_head, 1);

  k_.task_lock(task, "CR3", f);
  const std::uint64_t cur = k_.load(task->io_context, "CR4", f);
  const std::uint64_t flags = m.load(task->flags);
  io_context* ret;
  if (!cur && !(flags & PF_EXITING)) {
    k_.store(task->io_context, ioc->id, "CR5", f);
    ret = ioc;
  } else {
    k_.kmem_cache_free(k_.ioc_cache, ioc, "CR5", f);
    ret = k_.ioc_ptr(k_.load(task->io_context, "CR5b", f), "task->io_context");
  }
  if (ret && take_ref)
    get_io_context(ret); // CR6
  k_.task_unlock(task, "CR7", f);
  return ret;
}

/**
 * current_io_context - C.3 CC1, CC2: lock-free fast path (only the owner clears the field),
 * else create_task_io_context(current), which returns NULL once current has PF_EXITING (G.5).
 * Caller: current only, no lock held. Returns without a reference.
 */
io_context* FixedIoc::current_io_context(Gfp gfp)
{
  task_struct* cur = k_.current();
  const std::uint64_t id = k_.load(cur->io_context, "CC1", "current_io_context");
  if (id)
    return k_.ioc_ptr(id, "current->io_context");
  return create_task_io_context(cur, gfp, false); // CC2
}

/**
 * get_task_io_context - C.4 GT1..GT4: the only way to reach another task's ioc.
 * Caller: any task, no lock held. Returns with a reference, or nullptr.
 */
io_context* FixedIoc::get_task_io_context(task_struct* task, Gfp gfp)
{
  static const char* f = "get_task_io_context";
  k_.task_lock(task, "GT1", f);
  const std::uint64_t id = k_.load(task->io_context, "GT2", f);
  if (io_context* ioc = k_.ioc_ptr(id, "task->io_context")) {
    get_io_context(ioc); // GT3
    k_.task_unlock(task, "GT3u", f);
    return ioc;
  }
  k_.task_unlock(task, "GT4", f);
  return create_task_io_context(task, gfp, true);
}

/**
 * exit_io_context - C.6 EX0..EX7: EX0 warns unless current is exiting (fires on the fork error
 * path, G.6); EX1..EX7 are B.5's E1..E7.
 * Caller: current in do_exit, or copy_process's error path for the child. No lock held.
 */
void FixedIoc::exit_io_context(task_struct* task)
{
  static const char* const labels[7] = {"EX1", "EX2", "EX3", "EX4", "EX5", "EX6", "EX7"};
  if (!(k_.load(k_.current()->flags, "EX0", "exit_io_context") & PF_EXITING))
    ++ex0_warnings_;
  exit_io_context_steps(task, labels, "exit_io_context");
}

/**
 * set_task_ioprio - C.7 S1'..S3': through get_task_io_context; the two stores are still not
 * under a lock shared with the consumer and unordered (D.4, D.5); a failure to get an ioc is
 * swallowed and 0 returned (G.8).
 * Caller: any task after the S0 checks, no lock held. Returns 0.
 */
int FixedIoc::set_task_ioprio(task_struct* task, std::uint64_t ioprio_word)
{
  static const char* f = "set_task_ioprio";
  io_context* ioc = get_task_io_context(task, Gfp::atomic); // S1'
  if (ioc) {
    k_.store(ioc->ioprio, ioprio_word, "S2'", f);
    k_.store(ioc->ioprio_changed, 1, "S2'b", f);
    put_io_context(ioc);
  }
  return 0; // S3'
}

/**
 * copy_io - C.8: kCLONE_IO unchanged; otherwise a fresh ioc through get_task_io_context(child).
 * Caller: current = the parent in copy_process. Returns 0 or -kENOMEM.
 */
int FixedIoc::copy_io(unsigned long clone_flags, task_struct* child)
{
  static const char* f = "copy_io";
  io_context* pioc = k_.ioc_ptr(k_.load(k_.current()->io_context, "F1", f), "current->io_context");
  if (!pioc)
    return 0;
  if (clone_flags & kCLONE_IO) {
    io_context* ioc = ioc_task_link(pioc);
    if (!ioc)
      return -kENOMEM;
    k_.store(child->io_context, ioc->id, "F2b", f);
    return 0;
  }
  const std::uint64_t word = k_.load(pioc->ioprio, "F3", f);
  if (!ioprio_valid(ioprio_of(word)))
    return 0;
  io_context* nioc = get_task_io_context(child, Gfp::kernel);
  if (!nioc)
    return -kENOMEM;
  k_.store(nioc->ioprio, word, "F3c", f);
  put_io_context(nioc);
  return 0;
}

/**
 * cfq_get_io_context - C.9 Q1'..Q4': current_io_context takes no ref; a link failure frees the
 * cic only; the request's reference is taken at out: (Q4'); Q5/Q6 unchanged (D.5, D.6).
 * Caller: cfq_set_request, current, no lock held. Returns the cic with one ioc reference.
 */
cfq_io_context* FixedIoc::cfq_get_io_context(cfq_data* cfqd, Gfp gfp)
{
  static const char* f = "cfq_get_io_context";
  k_.step("Q1'", StepKind::compute, f);
  io_context* ioc = current_io_context(gfp);
  if (!ioc)
    return nullptr;
  cfq_io_context* cic = cfq_cic_lookup(k_, cfqd, ioc); // Q2'
  if (!cic) {
    k_.step("Q3'", StepKind::compute, f);
    cic = cfq_alloc_io_context(k_, cfqd, gfp);
    if (!cic)
      return nullptr;
    if (cfq_cic_link(k_, cfqd, ioc, cic, gfp)) {
      cfq_cic_free(k_, cic);
      return nullptr;
    }
  }
  k_.step("Q4'", StepKind::compute, f);
  get_io_context(ioc);
  cfq_ioc_check_changed(ioc, cic); // Q5, Q6
  return cic;
}

/**
 * blkio_attach - C.10 BA1, BA2: get_task_io_context (creates an ioc for a task without one),
 * then a plain store of cgroup_changed outside any lock shared with Q6.
 * Caller: the cgroup mover, no lock held.
 */
void FixedIoc::blkio_attach(task_struct* task)
{
  io_context* ioc = get_task_io_context(task, Gfp::atomic); // BA1
  if (!ioc)
    return;
  k_.store(ioc->cgroup_changed, 1, "BA2", "blkiocg_attach_task");
  put_io_context(ioc);
}

} // namespace iosim::kernel
