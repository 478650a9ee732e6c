// Entry points a block layer or a SimGrid adapter calls: task creation, fork (copy_process,
// B.7/C.8), do_exit (A.1), reaping, ioprio_set/ioprio_get (B.6/C.7, D.9), blkio cgroup moves
// (B.9/C.10/G.1) and the I/O path (E.14). Each is a kernel entry (RCU quiescent state on return).
#pragma once

#include <functional>
#include <string>

#include "kernel.hpp"

namespace iosim::kernel {

/// A task that exists from the start (no parent in the model); io_context NULL. Setup code.
task_struct* create_task(Kernel& k, const TaskParams& p);
/// copy_process by current: the child inherits credentials, nice, policy and cgroup; copy_io;
/// on failure bad_fork_cleanup_io (exit_io_context(child)). Returns the child or nullptr (*err).
task_struct* do_fork(Kernel& k, unsigned long clone_flags, const std::string& comm, int* err = nullptr);
/// do_exit of current in the A.1 order: PF_EXITING, ..., exit_files (runs @exit_files_io, which
/// may submit I/O), exit_notify (zombie), unlocked `if (tsk->io_context) exit_io_context`, TASK_DEAD.
void do_exit(Kernel& k, const std::function<void()>& exit_files_io = {});
/// The parent reaps @t; its task_struct is freed once do_exit has finished (D.3 (ii) check).
void release_task(Kernel& k, task_struct* t);

/// ioprio_set(IOPRIO_WHO_PROCESS, pid(target)): B.6 S0 checks, then set_task_ioprio. On success
/// the oracle records the promise (a new ioprio version). Returns 0, -kEINVAL, -kEPERM or -kENOMEM.
int sys_ioprio_set(Kernel& k, task_struct* target, int ioprio);
/// ioprio_get(IOPRIO_WHO_PROCESS, pid(target)): get_task_ioprio (D.9).
int sys_ioprio_get(Kernel& k, task_struct* target);
/// Move @target to blkio cgroup @blkcg_id: can_attach, migrate, attach. Returns 0 or -kEINVAL.
int cgroup_attach_task(Kernel& k, task_struct* target, int blkcg_id);

/// The I/O path of current: cfq_set_request (+ insert). nullptr if the setup failed.
request* submit_io(Kernel& k, cfq_data* cfqd, bool sync);
/// Completion: cfq_put_request.
void complete_io(Kernel& k, request* rq);
/// blk-core get_request batching (architecture "The block layer calls the ioc API under every
/// elevator"): current_io_context(GFP_ATOMIC), no reference.
io_context* ioc_for_batching(Kernel& k);

} // namespace iosim::kernel
