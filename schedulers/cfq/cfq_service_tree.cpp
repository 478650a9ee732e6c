// Service trees (spec E.4) and the group service tree (F): placement by rb_key and vdisktime,
// busy-queue accounting, and the cfq_data's queue/group objects.
#include "schedulers/cfq/cfq_data.hpp"

#include "sim/config/input_error.hpp"

#include <algorithm>

namespace iosim::cfq
{

CfqData::CfqData(const Tunables& t, bool rotational) : t_(t), rotational_(rotational)
{
  root_group_.weight = root_group_.new_weight = 2 * BLKIO_WEIGHT_DEFAULT; // F: root weight 1000
  last_delayed_sync_                          = -jiffies_t(t.hz);         // E.1: now - HZ at init (now = 0)
}

Group* CfqData::alloc_group(int blkcg_id, int weight)
{
  groups_.push_back(std::make_unique<Group>());
  Group* g    = groups_.back().get();
  g->blkcg_id = blkcg_id;
  g->weight = g->new_weight = weight;
  return g;
}

Queue* CfqData::alloc_queue(Group* g, bool sync, int pid)
{
  for (auto& q : queue_pool_)
    if (!q->cfqg) { // a freed slot
      *q             = Queue();
      q->cfqg        = g;
      q->sync        = sync;
      q->pid         = pid;
      q->idle_window = sync; // cfq_init_cfqq: sync queues start with the idle window on
      return q.get();
    }
  queue_pool_.push_back(std::make_unique<Queue>());
  Queue* q       = queue_pool_.back().get();
  q->cfqg        = g;
  q->sync        = sync;
  q->pid         = pid;
  q->idle_window = sync;
  return q;
}

void CfqData::free_queue(Queue* q, jiffies_t now)
{
  IOSIM_CHECK(q->empty() && q->dispatched == 0, "CFQ queue freed with requests");
  if (q == active_queue_) __cfq_slice_expired(q, false, now); // E.14 cfq_put_queue
  if (q->on_rr) cfq_del_cfqq_rr(q);
  cfq_prio_tree_del(q);
  q->cfqg = nullptr; // back to the pool
}

std::vector<const Group*> CfqData::groups() const
{
  std::vector<const Group*> v{&root_group_};
  for (const auto& g : groups_)
    v.push_back(g.get());
  return v;
}

/// cfqq_prio: the workload class of a queue (A.4 wl_prio_t).
int CfqData::cfqq_prio(const Queue* q) const
{
  if (q->ioprio_class == CLASS_IDLE) return IDLE_WORKLOAD;
  if (q->ioprio_class == CLASS_RT) return RT_WORKLOAD;
  return BE_WORKLOAD;
}

/// cfqq_type - E.4: ASYNC if not sync, SYNC_NOIDLE without idle window, else SYNC.
int CfqData::cfqq_type(const Queue* q) const
{
  if (!q->sync) return ASYNC_WORKLOAD;
  if (!q->idle_window) return SYNC_NOIDLE_WORKLOAD;
  return SYNC_WORKLOAD;
}

RbRoot* CfqData::service_tree_for(Group* g, int prio, int type)
{
  if (!g) return nullptr;
  if (prio == IDLE_WORKLOAD) return &g->service_tree_idle;
  return &g->service_trees[prio][type];
}

unsigned CfqData::cfq_group_busy_queues_wl(int prio, const Group* g) const
{
  if (prio == IDLE_WORKLOAD) return g->service_tree_idle.count;
  const auto& t = g->service_trees[prio];
  return t[ASYNC_WORKLOAD].count + t[SYNC_NOIDLE_WORKLOAD].count + t[SYNC_WORKLOAD].count;
}

unsigned CfqData::cfqg_busy_async_queues(const Group* g) const
{
  return g->service_trees[RT_WORKLOAD][ASYNC_WORKLOAD].count + g->service_trees[BE_WORKLOAD][ASYNC_WORKLOAD].count;
}

/// cfq_slice_offset - E.4: (nr_cfqq - 1) * (prio_slice(sync=1, 0) - prio_slice(own sync, own prio)).
/// nr_cfqq counts the queues already on the group's trees (the kernel's int, so a group's first
/// queue gets -1 times the difference: it lands before now).
jiffies_t CfqData::cfq_slice_offset(const Queue* q) const
{
  return (jiffies_t(q->cfqg->nr_cfqq) - 1) * (cfq_prio_slice(true, 0) - cfq_prio_slice(q->sync, q->ioprio));
}

/**
 * cfq_service_tree_add - E.4: (re)place @q on the tree of its class and type. Idle class goes
 * CFQ_IDLE_DELAY behind the last entry; add_front (preemption) goes HZ before the first; else
 * now + slice offset - slice_resid. A queue new to the tree is counted in its group (F).
 * Caller: queue_lock held (the glue serialises everything).
 */
void CfqData::cfq_service_tree_add(Queue* q, bool add_front, jiffies_t now)
{
  RbRoot* st = service_tree_for(q->cfqg, cfqq_prio(q), cfqq_type(q));
  jiffies_t rb_key;
  if (q->ioprio_class == CLASS_IDLE) {
    rb_key = t_.idle_delay;
    if (!st->rb.empty() && std::prev(st->rb.end())->second != q)
      rb_key += std::prev(st->rb.end())->second->rb_key;
    else
      rb_key += now;
  } else if (!add_front) {
    rb_key         = cfq_slice_offset(q) + now - q->slice_resid;
    q->slice_resid = 0;
  } else {
    Queue* first = st->first();
    rb_key       = -jiffies_t(t_.hz) + (first ? first->rb_key : now);
  }
  bool new_q = true;
  if (q->on_tree) {
    new_q = false;
    if (rb_key == q->rb_key && q->service_tree == st) return; // same position
    q->service_tree->rb.erase(q->rb_it);
    q->service_tree->count--;
  }
  q->rb_key       = rb_key;
  q->rb_it        = st->rb.emplace(rb_key, q); // equal keys go right, as in the rb insertion
  q->service_tree = st;
  q->on_tree      = true;
  st->count++;
  if (add_front || !new_q) return;
  cfq_group_notify_queue_add(q->cfqg);
}

/// cfq_group_service_tree_add - F: apply a pending weight change (off tree), insert by vdisktime.
void CfqData::cfq_group_service_tree_add(Group* g)
{
  if (g->needs_update) {
    g->weight       = g->new_weight;
    g->needs_update = false;
  }
  g->rb_it = grp_service_tree_.rb.emplace(g->vdisktime, g); // cfqg_key order (no u64 wrap in a run)
  g->on_st = true;
  grp_service_tree_.total_weight += unsigned(g->weight);
}

void CfqData::cfq_group_service_tree_del(Group* g)
{
  if (!g->on_st) return;
  grp_service_tree_.total_weight -= unsigned(g->weight);
  grp_service_tree_.rb.erase(g->rb_it);
  g->on_st = false;
}

/**
 * cfq_group_notify_queue_add - E.4/F: count the queue; a group not on the tree is re-added just
 * behind the rightmost group (vdisktime + CFQ_IDLE_DELAY, unscaled) or at min_vdisktime.
 */
void CfqData::cfq_group_notify_queue_add(Group* g)
{
  g->nr_cfqq++;
  if (g->on_st) return;
  if (!grp_service_tree_.rb.empty())
    g->vdisktime = std::prev(grp_service_tree_.rb.end())->second->vdisktime + uint64_t(t_.idle_delay);
  else
    g->vdisktime = grp_service_tree_.min_vdisktime;
  cfq_group_service_tree_add(g);
}

/// cfq_group_notify_queue_del - F: the group leaves the tree when its last busy queue goes.
void CfqData::cfq_group_notify_queue_del(Group* g)
{
  IOSIM_CHECK(g->nr_cfqq > 0, "cfq group queue count underflow");
  g->nr_cfqq--;
  if (g->nr_cfqq) return;
  cfq_group_service_tree_del(g);
  g->saved_workload_slice = 0;
}

/// cfq_add_cfqq_rr: mark the queue busy and place it.
void CfqData::cfq_add_cfqq_rr(Queue* q, jiffies_t now)
{
  q->on_rr = true;
  busy_queues_++;
  if (q->sync) busy_sync_queues_++;
  cfq_resort_rr_list(q, now);
}

/// cfq_del_cfqq_rr: take the queue off its tree; the group is told.
void CfqData::cfq_del_cfqq_rr(Queue* q)
{
  q->on_rr = false;
  cfq_prio_tree_del(q);
  if (q->on_tree) {
    q->service_tree->rb.erase(q->rb_it);
    q->service_tree->count--;
    q->service_tree = nullptr;
    q->on_tree      = false;
  }
  cfq_group_notify_queue_del(q->cfqg);
  busy_queues_--;
  if (q->sync) busy_sync_queues_--;
}

void CfqData::cfq_resort_rr_list(Queue* q, jiffies_t now)
{
  if (!q->on_rr) return;
  cfq_service_tree_add(q, false, now);
  cfq_prio_tree_add(q);
}

/// cfq_get_next_cfqg - E.5 step 1: the leftmost group; update_min_vdisktime only moves forward.
Group* CfqData::cfq_get_next_cfqg()
{
  if (grp_service_tree_.rb.empty()) return nullptr;
  Group* g                        = grp_service_tree_.rb.begin()->second;
  grp_service_tree_.min_vdisktime = std::max(grp_service_tree_.min_vdisktime, g->vdisktime);
  return g;
}

} // namespace iosim::cfq
