// LEGACY ioc API: block/blk-ioc.c at 42ec57a8 with the v3.0-v3.2 fs/ioprio.c, kernel/fork.c and
// blk-cgroup.c callers (spec B.1-B.9).
#pragma once

#include "ioc_api.hpp"

namespace iosim::kernel {

class LegacyIoc : public IocApi {
public:
  using IocApi::IocApi;
  IocApiVersion version() const override { return IocApiVersion::legacy; }

  io_context* alloc_io_context(Gfp gfp);                                  // B.1
  io_context* current_io_context(Gfp gfp) override;                       // B.2
  io_context* get_io_context(Gfp gfp);                                    // B.3
  void exit_io_context(task_struct* task) override;                       // B.5
  int set_task_ioprio(task_struct* task, std::uint64_t ioprio_word) override; // B.6
  int copy_io(unsigned long clone_flags, task_struct* child) override;    // B.7
  cfq_io_context* cfq_get_io_context(cfq_data* cfqd, Gfp gfp) override;   // B.8
  void blkio_attach(task_struct* task) override;                          // B.9
};

} // namespace iosim::kernel
