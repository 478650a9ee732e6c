// task_struct of the kernel model: the fields of spec A.1 (io_context, alloc_lock, PF_EXITING,
// blkio cgroup, nice/policy) plus the credentials of B.6 S0.
#pragma once

#include <cstdint>
#include <string>

#include "exec.hpp"
#include "memory.hpp"

namespace iosim::kernel {

constexpr std::uint64_t PF_EXITING = 0x00000004; ///< A.1: set by exit_signals()
constexpr unsigned long kCLONE_IO = 0x80000000UL; ///< B.7 F2: share the parent's io_context

enum class SchedPolicy { normal, fifo, rr, batch, idle };
enum class TaskState { running, zombie, reaped };

/// Parameters of a new task (nice and policy feed A.5; uid/euid/CAP_SYS_NICE feed B.6 S0).
struct TaskParams {
  std::string comm = "task";
  int nice = 0;
  SchedPolicy policy = SchedPolicy::normal;
  unsigned uid = 0;
  unsigned euid = 0;
  bool cap_sys_nice = false;
  bool cap_sys_admin = false; ///< sys_ioprio_set: class RT needs CAP_SYS_ADMIN (fs/ioprio.c)
  int blkcg_id = 0; ///< 0 = root blkio cgroup
};

struct task_struct : KObject {
  task_struct() : KObject("task_struct") {}

  int pid = 0;
  std::string comm;
  Cell io_context{this, "task.io_context"}; ///< io_context id, 0 = NULL (A.1)
  Cell flags{this, "task.flags"};           ///< PF_EXITING (plain store, A.1)
  SpinLock alloc_lock{"task_lock"};
  int nice = 0;
  SchedPolicy policy = SchedPolicy::normal;
  unsigned uid = 0, euid = 0;
  bool cap_sys_nice = false;
  bool cap_sys_admin = false;
  int blkcg_id = 0;          ///< blkio cgroup (RCU in the kernel; not modelled memory)
  std::uint64_t blkcg_gen = 0; ///< bumped on every cgroup move (D.6 detector)
  TaskState state = TaskState::running;
  Rng rng;

  // Shadow state for the oracle and for RCU grace periods; the modelled kernel never reads it.
  bool io_exit_done = false;      ///< E3 ran, or do_exit's unlocked check skipped exit_io_context
  int kernel_depth = 0;           ///< inside a kernel entry point (non-preemptible RCU reader)
  std::uint64_t kernel_exits = 0; ///< completed kernel entries (quiescent states)
  bool alloc_failure_injected = false;
  bool exit_done = false;         ///< do_exit reached TASK_DEAD
  bool reaped = false;            ///< release_task ran

  void reset_bookkeeping() override
  {
    alloc_lock.owner = nullptr;
    state = TaskState::running;
    io_exit_done = false;
    kernel_depth = 0;
    kernel_exits = 0;
    alloc_failure_injected = false;
    exit_done = reaped = false;
    blkcg_gen = 0;
  }
};

} // namespace iosim::kernel
