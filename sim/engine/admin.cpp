// The admin task: performs the config's timed lifecycle events at their times. Fork and exit
// are done by the task itself (posted to it); ioprio_set is done by its caller (`by`, or this
// admin task, uid 0 with CAP_SYS_NICE); cgroup moves are written by the admin task.
#include "kernel/ioc_api.hpp"
#include "sim/engine/world.hpp"

#include <algorithm>

namespace iosim
{

int World::cgroup_index(const std::string& name) const { return int(sc.cgroup(name) - &sc.cgroups[0]); }

TaskRt* World::find_task(const std::string& name)
{
  auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : tasks[size_t(it->second)].get();
}

void World::log_event(const nlohmann::json& line)
{
  out.events_jsonl += line.dump();
  out.events_jsonl += '\n';
}

namespace
{

size_t record(World& w, const EventSpec& e, const std::string& detail)
{
  w.out.events.push_back({now_ns(), to_string(e.type), e.task, detail, "pending"});
  return w.out.events.size() - 1;
}

// The event took effect (or failed) now: time it and log it.
void finish(World& w, size_t rec, const std::string& result)
{
  EventResult& ev = w.out.events[rec];
  ev.at_ns        = now_ns();
  ev.result       = result;
  if (w.record_events)
    w.log_event({{"t_ns", ev.at_ns}, {"ev", ev.type}, {"task", ev.task}, {"detail", ev.detail}, {"result", result}});
}

std::string errno_name(int err)
{
  switch (-err) {
  case 0:
    return "ok";
  case kernel::kEPERM:
    return "EPERM";
  case kernel::kEINVAL:
    return "EINVAL";
  case kernel::kENOMEM:
    return "ENOMEM";
  case kernel::kESRCH:
    return "ESRCH";
  default:
    return "E" + std::to_string(-err);
  }
}

// ioprio_set(IOPRIO_WHO_PROCESS, pid) by the current task: the kernel model's sys_ioprio_set
// (argument and capability checks, B.6 S0, then set_task_ioprio of the configured API). The
// target is found until it is reaped, so an exiting task can still be reached (D.3).
std::string do_ioprio_set(World& w, const EventSpec& e)
{
  TaskRt* target = w.find_task(e.task);
  if (!target || target->reaped) return "ESRCH";
  int data = e.ioprio.cls == IoprioClass::rt || e.ioprio.cls == IoprioClass::be ? e.ioprio.level : 0;
  int err  = kernel::sys_ioprio_set(*w.k, target->kt, kernel::IOPRIO_PRIO_VALUE(int(e.ioprio.cls), data));
  // What the tasks should now run with: the ioprio lives in the io_context (B.6), so every task
  // sharing it through CLONE_IO gets it too (whether the kernel really applied it is the
  // oracle's ioprio_lost).
  if (!err) {
    TaskRt& owner       = *w.tasks[size_t(target->io_group < 0 ? target->index : target->io_group)];
    w.res(owner).ioprio = e.ioprio;
    for (int i : owner.io_sharers)
      w.res(*w.tasks[size_t(i)]).ioprio = e.ioprio;
  }
  return errno_name(err);
}

// ioprio_get(IOPRIO_WHO_PROCESS, pid) by the current task: get_task_ioprio reads the target's
// io_context and its ioprio under rcu_read_lock only (spec D.9: racing the target's exit it can
// read a freed ioc). The result names the class and level the kernel returned.
std::string do_ioprio_get(World& w, const EventSpec& e)
{
  TaskRt* target = w.find_task(e.task);
  if (!target || target->reaped) return "ESRCH";
  int v = kernel::sys_ioprio_get(*w.k, target->kt);
  if (v < 0) return errno_name(v);
  static const char* cls[] = {"none", "rt", "be", "idle"};
  int c                    = (v >> kernel::IOPRIO_CLASS_SHIFT) & 3;
  return std::string("ok: ") + cls[c] + "/" + std::to_string(v & kernel::IOPRIO_PRIO_MASK);
}

// Hands an operation to the task that performs it; ESRCH if that task is gone.
void post(World& w, TaskRt* t, size_t rec, std::function<void(TaskRt&)> op)
{
  if (!t || t->exited) {
    finish(w, rec, "ESRCH");
    return;
  }
  t->posted.push_back(std::move(op));
  post(w, t->wake);
}

// The parent forks (copy_process with copy_io, spec B.7/C.8): the child runs the parent's job in
// the parent's cgroup, with its ioprio (inherited across fork, A.5), until the parent's stop time.
void do_fork_event(World& w, const EventSpec& e, size_t rec, TaskRt& parent)
{
  int err                 = 0;
  kernel::task_struct* kt = kernel::do_fork(*w.k, e.clone_io ? kernel::kCLONE_IO : 0, e.child, &err);
  if (!kt) {
    finish(w, rec, errno_name(err ? err : -kernel::kENOMEM));
    return;
  }
  w.out.pid_names[kt->pid] = e.child;
  TaskSpec child           = parent.spec;
  child.count              = 1;
  child.cgroup             = w.sc.cgroups[size_t(w.res(parent).cgroup)].name;
  child.ioprio             = w.res(parent).ioprio;
  TaskRt& c                = create_task(w, child, e.child, now_ns(), kt, true);
  c.stop_ns                = parent.stop_ns;
  if (e.clone_io) {
    c.io_group = parent.io_group < 0 ? parent.index : parent.io_group;
    w.tasks[size_t(c.io_group)]->io_sharers.push_back(c.index);
  }
  finish(w, rec, "ok");
}

} // namespace

// Every occurrence of every event, in time order (ties: config order, then occurrence order).
// A repeated event (every_us) occurs at at_ms + k * every_us for as long as that is before
// until_ms.
static std::vector<std::pair<uint64_t, const EventSpec*>> occurrences(const World& w)
{
  std::vector<std::pair<uint64_t, const EventSpec*>> occ;
  for (const EventSpec& e : w.events) { // config events and the generators' draws (at_ns)
    uint64_t at = e.at_ns;
    occ.emplace_back(at, &e);
    if (!e.every_us) continue;
    for (uint64_t t = at + e.every_us * 1000; t < e.until_ms * 1000000; t += e.every_us * 1000)
      occ.emplace_back(t, &e);
  }
  std::stable_sort(occ.begin(), occ.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return occ;
}

void admin_main(World& w)
{
  for (const auto& [at_ns, ep] : occurrences(w)) {
    const EventSpec& e = *ep;
    sleep_until_ns(w, at_ns);
    switch (e.type) {
    case EventType::exit: {
      size_t rec = record(w, e, "");
      post(w, w.find_task(e.task), rec, [&w, rec](TaskRt& t) {
        t.exit_requested = true;
        finish(w, rec, "ok");
      });
      break;
    }
    case EventType::fork: {
      size_t rec = record(w, e, e.child + (e.clone_io ? " (CLONE_IO)" : ""));
      post(w, w.find_task(e.task), rec, [&w, &e, rec](TaskRt& parent) { do_fork_event(w, e, rec, parent); });
      break;
    }
    case EventType::ioprio_set: {
      bool leveled     = e.ioprio.cls == IoprioClass::rt || e.ioprio.cls == IoprioClass::be;
      std::string prio = std::string(to_string(e.ioprio.cls)) + (leveled ? "/" + std::to_string(e.ioprio.level) : "");
      size_t rec       = record(w, e, prio + " by " + e.by);
      if (e.by == "admin")
        finish(w, rec, do_ioprio_set(w, e));
      else
        post(w, w.find_task(e.by), rec, [&w, &e, rec](TaskRt&) { finish(w, rec, do_ioprio_set(w, e)); });
      break;
    }
    case EventType::ioprio_get: {
      size_t rec = record(w, e, "by " + e.by);
      if (e.by == "admin")
        finish(w, rec, do_ioprio_get(w, e));
      else
        post(w, w.find_task(e.by), rec, [&w, &e, rec](TaskRt&) { finish(w, rec, do_ioprio_get(w, e)); });
      break;
    }
    case EventType::cgroup_move: {
      size_t rec = record(w, e, e.cgroup);
      TaskRt* t  = w.find_task(e.task);
      if (!t || t->reaped) {
        finish(w, rec, "ESRCH");
        break;
      }
      // Writing the pid into the cgroup's tasks file: can_attach, migrate, attach (B.9, C.10, G.1).
      int err = kernel::cgroup_attach_task(*w.k, t->kt, w.cgroup_index(e.cgroup));
      if (!err) w.res(*t).cgroup = w.cgroup_index(e.cgroup);
      finish(w, rec, errno_name(err));
      break;
    }
    }
  }
}

} // namespace iosim
