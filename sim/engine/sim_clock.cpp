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
  w.sleeps++;
  sg4::this_actor::sleep_for(double(t_ns - now) / 1e9);
}

void wait_until_ns(World& w, const sg4::SemaphorePtr& s, uint64_t t_ns)
{
  w.wakeups++;
  if (t_ns == UINT64_MAX) {
    w.waits++;
    s->acquire();
    return;
  }
  uint64_t now = now_ns();
  if (t_ns <= now) {
    if (!s->would_block()) {
      w.waits++;
      s->acquire();
    }
    return;
  }
  w.timed_waits++;
  s->acquire_timeout(double(t_ns - now) / 1e9);
}

void blk_step(World& w, const char* label, kernel::StepKind kind, const char* func)
{
  w.exec->step({label, kind, func});
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
