// Expected shares and Jain's index (see fairness.hpp).
#include "sim/metrics/fairness.hpp"

#include <algorithm>
#include <cmath>

namespace iosim
{

IoprioSpec effective_ioprio(const IoprioSpec& set, int nice, SchedPolicy policy)
{
  if (set.cls != IoprioClass::none) return set;
  IoprioSpec e;
  e.level = (nice + 20) / 5;
  e.cls   = policy == SchedPolicy::idle                                  ? IoprioClass::idle
            : (policy == SchedPolicy::fifo || policy == SchedPolicy::rr) ? IoprioClass::rt
                                                                         : IoprioClass::be;
  return e;
}

int cfq_prio_slice(bool sync, int level, int slice_sync, int slice_async)
{
  int base = sync ? slice_sync : slice_async;
  return base + base / 5 * (4 - level);
}

static double jain(const std::vector<double>& x)
{
  if (x.empty()) return 1.0;
  double s = 0, s2 = 0;
  for (double v : x) {
    s += v;
    s2 += v * v;
  }
  return s2 > 0 ? s * s / (double(x.size()) * s2) : 1.0;
}

FairnessSummary compute_fairness(std::vector<FairnessTask>& tasks, std::vector<FairnessGroup>& groups)
{
  FairnessSummary out;
  uint64_t total = 0;
  for (const auto& t : tasks)
    total += t.disk_time_ns;
  double wsum = 0;
  for (auto& g : groups)
    if (g.active) wsum += g.weight;
  std::vector<double> gx;
  for (auto& g : groups) {
    g.share          = total ? double(g.disk_time_ns) / double(total) : 0.0;
    g.expected_share = g.active && wsum > 0 ? g.weight / wsum : 0.0;
    if (g.active) {
      out.max_share_error = std::max(out.max_share_error, std::fabs(g.share - g.expected_share));
      gx.push_back(g.expected_share > 0 ? g.share / g.expected_share : 0.0);
    }
  }
  out.cgroup_jain_index = jain(gx);
  std::vector<double> tx;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    // Strict class priority inside the group: only the best class present gets the group's time.
    int best = 4;
    for (const auto& t : tasks)
      if (t.active && size_t(t.cgroup) == gi) best = std::min(best, int(t.ioprio.cls));
    double slices = 0;
    for (const auto& t : tasks)
      if (t.active && size_t(t.cgroup) == gi && int(t.ioprio.cls) == best)
        slices += cfq_prio_slice(t.sync, t.ioprio.cls == IoprioClass::idle ? 7 : t.ioprio.level);
    for (auto& t : tasks) {
      if (size_t(t.cgroup) != gi) continue;
      t.share = total ? double(t.disk_time_ns) / double(total) : 0.0;
      if (!t.active) continue;
      double mine              = int(t.ioprio.cls) == best
                                     ? cfq_prio_slice(t.sync, t.ioprio.cls == IoprioClass::idle ? 7 : t.ioprio.level)
                                     : 0;
      t.expected_share         = slices > 0 ? groups[gi].expected_share * mine / slices : 0.0;
      out.task_max_share_error = std::max(out.task_max_share_error, std::fabs(t.share - t.expected_share));
      if (t.expected_share > 0) tx.push_back(t.share / t.expected_share);
    }
  }
  out.jain_index = jain(tx);
  return out;
}

FairnessSummary compute_fairness_by_device(std::vector<FairnessTask>& tasks, std::vector<FairnessGroup>& groups,
                                           const std::vector<std::vector<uint64_t>>& group_disk_ns, size_t devices)
{
  FairnessSummary out;
  std::vector<double> share_num(groups.size(), 0), expect_num(groups.size(), 0);
  double total = 0;
  for (size_t d = 0; d < devices; ++d) {
    std::vector<size_t> idx;
    std::vector<FairnessTask> sub;
    for (size_t i = 0; i < tasks.size(); ++i)
      if (tasks[i].device == int(d)) {
        idx.push_back(i);
        sub.push_back(tasks[i]);
      }
    std::vector<FairnessGroup> subg = groups;
    double busy                     = 0;
    for (size_t g = 0; g < groups.size(); ++g) {
      subg[g].disk_time_ns = group_disk_ns[g][d];
      subg[g].active       = subg[g].disk_time_ns > 0;
      busy += double(subg[g].disk_time_ns);
    }
    FairnessSummary s        = compute_fairness(sub, subg);
    out.task_max_share_error = std::max(out.task_max_share_error, s.task_max_share_error);
    for (size_t k = 0; k < idx.size(); ++k)
      tasks[idx[k]] = sub[k];
    for (size_t g = 0; g < groups.size(); ++g) {
      share_num[g] += double(subg[g].disk_time_ns);
      expect_num[g] += busy * subg[g].expected_share;
    }
    total += busy;
  }
  std::vector<double> gx, tx;
  for (size_t g = 0; g < groups.size(); ++g) {
    groups[g].active         = share_num[g] > 0;
    groups[g].share          = total > 0 ? share_num[g] / total : 0.0;
    groups[g].expected_share = total > 0 ? expect_num[g] / total : 0.0;
    if (groups[g].active) {
      out.max_share_error = std::max(out.max_share_error, std::fabs(groups[g].share - groups[g].expected_share));
      gx.push_back(groups[g].expected_share > 0 ? groups[g].share / groups[g].expected_share : 0.0);
    }
  }
  for (const auto& t : tasks)
    if (t.active && t.expected_share > 0) tx.push_back(t.share / t.expected_share);
  out.cgroup_jain_index = jain(gx);
  out.jain_index        = jain(tx);
  return out;
}

} // namespace iosim
