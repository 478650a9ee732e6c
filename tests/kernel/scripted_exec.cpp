// Scripted Exec: baton passing between one thread per simulated task and the test thread.
#include "scripted_exec.hpp"

namespace iosim::kernel::test {

thread_local task_struct* ScriptedExec::tls_current_ = nullptr;
thread_local ScriptedExec::Actor* ScriptedExec::tls_actor_ = nullptr;

void ScriptedExec::spawn(task_struct* t, std::function<void()> body)
{
  auto a = std::make_unique<Actor>();
  a->task = t;
  a->body = std::move(body);
  Actor* raw = a.get();
  actors_.push_back(std::move(a));
  raw->thread = std::thread(&ScriptedExec::thread_main, this, raw);
}

ScriptedExec::Actor& ScriptedExec::actor_of(task_struct* t)
{
  for (auto& a : actors_)
    if (a->task == t && !a->finished)
      return *a;
  for (auto& a : actors_)
    if (a->task == t)
      return *a;
  throw ModelBug("ScriptedExec: no body spawned for this task");
}

void ScriptedExec::thread_main(Actor* a)
{
  {
    std::unique_lock<std::mutex> lk(m_);
    cv_.wait(lk, [&] { return a->go || aborting_; });
    a->go = false;
    if (aborting_) {
      a->finished = true;
      cv_.notify_all();
      return;
    }
    a->started = true;
  }
  tls_current_ = a->task;
  tls_actor_ = a;
  try {
    a->body();
  } catch (const Abort&) {
  } catch (...) {
    a->error = std::current_exception();
  }
  std::lock_guard<std::mutex> lk(m_);
  a->finished = true;
  a->parked = false;
  cv_.notify_all();
}

void ScriptedExec::yield(const StepId& id)
{
  Actor* a = tls_actor_;
  std::unique_lock<std::mutex> lk(m_);
  now_ += step_base_cost_ns(id.kind);
  a->at = id;
  a->parked = true;
  cv_.notify_all();
  cv_.wait(lk, [&] { return a->go || aborting_; });
  a->go = false;
  a->parked = false;
  if (aborting_)
    throw Abort{};
}

void ScriptedExec::resume(Actor& a)
{
  std::unique_lock<std::mutex> lk(m_);
  a.go = true;
  cv_.notify_all();
  cv_.wait(lk, [&] { return !a.go && (a.parked || a.finished); });
}

ScriptedExec::Stop ScriptedExec::run_until(task_struct* t, const std::string& label, int nth)
{
  Actor& a = actor_of(t);
  int seen = 0;
  if (a.parked && label == a.at.label && ++seen == nth)
    return Stop::at_label;
  for (std::size_t n = 0; n < max_steps; ++n) {
    if (a.finished)
      return Stop::finished;
    resume(a);
    if (a.error) {
      std::exception_ptr e = a.error;
      a.error = nullptr;
      std::rethrow_exception(e);
    }
    if (a.finished)
      return Stop::finished;
    if (a.at.kind == StepKind::spin)
      return Stop::blocked;
    if (label == a.at.label && ++seen == nth)
      return Stop::at_label;
  }
  return Stop::limit;
}

std::string ScriptedExec::parked_at(task_struct* t)
{
  Actor& a = actor_of(t);
  return a.parked ? a.at.label : "";
}

bool ScriptedExec::finished(task_struct* t) { return actor_of(t).finished; }

void ScriptedExec::shutdown()
{
  {
    std::lock_guard<std::mutex> lk(m_);
    aborting_ = true;
    cv_.notify_all();
  }
  for (auto& a : actors_)
    if (a->thread.joinable())
      a->thread.join();
}

} // namespace iosim::kernel::test
