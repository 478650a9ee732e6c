// Test fixture: a Kernel on a ScriptedExec with one or two CFQ devices, helpers to build tasks
// with scripted bodies, and accessors for what the spec's consequences name.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "cfq.hpp"
#include "ioc_api.hpp"
#include "ioprio.hpp"
#include "kernel.hpp"
#include "process.hpp"
#include "scripted_exec.hpp"

namespace iosim::kernel::test
{

using Stop = ScriptedExec::Stop;

struct World {
  explicit World(IocApiVersion api, MemoryModel mm = MemoryModel::sc, unsigned retry_bound = 1000)
  {
    KernelConfig cfg;
    cfg.ioc_api      = api;
    cfg.memory_model = mm;
    cfg.retry_bound  = retry_bound;
    exec             = std::make_unique<ScriptedExec>();
    k                = std::make_unique<Kernel>(*exec, cfg);
    sda              = cfq_init_queue(*k, "sda");
    sdb              = cfq_init_queue(*k, "sdb");
  }
  ~World() { exec->shutdown(); }

  task_struct* task(const std::string& name, TaskParams p = {})
  {
    p.comm = name;
    return create_task(*k, p);
  }
  void spawn(task_struct* t, std::function<void()> body) { exec->spawn(t, std::move(body)); }
  Stop run_until(task_struct* t, const std::string& label, int nth = 1) { return exec->run_until(t, label, nth); }
  Stop run_to_end(task_struct* t) { return exec->run_to_end(t); }
  /// A marker step a body can park at (run_until(t, name)).
  void mark(const char* name) { exec->step({name, StepKind::compute, "test"}); }

  /// Committed io_context of @t (0 = NULL).
  std::uint64_t ioc_id(task_struct* t) const { return k->mem.committed(t->io_context); }
  io_context* ioc_of(task_struct* t) const { return dynamic_cast<io_context*>(k->reg.slot_of(ioc_id(t))); }
  std::int64_t refcount(io_context* ioc) const { return static_cast<std::int64_t>(k->mem.committed(ioc->refcount)); }
  std::int64_t nr_tasks(io_context* ioc) const { return static_cast<std::int64_t>(k->mem.committed(ioc->nr_tasks)); }
  bool live(std::uint64_t id) const { return k->reg.is_live(id); }
  std::uint64_t count(Kind kind) const { return k->oracle.count(kind); }
  std::size_t count_for(Kind kind, std::uint64_t id) const { return k->oracle.count_for(kind, id); }
  /// The cic of @ioc on @cfqd (radix entry), or nullptr.
  cfq_io_context* cic_of(io_context* ioc, cfq_data* cfqd) const
  {
    auto it = ioc->radix.find(static_cast<std::uint64_t>(cfqd->id));
    return it == ioc->radix.end() ? nullptr : dynamic_cast<cfq_io_context*>(k->reg.slot_of(it->second));
  }
  /// Submit one request and complete it at once (the task's "I/O" in setup phases).
  void io(cfq_data* cfqd, bool sync)
  {
    request* rq = submit_io(*k, cfqd, sync);
    if (rq) complete_io(*k, rq);
  }
  /// Run a whole body as a fresh helper task to completion (setup phases, admin actions).
  /// Let @t finish (it must end), reap it and run the quiescence checks (ioc_leaked).
  void finish_and_settle(task_struct* t)
  {
    ASSERT_EQ(run_to_end(t), Stop::finished);
    release_task(*k, t);
    k->check_quiescence();
  }

  void run_as(task_struct* t, std::function<void()> body)
  {
    spawn(t, std::move(body));
    ASSERT_EQ(run_to_end(t), Stop::finished);
  }

  std::unique_ptr<ScriptedExec> exec;
  std::unique_ptr<Kernel> k;
  cfq_data* sda = nullptr;
  cfq_data* sdb = nullptr;
};

constexpr int BE(int level) { return IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, level); }
constexpr int RT(int level) { return IOPRIO_PRIO_VALUE(IOPRIO_CLASS_RT, level); }

} // namespace iosim::kernel::test
