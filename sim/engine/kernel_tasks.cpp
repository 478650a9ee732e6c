// Kernel tasks of the engine: creating them in the kernel model, running an actor as one,
// their exit path, and the settle point where the oracle checks applied ioprio and cgroup changes.
#include "sim/engine/world.hpp"

namespace iosim
{

kernel::task_struct* new_kernel_task(World& w, const TaskSpec& spec, const std::string& name)
{
  kernel::TaskParams p;
  p.comm                   = name;
  p.nice                   = spec.nice;
  p.policy                 = spec.policy == SchedPolicy::fifo    ? kernel::SchedPolicy::fifo
                             : spec.policy == SchedPolicy::rr    ? kernel::SchedPolicy::rr
                             : spec.policy == SchedPolicy::batch ? kernel::SchedPolicy::batch
                             : spec.policy == SchedPolicy::idle  ? kernel::SchedPolicy::idle
                                                                 : kernel::SchedPolicy::normal;
  p.uid                    = unsigned(spec.uid);
  p.euid                   = unsigned(spec.euid);
  p.cap_sys_nice           = spec.cap_sys_nice || spec.euid == 0; // root has every capability
  p.cap_sys_admin          = spec.euid == 0;
  p.blkcg_id               = w.cgroup_index(spec.cgroup);
  kernel::task_struct* kt  = kernel::create_task(*w.k, p);
  w.out.pid_names[kt->pid] = name;
  return kt;
}

void start_actor(World& w, const std::string& name, kernel::task_struct* kt, std::function<void()> body)
{
  w.actors++;
  create_actor(w, name, [&w, kt, body = std::move(body)] {
    guarded(kt->comm.c_str(), [&] {
      w.exec->bind_current(kt);
      body();
    });
  });
}

void kernel_exit(World& w, kernel::task_struct* kt)
{
  kernel::do_exit(*w.k);
  kernel::release_task(*w.k, kt); // the parent reaps at once
}

bool try_settle(World& w)
{
  World::Settle& s = w.settle;
  if (s.done || s.arrived == 0 || s.arrived < w.live_tasks) return false;
  w.k->check_settled();
  s.done = true;
  for (; s.blocked > 0; --s.blocked)
    post(w, s.sem);
  return true;
}

void settle_arrive(World& w)
{
  World::Settle& s = w.settle;
  if (s.done) return;
  s.arrived++;
  if (try_settle(w)) return;
  s.blocked++;
  wait_until_ns(w, s.sem, UINT64_MAX);
}

} // namespace iosim
