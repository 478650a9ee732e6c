// SimExec: kernel steps in simulated time (see sim_exec.hpp).
#include "sim/engine/sim_exec.hpp"

#include "kernel/task.hpp"
#include "sim/engine/world.hpp"

#include <cmath>

namespace iosim
{

std::uint64_t SimExec::now_ns() const { return iosim::now_ns(); }

kernel::task_struct* SimExec::current() const
{
  size_t pid = running_actor();
  return pid < by_actor_.size() ? by_actor_[pid] : nullptr;
}

void SimExec::bind_current(kernel::task_struct* t)
{
  auto pid = size_t(sg4::this_actor::get_pid());
  if (pid >= by_actor_.size()) by_actor_.resize(pid + 1, nullptr);
  by_actor_[pid] = t;
}

void SimExec::yield(const kernel::StepId& id)
{
  kernel::task_struct* t = current();
  if (!t) return;
  double jitter = jitter_mean_ns_ > 0 ? t->rng.exponential(jitter_mean_ns_) : 0.0;
  uint64_t cost = std::max<uint64_t>(1, uint64_t(std::llround(double(kernel::step_base_cost_ns(id.kind)) + jitter)));
  if (w_.record_events)
    w_.log_event({{"t_ns", iosim::now_ns()},
                  {"ev", "step"},
                  {"pid", t->pid},
                  {"label", id.label},
                  {"func", id.func},
                  {"kind", kernel::step_kind_name(id.kind)},
                  {"cost_ns", cost}});
  step_sleep(w_, cost);
}

} // namespace iosim
