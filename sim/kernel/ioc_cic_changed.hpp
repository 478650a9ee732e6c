// cic_changed ioc API: FIXED (6e736be7) plus dc86900e (spec G.1): per-cic change bits set under
// ioc->lock, consumed with test_and_clear_bit before the change is applied.
#pragma once

#include "ioc_fixed.hpp"

namespace iosim::kernel {

class CicChangedIoc : public FixedIoc {
public:
  using FixedIoc::FixedIoc;
  IocApiVersion version() const override { return IocApiVersion::cic_changed; }

  int set_task_ioprio(task_struct* task, std::uint64_t ioprio_word) override; // G.1
  void blkio_attach(task_struct* task) override;                              // G.1
  void ioc_ioprio_changed(io_context* ioc, std::uint64_t ioprio_word);        // G.1
  void ioc_cgroup_changed(io_context* ioc);                                   // G.1

protected:
  void cfq_ioc_check_changed(io_context* ioc, cfq_io_context* cic) override;

private:
  void ioc_set_changed(io_context* ioc, unsigned bit, const char* func);
};

} // namespace iosim::kernel
