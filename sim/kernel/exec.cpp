// Execution interface: the parts common to every implementation (architecture.md "How races
// happen in the simulation").
#include "exec.hpp"

#include <cmath>

#include "task.hpp"

namespace iosim::kernel {

const char* step_kind_name(StepKind kind)
{
  switch (kind) {
    case StepKind::compute: return "compute";
    case StepKind::load: return "load";
    case StepKind::store: return "store";
    case StepKind::rmw: return "rmw";
    case StepKind::barrier: return "barrier";
    case StepKind::lock: return "lock";
    case StepKind::unlock: return "unlock";
    case StepKind::alloc: return "alloc";
    case StepKind::free: return "free";
    case StepKind::spin: return "spin";
  }
  return "?";
}

std::uint64_t step_base_cost_ns(StepKind kind)
{
  switch (kind) {
    case StepKind::lock:
    case StepKind::unlock:
    case StepKind::spin: return 50;
    case StepKind::alloc:
    case StepKind::free: return 200;
    case StepKind::rmw: return 20;
    default: return 10;
  }
}

static std::uint64_t splitmix64(std::uint64_t& x)
{
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Rng::Rng(std::uint64_t seed)
{
  s_[0] = splitmix64(seed);
  s_[1] = splitmix64(seed);
}

std::uint64_t Rng::next()
{ // xorshift128+
  std::uint64_t a = s_[0];
  const std::uint64_t b = s_[1];
  s_[0] = b;
  a ^= a << 23;
  s_[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
  return s_[1] + b;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Rng::exponential(double mean) { return mean <= 0 ? 0.0 : -mean * std::log1p(-uniform()); }

bool Rng::bernoulli(double p) { return p > 0 && uniform() < p; }

void Exec::step(const StepId& id)
{
  task_struct* t = current();
  if (!t)
    return;
  // The step's effect happens when the task resumes: record it then, so that traces and
  // store visibility follow the order in which effects took place.
  yield(id);
  if (observer_)
    observer_->on_step(t, id);
}

void Exec::spin(SpinLock&, const StepId& id) { yield(id); }

void Exec::lock(SpinLock& l, const char* label, const char* func)
{
  task_struct* t = current();
  if (t && l.owner == t)
    throw ModelBug(std::string("recursive locking of ") + l.name + " at " + label);
  step({label, StepKind::lock, func});
  while (l.owner) {
    if (!t)
      throw ModelBug(std::string("setup code would spin on ") + l.name);
    spin(l, {label, StepKind::spin, func});
  }
  l.owner = t;
}

void Exec::unlock(SpinLock& l, const char* label, const char* func)
{
  task_struct* t = current();
  if (l.owner != t)
    throw ModelBug(std::string("unlock of ") + l.name + " by a task that does not hold it at " + label);
  step({label, StepKind::unlock, func});
  if (observer_)
    observer_->on_release(t, l);
  l.owner = nullptr;
}

void Exec::assert_held(const SpinLock& l) const
{
  if (l.owner != current())
    throw ModelBug(std::string("lock ") + l.name + " not held by the current task");
}

Rng& Exec::rng()
{
  task_struct* t = current();
  if (!t)
    throw ModelBug("Exec::rng() outside any task");
  return t->rng;
}

std::uint64_t Exec::visibility_delay_ns()
{
  return static_cast<std::uint64_t>(rng().exponential(store_delay_mean_ns_)) + 1;
}

} // namespace iosim::kernel
