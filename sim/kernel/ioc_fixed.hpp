// FIXED ioc API: exactly the tree at 6e736be7 (spec C.1-C.10), including the G.5 regression
// (PF_EXITING blocks all creation) and the D.3b residual window.
#pragma once

#include "ioc_api.hpp"

namespace iosim::kernel {

class FixedIoc : public IocApi {
public:
  using IocApi::IocApi;
  IocApiVersion version() const override { return IocApiVersion::fixed; }

  void get_io_context(io_context* ioc);                                           // C.1
  io_context* create_task_io_context(task_struct* task, Gfp gfp, bool take_ref);  // C.2
  io_context* current_io_context(Gfp gfp) override;                               // C.3
  io_context* get_task_io_context(task_struct* task, Gfp gfp);                    // C.4
  void exit_io_context(task_struct* task) override;                               // C.6
  int set_task_ioprio(task_struct* task, std::uint64_t ioprio_word) override;     // C.7
  int copy_io(unsigned long clone_flags, task_struct* child) override;            // C.8
  cfq_io_context* cfq_get_io_context(cfq_data* cfqd, Gfp gfp) override;           // C.9
  void blkio_attach(task_struct* task) override;                                  // C.10

  /// EX0 WARN_ON_ONCE count (fires on the fork error path, G.6).
  unsigned ex0_warnings() const { return ex0_warnings_; }

private:
  unsigned ex0_warnings_ = 0;
};

} // namespace iosim::kernel
