// Backlogged periods and their intersections (see backlog.hpp).
#include "sim/metrics/backlog.hpp"

#include <algorithm>

namespace iosim
{

void BacklogTrack::submit(uint64_t now)
{
  if (outstanding_++ > 0) return;
  if (!periods_.empty() && now - periods_.back().end <= kBacklogGapNs) return; // a short think gap: the period goes on
  periods_.push_back({now, now});
}

void BacklogTrack::complete(uint64_t now)
{
  if (outstanding_ > 0) outstanding_--;
  if (!periods_.empty()) periods_.back().end = std::max(periods_.back().end, now);
}

std::vector<Span> intersect_spans(const std::vector<Span>& a, const std::vector<Span>& b)
{
  std::vector<Span> out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    uint64_t s = std::max(a[i].start, b[j].start), e = std::min(a[i].end, b[j].end);
    if (s < e) out.push_back({s, e});
    if (a[i].end < b[j].end)
      ++i;
    else
      ++j;
  }
  return out;
}

uint64_t spans_length(const std::vector<Span>& s)
{
  uint64_t n = 0;
  for (const auto& x : s)
    n += x.end - x.start;
  return n;
}

uint64_t overlap_ns(std::vector<Span> service, const std::vector<Span>& window)
{
  std::sort(service.begin(), service.end(), [](const Span& x, const Span& y) { return x.start < y.start; });
  uint64_t total = 0;
  size_t w       = 0;
  for (const auto& s : service) {
    while (w < window.size() && window[w].end <= s.start)
      ++w;
    for (size_t k = w; k < window.size() && window[k].start < s.end; ++k) {
      uint64_t a = std::max(s.start, window[k].start), b = std::min(s.end, window[k].end);
      if (a < b) total += b - a;
    }
  }
  return total;
}

} // namespace iosim
