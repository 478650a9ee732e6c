// dc86900e "block, cfq: move ioc ioprio/cgroup changed handling to cic" (spec G.1) on top of
// the FIXED API: no ioc-wide flags; per-cic bits set under ioc->lock.
#include "ioc_cic_changed.hpp"

namespace iosim::kernel {

/**
 * ioc_set_changed - G.1: set @bit on every cic of @ioc.
 * Caller: holds ioc->lock.
 */
void CicChangedIoc::ioc_set_changed(io_context* ioc, unsigned bit, const char* func)
{
  k_.exec.assert_held(ioc->lock);
  for (std::uint64_t id : ioc->cic_list)
    if (cfq_io_context* cic = k_.cic_ptr(id, "ioc->cic_list")) {
      k_.step("IC3", StepKind::rmw, func);
      k_.mem.set_bit(cic->changed, bit); // not value-returning: no barrier (weak, G.1)
    }
}

/**
 * ioc_ioprio_changed - G.1: store ioprio and set CIC_IOPRIO_CHANGED on every cic, under ioc->lock.
 * Caller: holds a reference on @ioc, no lock held.
 */
void CicChangedIoc::ioc_ioprio_changed(io_context* ioc, std::uint64_t ioprio_word)
{
  static const char* f = "ioc_ioprio_changed";
  k_.spin_lock(ioc->lock, &ioc->lock_word, "IC1", f);
  k_.store(ioc->ioprio, ioprio_word, "IC2", f);
  ioc_set_changed(ioc, CIC_IOPRIO_CHANGED, f);
  k_.spin_unlock(ioc->lock, "IC4", f);
}

/**
 * ioc_cgroup_changed - G.1: set CIC_CGROUP_CHANGED on every cic, under ioc->lock.
 * Caller: holds a reference on @ioc, no lock held.
 */
void CicChangedIoc::ioc_cgroup_changed(io_context* ioc)
{
  static const char* f = "ioc_cgroup_changed";
  k_.spin_lock(ioc->lock, &ioc->lock_word, "IC1", f);
  ioc_set_changed(ioc, CIC_CGROUP_CHANGED, f);
  k_.spin_unlock(ioc->lock, "IC4", f);
}

/**
 * set_task_ioprio - C.7 with S2' replaced by ioc_ioprio_changed (G.1).
 * Caller: any task after the S0 checks, no lock held. Returns 0.
 */
int CicChangedIoc::set_task_ioprio(task_struct* task, std::uint64_t ioprio_word)
{
  io_context* ioc = get_task_io_context(task, Gfp::atomic); // S1'
  if (ioc) {
    ioc_ioprio_changed(ioc, ioprio_word);
    put_io_context(ioc);
  }
  return 0;
}

/**
 * blkio_attach - C.10 with BA2 replaced by ioc_cgroup_changed (G.1).
 * Caller: the cgroup mover, no lock held.
 */
void CicChangedIoc::blkio_attach(task_struct* task)
{
  io_context* ioc = get_task_io_context(task, Gfp::atomic);
  if (!ioc)
    return;
  ioc_cgroup_changed(ioc);
  put_io_context(ioc);
}

/**
 * cfq_ioc_check_changed - G.1 consumer: test_and_clear_bit (a full barrier) before the change
 * is applied, so a change arriving meanwhile sets the bit again.
 * Caller: cfq_get_io_context, no lock held, holding a reference on @ioc.
 */
void CicChangedIoc::cfq_ioc_check_changed(io_context* ioc, cfq_io_context* cic)
{
  static const char* f = "cfq_get_io_context";
  if (!k_.load(cic->changed, "Q5", f))
    return;
  k_.step("Q5t", StepKind::rmw, f);
  if (k_.mem.test_and_clear_bit(cic->changed, CIC_IOPRIO_CHANGED))
    changed_ioprio(k_, ioc, cic);
  k_.step("Q6t", StepKind::rmw, f);
  if (k_.mem.test_and_clear_bit(cic->changed, CIC_CGROUP_CHANGED))
    changed_cgroup(k_, ioc, cic);
}

} // namespace iosim::kernel
