// Lifecycle generators (docs/workloads.md): the events of a config's generators[], drawn at the
// start of a run from the run's seed (one random stream per generator), merged in time order
// with the config's fixed-time events[]. Same config and seed: the same events.
#pragma once
#include "sim/config/scenario.hpp"

#include <vector>

namespace iosim
{

// Events of generator `index` (Poisson process of rate_hz over [from_ms, to_ms), at most
// max_events). Fork children are named PARENT-gIfK; a fork with lifetime_ms adds the child's exit.
std::vector<EventSpec> generate_events(const GeneratorSpec& g, size_t index, uint64_t seed);
// Config events and every generator's, ordered by time (config events first at equal times).
std::vector<EventSpec> all_events(const Scenario& sc);

} // namespace iosim
