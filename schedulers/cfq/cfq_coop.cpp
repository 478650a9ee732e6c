// Close cooperators (spec E.13, E.5 with R's corrections): the per-level prio trees of queues
// ordered by the sector of their next request, and the search for a queue whose next request lies
// close to where the head is. The merge itself happens in the kernel model's cfq_set_request
// (sim/kernel/cfq_coop.cpp), reached through CoopOps.
#include "schedulers/cfq/cfq_data.hpp"

#include "sim/config/input_error.hpp"

namespace iosim::cfq
{

/// cfq_prio_tree_del: take the queue off its prio tree (if it is on one).
void CfqData::cfq_prio_tree_del(Queue* q)
{
  if (q->p_root < 0) return;
  prio_trees_[q->p_root].erase(q->p_it);
  q->p_root = -1;
}

/**
 * cfq_prio_tree_add - E.13: (re)place the queue in prio_trees[org_ioprio] under its next
 * request's sector. Idle-class queues and queues without a next request stay off; a queue whose
 * next request starts at a sector another queue already holds stays off too (the kernel's tree
 * keeps one queue per sector). The kernel compares next_rq positions at lookup time without
 * re-sorting; iosim re-keys whenever next_rq changes, the order that tree approximates.
 */
void CfqData::cfq_prio_tree_add(Queue* q)
{
  cfq_prio_tree_del(q);
  if (q->ioprio_class == CLASS_IDLE || !q->next_rq) return;
  IOSIM_CHECK(q->org_ioprio >= 0 && q->org_ioprio < IOPRIO_BE_NR, "CFQ queue with org_ioprio out of 0..7");
  auto [it, inserted] = prio_trees_[q->org_ioprio].emplace(q->next_rq->sector, q);
  if (!inserted) return;
  q->p_root = q->org_ioprio;
  q->p_it   = it;
}

static uint64_t distance(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

/**
 * cfqq_close - E.13: the queue of cur's level whose next request starts exactly at the last
 * position, else the nearer of the two queues around it if within CFQQ_CLOSE_THR, else the other
 * one if that is. (The kernel tests the rb parent of the missing leaf first, which is one of the
 * same two neighbours; iosim tests the nearer first.)
 */
Queue* CfqData::cfqq_close(const Queue* cur) const
{
  const auto& root = prio_trees_[cur->org_ioprio];
  if (root.empty()) return nullptr;
  const uint64_t sector = last_position_;
  auto it               = root.lower_bound(sector);
  if (it != root.end() && it->first == sector) return it->second;
  Queue* cand[2] = {it != root.end() ? it->second : nullptr, it != root.begin() ? std::prev(it)->second : nullptr};
  if (cand[0] && cand[1] && distance(cand[1]->next_rq->sector, sector) < distance(cand[0]->next_rq->sector, sector))
    std::swap(cand[0], cand[1]);
  for (Queue* q : cand)
    if (q && distance(q->next_rq->sector, sector) <= CFQQ_CLOSE_THR) return q;
  return nullptr;
}

/**
 * cfq_close_cooperator - E.13: a queue worth switching to (and merging with) instead of idling
 * on @cur: cur sync, not idle class, not seeky and not alone in its group; the candidate in the
 * same group, sync, not seeky and of the same RT-ness.
 */
Queue* CfqData::cfq_close_cooperator(const Queue* cur) const
{
  if (cur->ioprio_class == CLASS_IDLE || !cur->sync || cfqq_seeky(cur)) return nullptr;
  if (cur->cfqg->nr_cfqq == 1) return nullptr;
  Queue* q = cfqq_close(cur);
  if (!q || q == cur) return nullptr; // cur is empty, so off the tree; kept as a guard
  if (q->cfqg != cur->cfqg || !q->sync || cfqq_seeky(q)) return nullptr;
  if ((q->ioprio_class == CLASS_RT) != (cur->ioprio_class == CLASS_RT)) return nullptr;
  return q;
}

} // namespace iosim::cfq
