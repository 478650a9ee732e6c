// Test implementation of the kernel model's Exec: each simulated task runs on its own
// std::thread and a baton is passed in the order the test scripts, so spec section D
// interleavings become deterministic unit tests (architecture.md "How races happen").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exec.hpp"

namespace iosim::kernel::test {

class ScriptedExec : public Exec {
public:
  /// Why run_until returned.
  enum class Stop { at_label, finished, blocked, limit };

  ScriptedExec() = default;
  ~ScriptedExec() override { shutdown(); }

  /// Register @body to run as task @t; it starts on the first run_until.
  void spawn(task_struct* t, std::function<void()> body);
  /// Run @t until it is parked before the @nth step labelled @label (counting a current park),
  /// until it finishes, or until it spins on a lock held by another task (blocked).
  Stop run_until(task_struct* t, const std::string& label, int nth = 1);
  Stop run_to_end(task_struct* t) { return run_until(t, "\x01(end)"); }
  /// Label of the step @t is parked before ("" if not started or finished).
  std::string parked_at(task_struct* t);
  bool finished(task_struct* t);
  /// Unwind every unfinished task (kernel state must still exist) and join the threads.
  void shutdown();

  std::uint64_t now_ns() const override { return now_; }
  task_struct* current() const override { return tls_current_; }
  /// Stores stay buffered (tso/weak) until a barrier, a lock release or Memory::drain.
  std::uint64_t visibility_delay_ns() override { return kNeverVisible; }
  std::size_t max_steps = 1000000;

protected:
  void yield(const StepId& id) override;

private:
  struct Abort {};
  struct Actor {
    task_struct* task = nullptr;
    std::function<void()> body;
    std::thread thread;
    bool go = false, parked = false, finished = false, started = false;
    StepId at{"", StepKind::compute, ""};
    std::exception_ptr error;
  };
  Actor& actor_of(task_struct* t);
  void resume(Actor& a);
  void thread_main(Actor* a);

  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Actor>> actors_;
  bool aborting_ = false;
  std::uint64_t now_ = 0;
  static thread_local task_struct* tls_current_;
  static thread_local Actor* tls_actor_;
};

} // namespace iosim::kernel::test
