// Simulated time helpers over SimGrid's clock, and the cost of a CPU step.
#include "sim/config/input_error.hpp"
#include "sim/engine/world.hpp"

#include <cmath>

namespace iosim
{

uint64_t now_ns() { return uint64_t(std::llround(sg4::Engine::get_clock() * 1e9)); }

void sleep_until_ns(World& w, uint64_t t_ns)
{
  uint64_t now = now_ns();
  if (t_ns <= now) return;
  w.wakeups++;
  sg4::this_actor::sleep_for(double(t_ns - now) / 1e9);
}

void wait_until_ns(World& w, const sg4::SemaphorePtr& s, uint64_t t_ns)
{
  w.wakeups++;
  if (t_ns == UINT64_MAX) {
    s->acquire();
    return;
  }
  uint64_t now = now_ns();
  if (t_ns <= now) {
    if (!s->would_block()) s->acquire();
    return;
  }
  s->acquire_timeout(double(t_ns - now) / 1e9);
}

void cpu_step(World& w, TaskRt& t, StepKind kind)
{
  static const double base_ns[] = {10, 50, 200}; // load/store, lock, allocation (architecture doc)
  double jitter = w.sc.kernel.step_jitter_ns ? t.rng.exponential(double(w.sc.kernel.step_jitter_ns)) : 0.0;
  uint64_t d    = uint64_t(std::llround(base_ns[int(kind)] + jitter));
  sleep_until_ns(w, now_ns() + std::max<uint64_t>(d, 1));
}

void guarded(const char* what, const std::function<void()>& body)
{
  try {
    body();
  } catch (const simgrid::ForcefulKillException&) {
    throw;
  } catch (const std::exception& e) {
    internal_error(__FILE__, __LINE__, std::string(what) + ": " + e.what());
  } catch (...) {
    internal_error(__FILE__, __LINE__, std::string(what) + ": unknown exception");
  }
}

} // namespace iosim
