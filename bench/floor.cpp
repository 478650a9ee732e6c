// The engine's floor (issue 7): a bare SimGrid program doing what iosim's request path asks of
// SimGrid, with no modelling. `tasks` actors issue `requests` requests in all (round robin); each
// request is `sleeps_per_request` timed sleeps of a CPU step's length (10-200 ns plus exponential
// jitter, like iosim's kernel steps), a hand-off to one device actor through a semaphore (the
// device's kick), and an untimed wait on the task's own semaphore. The device actor keeps up to
// `depth` requests in service, each for `service_ns` (+-50%, from its own stream), and waits on
// its kick with a timeout until the next completion, as iosim's device loop does. bench/ matches
// tasks, requests and sleeps per request to what an iosim run reports (`engine` section), and
// sets depth and service time so that the floor's simulated time is the run's; a task only kicks
// an idle device (a busy one takes the next queued request itself). iosim's wall time is then
// given as a ratio to this program's.
//
// usage: iosim_floor TASKS REQUESTS SLEEPS_PER_REQUEST DEPTH SERVICE_NS
// prints one JSON line: the counts done (sleeps, waits, timed_waits, actors) and wall_s of run().
#include <simgrid/s4u.hpp>
#include <xbt/log.h>

#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <queue>
#include <string>
#include <vector>

namespace sg4 = simgrid::s4u;

namespace
{

struct Rng { // splitmix64: a stream per actor
  uint64_t x;
  uint64_t next()
  {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z          = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * 0x1.0p-53; }
};

struct Counts {
  uint64_t sleeps = 0, waits = 0, timed_waits = 0, actors = 0;
};

struct Task {
  sg4::SemaphorePtr done;
  Rng rng;
  uint64_t todo = 0;
};

struct Pending {
  uint64_t done_ns;
  uint64_t id;
  Task* task;
  bool operator>(const Pending& o) const { return done_ns != o.done_ns ? done_ns > o.done_ns : id > o.id; }
};

struct Floor {
  Counts c;
  sg4::SemaphorePtr kick;
  std::deque<Task*> queued;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> inflight;
  int live         = 0;
  int depth        = 1;
  double sleeps    = 0; // per request (fractional: spread evenly)
  double service   = 0; // mean, ns
  uint64_t next_id = 0;
};

uint64_t now_ns() { return uint64_t(std::llround(sg4::Engine::get_clock() * 1e9)); }

void task_main(Floor& f, Task& t)
{
  double owed = 0;
  while (t.todo--) {
    owed += f.sleeps;
    for (; owed >= 1; owed -= 1) {
      static const double base[] = {10, 10, 20, 50, 200};
      double d                   = base[t.rng.next() % 5] - 50.0 * std::log1p(-t.rng.uniform());
      f.c.sleeps++;
      sg4::this_actor::sleep_for(std::max(1.0, std::round(d)) / 1e9);
    }
    f.queued.push_back(&t);
    if (int(f.inflight.size()) < f.depth) f.kick->release(); // a busy device picks it up itself
    f.c.waits++;
    t.done->acquire();
  }
  if (--f.live == 0) f.kick->release();
}

void device_main(Floor& f)
{
  Rng rng{12345};
  while (true) {
    uint64_t now = now_ns();
    while (!f.inflight.empty() && f.inflight.top().done_ns <= now) {
      f.inflight.top().task->done->release();
      f.inflight.pop();
    }
    while (int(f.inflight.size()) < f.depth && !f.queued.empty()) {
      uint64_t s = uint64_t(f.service * (0.5 + rng.uniform()));
      f.inflight.push({now + s, f.next_id++, f.queued.front()});
      f.queued.pop_front();
    }
    if (f.live == 0 && f.inflight.empty() && f.queued.empty()) return;
    if (f.inflight.empty()) {
      f.c.waits++;
      f.kick->acquire();
    } else if (f.inflight.top().done_ns > now) {
      f.c.timed_waits++;
      f.kick->acquire_timeout(double(f.inflight.top().done_ns - now) / 1e9);
    }
  }
}

} // namespace

int main(int argc, char** argv)
{
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s TASKS REQUESTS SLEEPS_PER_REQUEST DEPTH SERVICE_NS\n", argv[0]);
    return 2;
  }
  int tasks         = std::atoi(argv[1]);
  uint64_t requests = std::strtoull(argv[2], nullptr, 10);
  Floor f;
  f.sleeps  = std::atof(argv[3]);
  f.depth   = std::atoi(argv[4]);
  f.service = std::atof(argv[5]);
  if (tasks < 1 || f.depth < 1 || f.sleeps < 0 || f.service < 0) {
    std::fprintf(stderr, "%s: TASKS and DEPTH must be >= 1, the others >= 0\n", argv[0]);
    return 2;
  }
  // The settings iosim uses (sim/engine/engine_setup.cpp).
  std::vector<std::string> args = {"floor", "--cfg=contexts/factory:raw", "--cfg=contexts/stack-size:256",
                                   "--log=root.thres:critical"};
  std::vector<char*> av;
  for (auto& a : args)
    av.push_back(a.data());
  int ac = int(av.size());
  xbt_log_control_set("root.thres:critical");
  sg4::Engine e(&ac, av.data());
  auto* zone = sg4::create_full_zone("root");
  auto* host = zone->create_host("cpu", 1e9);
  host->seal();
  zone->seal();
  f.kick = sg4::Semaphore::create(0);
  std::vector<Task> ts(static_cast<size_t>(tasks));
  for (int i = 0; i < tasks; ++i) {
    ts[size_t(i)].done = sg4::Semaphore::create(0);
    ts[size_t(i)].rng  = Rng{uint64_t(i) + 1};
    ts[size_t(i)].todo = requests / uint64_t(tasks) + (uint64_t(i) < requests % uint64_t(tasks) ? 1 : 0);
  }
  f.live = tasks;
  f.c.actors++;
  sg4::Actor::create("dev", host, [&f] { device_main(f); });
  for (auto& t : ts) {
    f.c.actors++;
    Task* tp = &t;
    sg4::Actor::create("task", host, [&f, tp] { task_main(f, *tp); });
  }
  auto t0 = std::chrono::steady_clock::now();
  e.run();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"requests\": %" PRIu64 ", \"sleeps\": %" PRIu64 ", \"waits\": %" PRIu64 ", \"timed_waits\": %" PRIu64
              ", \"actors\": %" PRIu64 ", \"sim_s\": %.9f, \"wall_s\": %.6f}\n",
              requests, f.c.sleeps, f.c.waits, f.c.timed_waits, f.c.actors, sg4::Engine::get_clock(), wall);
  return 0;
}
