// Task life cycle and system-call entry points of the kernel model (spec A.1, B.6, B.7, B.9,
// C.7, C.8, C.10, D.9, E.14).
#include "process.hpp"

#include "ioc_api.hpp"
#include "ioprio.hpp"

namespace iosim::kernel {

static task_struct* alloc_task(Kernel& k, const std::string& comm)
{
  task_struct* t = k.task_cache.alloc(k.now(), k.current_pid(), "copy_process");
  k.rcu_note_task_alloc();
  t->pid = k.alloc_pid();
  t->comm = comm;
  t->rng = Rng(k.cfg.seed * 1000003ULL + static_cast<std::uint64_t>(t->pid));
  return t;
}

task_struct* create_task(Kernel& k, const TaskParams& p)
{
  task_struct* t = alloc_task(k, p.comm);
  Memory::poke(t->io_context, 0);
  Memory::poke(t->flags, 0);
  t->nice = p.nice;
  t->policy = p.policy;
  t->uid = p.uid;
  t->euid = p.euid;
  t->cap_sys_nice = p.cap_sys_nice;
  t->cap_sys_admin = p.cap_sys_admin;
  t->blkcg_id = p.blkcg_id;
  return t;
}

static void free_task(Kernel& k, task_struct* t)
{
  k.check_reaped(t);
  k.mem.drain_all(t);
  k.call_rcu_free_task(t, "delayed_put_task_struct");
}

task_struct* do_fork(Kernel& k, unsigned long clone_flags, const std::string& comm, int* err)
{
  KernelEntry entry(k);
  task_struct* parent = k.current();
  if (!parent)
    throw ModelBug("do_fork outside any task");
  k.step("FK1", StepKind::alloc, "copy_process");
  task_struct* child = alloc_task(k, comm);
  child->nice = parent->nice;
  child->policy = parent->policy;
  child->uid = parent->uid;
  child->euid = parent->euid;
  child->cap_sys_nice = parent->cap_sys_nice;
  child->cap_sys_admin = parent->cap_sys_admin;
  child->blkcg_id = parent->blkcg_id;
  k.store(child->io_context, 0, "FK2", "copy_process"); // no task_lock: not visible yet (R, A.1)
  k.mem.store(child->flags, 0);
  const int ret = k.api().copy_io(clone_flags, child);
  if (ret) { // bad_fork_cleanup_io
    if (k.load(child->io_context, "FK3", "copy_process"))
      k.api().exit_io_context(child);
    child->exit_done = child->reaped = true;
    free_task(k, child);
    if (err)
      *err = ret;
    return nullptr;
  }
  k.step("FK4", StepKind::unlock, "wake_up_new_task");
  k.mem.full_barrier(); // the runqueue lock publishes the child
  return child;
}

void do_exit(Kernel& k, const std::function<void()>& exit_files_io)
{
  static const char* f = "do_exit";
  task_struct* tsk = k.current();
  if (!tsk)
    throw ModelBug("do_exit outside any task");
  {
    KernelEntry entry(k);
    const std::uint64_t flags = k.load(tsk->flags, "DX1", f); // exit_signals
    k.mem.store(tsk->flags, flags | PF_EXITING);
    // exit_mm, exit_files, exit_fs and cgroup_exit each clear their pointer under task_lock(tsk)
    // (kernel/exit.c, v3.2). Spec A.1 lists them as plain steps; the locks matter: a task that
    // holds task_lock(tsk) across a check and an install (create_task_io_context, CR3..CR7) keeps
    // the exiting task from passing exit_mm, and the unlocks publish PF_EXITING (see D.3b).
    k.task_lock(tsk, "DX2", f); // exit_mm (then exit_sem, exit_shm)
    k.task_unlock(tsk, "DX2u", f);
    k.task_lock(tsk, "DX3", f); // exit_files: can still issue I/O
    k.task_unlock(tsk, "DX3u", f);
    if (exit_files_io)
      exit_files_io();
    k.task_lock(tsk, "DX4", f); // exit_fs ... cgroup_exit, then exit_notify: now a zombie
    k.task_unlock(tsk, "DX4u", f);
    tsk->state = TaskState::zombie;
    if (k.load(tsk->io_context, "DX5", f)) // unlocked check (D.3b)
      k.api().exit_io_context(tsk);
    else
      tsk->io_exit_done = true;
    k.step("DX6", StepKind::compute, f); // TASK_DEAD, schedule()
    k.mem.full_barrier();
  }
  tsk->exit_done = true;
  if (tsk->reaped)
    free_task(k, tsk);
}

void release_task(Kernel& k, task_struct* t)
{
  if (t->reaped)
    throw ModelBug("release_task twice");
  t->reaped = true;
  t->state = TaskState::reaped;
  if (t->exit_done)
    free_task(k, t);
}

/// sys_ioprio_set's argument check (fs/ioprio.c): data < 8 for RT/BE, 0 for NONE/IDLE.
static bool ioprio_arg_valid(int ioprio)
{
  const int cls = IOPRIO_PRIO_CLASS(ioprio), data = IOPRIO_PRIO_DATA(ioprio);
  switch (cls) {
    case IOPRIO_CLASS_RT:
    case IOPRIO_CLASS_BE: return data < IOPRIO_BE_NR;
    case IOPRIO_CLASS_IDLE: return true;
    case IOPRIO_CLASS_NONE: return data == 0;
    default: return false;
  }
}

int sys_ioprio_set(Kernel& k, task_struct* target, int ioprio)
{
  KernelEntry entry(k);
  if (!ioprio_arg_valid(ioprio))
    return -kEINVAL;
  task_struct* caller = k.current();
  // fs/ioprio.c sys_ioprio_set: the RT class needs CAP_SYS_ADMIN, checked with the arguments.
  if (IOPRIO_PRIO_CLASS(ioprio) == IOPRIO_CLASS_RT && caller && !caller->cap_sys_admin)
    return -kEPERM;
  k.step("S0", StepKind::compute, "set_task_ioprio"); // permission checks under rcu_read_lock
  if (caller && target->uid != caller->euid && target->uid != caller->uid && !caller->cap_sys_nice)
    return -kEPERM;
  const std::uint64_t version = k.next_ioprio_version();
  const int err = k.api().set_task_ioprio(target, make_versioned_ioprio(version, ioprio));
  if (!err)
    k.note_ioprio_set(target, version);
  return err;
}

int sys_ioprio_get(Kernel& k, task_struct* target)
{
  KernelEntry entry(k);
  return k.api().get_task_ioprio(target);
}

int cgroup_attach_task(Kernel& k, task_struct* target, int blkcg_id)
{
  KernelEntry entry(k);
  if (int err = k.api().blkio_can_attach(target))
    return err;
  k.step("CM1", StepKind::store, "cgroup_task_migrate");
  target->blkcg_id = blkcg_id;
  target->blkcg_gen++;
  k.api().blkio_attach(target);
  return 0;
}

request* submit_io(Kernel& k, cfq_data* cfqd, bool sync)
{
  KernelEntry entry(k);
  request* rq = cfq_set_request(k, cfqd, sync);
  if (rq)
    cfq_insert_request(k, rq);
  return rq;
}

void complete_io(Kernel& k, request* rq)
{
  KernelEntry entry(k);
  cfq_put_request(k, rq);
}

io_context* ioc_for_batching(Kernel& k)
{
  KernelEntry entry(k);
  return k.api().current_io_context(Gfp::atomic);
}

} // namespace iosim::kernel
