// Lifecycle generators (see lifecycle.hpp).
#include "workloads/lifecycle.hpp"

#include "workloads/random_stream.hpp"

#include <algorithm>
#include <cmath>

namespace iosim
{

// Stream ids of the generators, far from the task streams (1..number of tasks).
static constexpr uint64_t kGeneratorStream = 0x67656e0000000000ull;

std::vector<EventSpec> generate_events(const GeneratorSpec& g, size_t index, uint64_t seed)
{
  RandomStream rng(seed, kGeneratorStream + index);
  std::vector<EventSpec> out;
  uint64_t t = g.from_ms * 1000000, end = g.to_ms * 1000000;
  double mean_gap_ns = 1e9 / g.rate_hz;
  for (int k = 0; k < g.max_events; ++k) {
    t += uint64_t(std::llround(rng.exponential(mean_gap_ns)));
    if (t >= end) break;
    EventSpec e;
    e.at_ns = t;
    e.at_ms = t / 1000000;
    e.task  = g.tasks[size_t(rng.below(g.tasks.size()))];
    switch (g.type) {
    case GeneratorType::fork:
      e.type     = EventType::fork;
      e.child    = e.task + "-g" + std::to_string(index) + "f" + std::to_string(k);
      e.clone_io = g.clone_io;
      if (g.lifetime_ms) {
        EventSpec x;
        x.type  = EventType::exit;
        x.task  = e.child;
        x.at_ns = t + g.lifetime_ms * 1000000;
        x.at_ms = x.at_ns / 1000000;
        out.push_back(e);
        out.push_back(x);
        continue;
      }
      break;
    case GeneratorType::exit:
      e.type = EventType::exit;
      break;
    case GeneratorType::ioprio_set:
      e.type   = EventType::ioprio_set;
      e.by     = g.by;
      e.ioprio = g.ioprios[size_t(rng.below(g.ioprios.size()))];
      break;
    case GeneratorType::cgroup_move:
      e.type   = EventType::cgroup_move;
      e.cgroup = g.cgroups[size_t(rng.below(g.cgroups.size()))];
      break;
    }
    out.push_back(e);
  }
  return out;
}

std::vector<EventSpec> all_events(const Scenario& sc)
{
  std::vector<EventSpec> out = sc.events;
  for (size_t i = 0; i < sc.generators.size(); ++i) {
    auto g = generate_events(sc.generators[i], i, sc.seed);
    out.insert(out.end(), g.begin(), g.end());
  }
  // A child's exit drawn past the end of the run would only keep the admin task alive.
  uint64_t end = sc.duration_ms * 1000000;
  out.erase(std::remove_if(out.begin(), out.end(), [end](const EventSpec& e) { return e.at_ns > end; }), out.end());
  std::stable_sort(out.begin(), out.end(), [](const EventSpec& a, const EventSpec& b) { return a.at_ns < b.at_ns; });
  return out;
}

} // namespace iosim
