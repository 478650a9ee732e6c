// Execution interface that every kernel-model path is written against
// (architecture.md "How races happen in the simulation"): numbered spec steps are separated by
// preemption points, simulated spinlocks, a clock and a per-task random stream.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace iosim::kernel {

struct task_struct;

/// What a step does; the SimGrid implementation charges a base cost per kind.
enum class StepKind : std::uint8_t { compute, load, store, rmw, barrier, lock, unlock, alloc, free, spin };
const char* step_kind_name(StepKind kind);
/// Suggested base cost of a step kind in ns (load/store ~10, lock ~50, alloc ~200).
std::uint64_t step_base_cost_ns(StepKind kind);

/// One numbered spec step: label is the spec id ("C1", "CR5", "S6"), func the kernel function.
struct StepId {
  const char* label;
  StepKind kind;
  const char* func = "";
};

/// A violated invariant of iosim itself (recursive locking, unlock by a non-owner, misuse of the
/// interface). Modelled kernel bugs never throw: they are recorded by the oracle.
class ModelBug : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

/// Small deterministic random stream (splitmix64-seeded xorshift); one per task.
class Rng {
public:
  explicit Rng(std::uint64_t seed = 1);
  std::uint64_t next();
  double uniform();                    ///< in [0, 1)
  double exponential(double mean);     ///< mean 0 gives 0
  bool bernoulli(double p);

private:
  std::uint64_t s_[2];
};

/// A simulated spinlock. Ownership lives here (coherent); whether the lock word was initialised
/// is checked by the kernel context through the memory model (D.4(c)).
struct SpinLock {
  explicit SpinLock(const char* n) : name(n) {}
  const char* name;
  task_struct* owner = nullptr;
};

/// Told about every step and lock release; the kernel context installs one (trace, memory
/// visibility, RCU grace periods, per-step checks).
class ExecObserver {
public:
  virtual ~ExecObserver() = default;
  virtual void on_step(task_struct* task, const StepId& id) = 0;
  virtual void on_release(task_struct* task, SpinLock& lock) = 0;
};

/// Store that never becomes visible by itself (the scripted Exec drains on command).
constexpr std::uint64_t kNeverVisible = UINT64_MAX;

class Exec {
public:
  virtual ~Exec() = default;

  /// Preemption point before step @id of the current task. Outside any task (setup code on the
  /// controlling thread) it does nothing.
  void step(const StepId& id);
  /// Acquire @l (a step of kind lock; spins with steps of kind spin while another task holds it).
  /// Throws ModelBug on recursive locking.
  void lock(SpinLock& l, const char* label, const char* func = "");
  /// Release @l (a step of kind unlock). Throws ModelBug if the current task does not own it.
  void unlock(SpinLock& l, const char* label, const char* func = "");
  /// Throws ModelBug unless the current task holds @l (style.md: each step begins with assert_held).
  void assert_held(const SpinLock& l) const;

  virtual std::uint64_t now_ns() const = 0;
  /// The simulated task this call runs on, or nullptr outside any task.
  virtual task_struct* current() const = 0;
  /// The current task's own random stream.
  virtual Rng& rng();
  /// Delay after which a buffered store becomes visible to others (tso/weak), drawn from the
  /// task's stream; kNeverVisible keeps it buffered until a barrier or an explicit drain.
  virtual std::uint64_t visibility_delay_ns();

  void set_observer(ExecObserver* o) { observer_ = o; }
  void set_store_delay_mean_ns(double mean) { store_delay_mean_ns_ = mean; }

protected:
  /// The implementation's preemption: SimGrid sleeps for the step cost, the scripted Exec
  /// passes the baton back to the test.
  virtual void yield(const StepId& id) = 0;
  /// Called while waiting for a lock held by another task; by default one more preemption.
  virtual void spin(SpinLock& l, const StepId& id);

private:
  ExecObserver* observer_ = nullptr;
  double store_delay_mean_ns_ = 200.0;
};

} // namespace iosim::kernel
