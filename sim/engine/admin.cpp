// The admin task: performs the config's timed lifecycle events at their times. Fork and exit
// are done by the task itself (posted to it); ioprio_set is done by its caller (`by`, or this
// admin task, uid 0 with CAP_SYS_NICE); cgroup moves are written by the admin task.
#include "sim/engine/world.hpp"

namespace iosim
{

int World::cgroup_index(const std::string& name) const { return int(sc.cgroup(name) - &sc.cgroups[0]); }

TaskRt* World::find_task(const std::string& name)
{
  for (size_t i = 0; i < out.tasks.size(); ++i)
    if (out.tasks[i].name == name && !tasks[i]->flusher) return tasks[i].get();
  return nullptr;
}

void World::log_event(const nlohmann::json& line)
{
  out.events_jsonl += line.dump();
  out.events_jsonl += '\n';
}

namespace
{

struct Caller {
  int uid, euid;
  bool cap_sys_nice, cap_sys_admin;
};

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

// sys_ioprio_set(IOPRIO_WHO_PROCESS): the class check, then spec B.6 S0's permission check.
std::string do_ioprio_set(World& w, const Caller& c, const EventSpec& e)
{
  TaskRt* target = w.find_task(e.task);
  if (!target || target->exited) return "ESRCH";
  if (e.ioprio.cls == IoprioClass::rt && !c.cap_sys_admin) return "EPERM";
  if (target->uid != c.euid && target->uid != c.uid && !c.cap_sys_nice) return "EPERM";
  w.res(*target).ioprio = e.ioprio;
  return "ok";
}

// Hands an operation to the task that performs it; ESRCH if that task is gone.
void post(World& w, TaskRt* t, size_t rec, std::function<void(TaskRt&)> op)
{
  if (!t || t->exited) {
    finish(w, rec, "ESRCH");
    return;
  }
  t->posted.push_back(std::move(op));
  t->wake->release();
}

} // namespace

void admin_main(World& w)
{
  const Caller root{0, 0, true, true};
  for (const EventSpec& e : w.sc.events) {
    sleep_until_ns(w, e.at_ms * 1000000);
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
      post(w, w.find_task(e.task), rec, [&w, &e, rec](TaskRt& parent) {
        TaskSpec child = parent.spec;
        child.count    = 1;
        child.cgroup   = w.sc.cgroups[size_t(w.res(parent).cgroup)].name;
        child.ioprio   = w.res(parent).ioprio; // inherited across fork (A.5)
        TaskRt& c      = create_task(w, child, e.child, now_ns());
        c.stop_ns      = parent.stop_ns;
        finish(w, rec, "ok");
      });
      break;
    }
    case EventType::ioprio_set: {
      bool leveled     = e.ioprio.cls == IoprioClass::rt || e.ioprio.cls == IoprioClass::be;
      std::string prio = std::string(to_string(e.ioprio.cls)) + (leveled ? "/" + std::to_string(e.ioprio.level) : "");
      size_t rec       = record(w, e, prio + " by " + e.by);
      if (e.by == "admin") {
        finish(w, rec, do_ioprio_set(w, root, e));
      } else {
        post(w, w.find_task(e.by), rec, [&w, &e, rec](TaskRt& caller) {
          Caller c{caller.uid, caller.euid, caller.cap_sys_nice || caller.euid == 0, caller.euid == 0};
          finish(w, rec, do_ioprio_set(w, c, e));
        });
      }
      break;
    }
    case EventType::cgroup_move: {
      size_t rec = record(w, e, e.cgroup);
      TaskRt* t  = w.find_task(e.task);
      if (!t || t->exited) {
        finish(w, rec, "ESRCH");
        break;
      }
      w.res(*t).cgroup = w.cgroup_index(e.cgroup);
      finish(w, rec, "ok");
      break;
    }
    }
  }
}

} // namespace iosim
