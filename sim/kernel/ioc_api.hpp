// The ioc API, selected at run time by kernel.ioc_api: legacy (spec B, blk-ioc.c at 42ec57a8),
// fixed (spec C, exactly 6e736be7) and cic_changed (fixed + G.1, dc86900e). The virtual entry
// points are the ones the rest of the kernel calls; the helpers shared by all versions (C.5 = B.4,
// D.9, A.2) live in ioc_common.cpp.
#pragma once

#include <cstdint>
#include <memory>

#include "kernel.hpp"

namespace iosim::kernel {

class IocApi {
public:
  explicit IocApi(Kernel& k) : k_(k) {}
  virtual ~IocApi() = default;
  virtual IocApiVersion version() const = 0;

  /// B.2 / C.3: the owner's ioc, created if missing. Caller: current only, no lock held.
  /// Returns without a reference.
  virtual io_context* current_io_context(Gfp gfp) = 0;
  /// B.8 / C.9: the cic of current's ioc on @cfqd, created if missing; called before queue_lock.
  /// Returns with one ioc reference (the request's), or nullptr.
  virtual cfq_io_context* cfq_get_io_context(cfq_data* cfqd, Gfp gfp) = 0;
  /// B.5 / C.6: detach @task's ioc and drop the task's reference. No lock held.
  virtual void exit_io_context(task_struct* task) = 0;
  /// B.6 S1..S8 / C.7 S1'..S3' (S0 is done by sys_ioprio_set). @ioprio_word is the versioned
  /// word of ioprio.hpp. Returns 0 or -kENOMEM.
  virtual int set_task_ioprio(task_struct* task, std::uint64_t ioprio_word) = 0;
  /// B.7 / C.8: give @child (not yet running) its io_context at fork.
  virtual int copy_io(unsigned long clone_flags, task_struct* child) = 0;
  /// B.9 / C.10 / G.1 blkio attach: mark @task's ioc as having changed cgroup.
  virtual void blkio_attach(task_struct* task) = 0;
  /// B.9 can_attach (unchanged in every version): -kEINVAL if @task's ioc is shared.
  int blkio_can_attach(task_struct* task);

  /// B.4 = C.5: drop a reference; the last one frees the cics (P3) and the ioc (P4).
  void put_io_context(io_context* ioc);
  /// D.9 get_task_ioprio (fs/ioprio.c, both versions): two unlocked loads of p->io_context.
  int get_task_ioprio(task_struct* p);
  /// A.2 ioc_task_link (CLONE_IO): refcount inc_not_zero, then nr_tasks++.
  io_context* ioc_task_link(io_context* ioc);

protected:
  /// E1..E7 / EX1..EX7 with the version's labels (labels[i] names step i+1).
  void exit_io_context_steps(task_struct* task, const char* const labels[7], const char* func);
  /// Q5/Q6 of B.8 (unchanged in C.9): the ioc-wide flags, read then cleared after the walk.
  virtual void cfq_ioc_check_changed(io_context* ioc, cfq_io_context* cic);

  Kernel& k_;
};

std::unique_ptr<IocApi> make_ioc_api(Kernel& k, IocApiVersion v);

constexpr int kENOMEM = 12;
constexpr int kEINVAL = 22;
constexpr int kEPERM = 1;
constexpr int kEEXIST = 17;
constexpr int kESRCH = 3;

} // namespace iosim::kernel
