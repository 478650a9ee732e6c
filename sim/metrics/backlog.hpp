// Backlogged windows for the fairness metrics (docs/report.md "Backlogged windows"): an entity
// (task, or cgroup on a device) is backlogged from a submission that finds it with nothing
// outstanding until the completion that leaves it with nothing outstanding; a quiet gap of at
// most kBacklogGapNs between a completion and the next submission does not end the period (a
// synchronous reader's think time between requests). Shares are measured over the intersection
// of the compared parties' backlogged periods.
#pragma once
#include <cstdint>
#include <vector>

namespace iosim
{

// One jiffy above CFQ's default slice_idle (8 ms): a longer silence means CFQ itself stopped
// waiting for the entity.
constexpr uint64_t kBacklogGapNs = 10000000;

struct Span {
  uint64_t start = 0, end = 0;
};

// Online tracker: submit/complete in time order.
class BacklogTrack
{
 public:
  void submit(uint64_t now);
  void complete(uint64_t now);
  const std::vector<Span>& periods() const { return periods_; }

 private:
  int outstanding_ = 0;
  std::vector<Span> periods_;
};

// Intersection of two sorted lists of disjoint spans.
std::vector<Span> intersect_spans(const std::vector<Span>& a, const std::vector<Span>& b);
uint64_t spans_length(const std::vector<Span>& s);
// Sum over @service (any order, may overlap each other) of its overlap with the sorted,
// disjoint @window.
uint64_t overlap_ns(std::vector<Span> service, const std::vector<Span>& window);

} // namespace iosim
