// The SimGrid implementation of the kernel model's execution interface (architecture doc, "How
// races happen"): each step of a kernel path costs simulated time, the base cost of its kind
// plus exponential jitter from the task's own random stream, so paths that overlap in time
// interleave differently from seed to seed. Nothing decides "a race happens now".
#pragma once
#include "kernel/exec.hpp"

#include <simgrid/s4u.hpp>

#include <string>
#include <vector>

namespace iosim
{

struct World;

class SimExec : public kernel::Exec
{
 public:
  SimExec(World& w, double jitter_mean_ns) : w_(w), jitter_mean_ns_(jitter_mean_ns) {}
  std::uint64_t now_ns() const override;
  kernel::task_struct* current() const override;
  // Called first thing in an actor's body: from now on that actor runs as task `t`.
  void bind_current(kernel::task_struct* t);

 protected:
  void yield(const kernel::StepId& id) override;

 private:
  World& w_;
  double jitter_mean_ns_;
  // Indexed by actor pid (SimGrid gives pids 1, 2, 3... in creation order): current() runs at
  // every kernel step, a vector index is cheaper than the hash lookup it replaces (issue 7).
  std::vector<kernel::task_struct*> by_actor_;
};

} // namespace iosim
