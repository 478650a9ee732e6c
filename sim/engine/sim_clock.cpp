// Simulated time helpers over SimGrid's clock, and the cost of a CPU step.
//
// Step coalescing (issue 7). A kernel-model step is a preemption point that costs simulated time
// (SimExec::yield). Sleeping through SimGrid for every step is exact but costs a SimGrid event
// per step. When no other actor can act before the step ends (every other actor is blocked until
// a later date, none is ready now and none was just created), sleeping changes nothing: the same
// actor would be the next to run, at the same date, seeing the same state. The step's cost is
// then added to `pending_ns` instead, the time the running actor is ahead of SimGrid's clock;
// now_ns() includes it, and the next blocking call sleeps from SimGrid's clock, so the debt is
// paid with the call's own wake-up. Anything that can let another actor run at SimGrid's date
// (a release with a waiter, creating an actor) pays the debt first. Each actor's earliest
// possible wake-up is tracked in `wake_at` while it is blocked in the helpers below, which are
// the only places the engine blocks. Wake-ups within SimGrid's time
// quantum (surf/precision) of the step's end are left to SimGrid, which may merge them.
// IOSIM_STEP_COALESCING=0 turns it off (tests compare both).
#include "sim/config/input_error.hpp"
#include "sim/engine/world.hpp"

#include <xbt/config.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <set>

namespace iosim
{

namespace
{

struct LazyClock {
  bool enabled        = true;
  uint64_t pending_ns = 0; // how far the running actor is ahead of SimGrid's clock
  int newborns        = 0; // actors created, not yet run
  size_t running      = 0; // pid of the running actor, 0 in maestro (set where actors resume)
  uint64_t margin_ns  = 1; // SimGrid ends activities within surf/precision of each other together
  std::multiset<uint64_t> wake_at;
  std::vector<std::multiset<uint64_t>::iterator> entry_of;               // by actor pid; wake_at.end() when running
  std::unordered_map<const sg4::Semaphore*, std::deque<size_t>> waiters; // FIFO, as SimGrid wakes them
};

LazyClock lc;

uint64_t engine_now() { return uint64_t(std::llround(sg4::Engine::get_clock() * 1e9)); }

size_t self_pid() { return lc.running; }

std::multiset<uint64_t>::iterator& entry(size_t pid)
{
  if (pid >= lc.entry_of.size()) lc.entry_of.resize(pid + 1, lc.wake_at.end());
  return lc.entry_of[pid];
}

void set_wake(size_t pid, uint64_t t)
{
  auto& e = entry(pid);
  if (e != lc.wake_at.end()) lc.wake_at.erase(e);
  e = lc.wake_at.insert(t);
}

// The running actor is inside a SimGrid call that may let others run until `t`. If the call
// blocked, the actor resumes at a SimGrid date past its debt; if it returned at once, the debt
// stands.
struct Blocked {
  uint64_t local;
  size_t me;
  explicit Blocked(uint64_t t) : local(now_local()), me(lc.running) { set_wake(me, t); }
  ~Blocked()
  {
    lc.running = me;
    auto& e    = entry(me);
    if (e != lc.wake_at.end()) lc.wake_at.erase(e);
    e                  = lc.wake_at.end();
    const uint64_t now = engine_now();
    lc.pending_ns      = local > now ? local - now : 0;
  }
  static uint64_t now_local() { return engine_now() + lc.pending_ns; }
};

// Pays the running actor's debt by sleeping it off.
void settle_debt(World& w)
{
  if (lc.pending_ns == 0 || sg4::Actor::is_maestro()) return;
  uint64_t t = engine_now() + lc.pending_ns;
  Blocked b(t);
  w.sleeps++;
  sg4::this_actor::sleep_for(double(lc.pending_ns) / 1e9);
}

} // namespace

void clock_reset()
{
  lc            = LazyClock{};
  const char* v = std::getenv("IOSIM_STEP_COALESCING");
  lc.enabled    = !(v && std::strcmp(v, "0") == 0);
  lc.margin_ns  = uint64_t(std::ceil(simgrid::config::get_value<double>("surf/precision") * 1e9));
}

uint64_t now_ns() { return engine_now() + lc.pending_ns; }

size_t running_actor() { return lc.running; }

void sleep_until_ns(World& w, uint64_t t_ns)
{
  if (t_ns <= now_ns()) return;
  w.wakeups++;
  w.sleeps++;
  Blocked b(t_ns);
  sg4::this_actor::sleep_for(double(t_ns - engine_now()) / 1e9);
}

void step_sleep(World& w, uint64_t cost_ns)
{
  const uint64_t t = now_ns() + cost_ns;
  if (lc.enabled && lc.newborns == 0 && (lc.wake_at.empty() || *lc.wake_at.begin() > t + lc.margin_ns)) {
    lc.pending_ns += cost_ns;
    w.coalesced_steps++;
    return;
  }
  sleep_until_ns(w, t);
}

void wait_until_ns(World& w, const sg4::SemaphorePtr& s, uint64_t t_ns)
{
  w.wakeups++;
  const uint64_t now = now_ns();
  if (t_ns != UINT64_MAX && t_ns <= now) {
    if (!s->would_block()) {
      w.waits++;
      Blocked b(engine_now());
      s->acquire();
    }
    return;
  }
  auto& q         = lc.waiters[s.get()];
  const size_t me = self_pid();
  q.push_back(me);
  {
    Blocked b(t_ns);
    if (t_ns == UINT64_MAX) {
      w.waits++;
      s->acquire();
    } else {
      w.timed_waits++;
      s->acquire_timeout(double(t_ns - engine_now()) / 1e9);
    }
  }
  for (auto it = q.begin(); it != q.end(); ++it)
    if (*it == me) {
      q.erase(it);
      break;
    }
}

void post(World& w, const sg4::SemaphorePtr& s)
{
  auto it = lc.waiters.find(s.get());
  if (it != lc.waiters.end() && !it->second.empty()) {
    settle_debt(w);
    set_wake(it->second.front(), engine_now()); // ready now
    it->second.pop_front();
  }
  if (sg4::Actor::is_maestro()) {
    s->release();
    return;
  }
  Blocked b(now_ns());
  s->release();
}

void create_actor(World& w, const std::string& name, std::function<void()> body)
{
  settle_debt(w); // the child runs at SimGrid's date, before its creator resumes
  lc.newborns++;
  auto run = [&w, body = std::move(body)] {
    lc.newborns--;
    lc.running = size_t(sg4::this_actor::get_pid());
    body();
    settle_debt(w); // the actor's last step ends at its date, as if slept
    lc.running = 0;
  };
  if (sg4::Actor::is_maestro()) {
    sg4::Actor::create(name, w.host, std::move(run));
    return;
  }
  Blocked b(engine_now());
  sg4::Actor::create(name, w.host, std::move(run));
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
