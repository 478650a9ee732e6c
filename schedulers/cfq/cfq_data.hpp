// cfq_data (spec A.4): CFQ's per-device scheduling state and the kernel functions of spec E that
// act on it, driven by explicit times (now in ns, converted to jiffies with HZ). No SimGrid and no
// kernel model: cfq_elevator.cpp connects it to both. The methods live in one file per job:
// cfq_service_tree.cpp (E.4, F), cfq_slice.cpp (E.3, E.11, E.12), cfq_select.cpp (E.5),
// cfq_dispatch.cpp (E.6, E.7), cfq_idle.cpp (E.8, E.9), cfq_preempt.cpp (E.10, insert).
#pragma once
#include "schedulers/cfq/cfq_tunables.hpp"
#include "schedulers/cfq/cfq_types.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace iosim::cfq
{

struct CfqStats {
  uint64_t slices = 0, preemptions = 0, idle_timer_armed = 0, idle_timer_fired = 0;
  uint64_t close_cooperators       = 0; // E.5/E.13: a close cooperator became the active queue
  uint64_t fifo_expired_dispatches = 0;
  jiffies_t idle_jiffies           = 0; // time the idle timer was pending (the device waits for the active queue)
  // CFQ's own accounting per queue creator (cfqq->pid): charged slice time (E.12) and slices.
  std::map<int, std::pair<uint64_t, unsigned>> charged_by_pid;
};

/// E.13: the merge state of a queue (new_cfqq, the coop and split_coop flags, process refs)
/// belongs to the kernel's cfq_queue, next to the references it moves; the scheduler reaches it
/// through these calls. Without them (unit tests that set none) close cooperators are still
/// found and served, but never merged.
struct CoopOps {
  virtual ~CoopOps()                               = default;
  virtual bool cfq_cfqq_coop(const Queue* q) const = 0;
  virtual void cfq_mark_cfqq_split_coop(Queue* q)  = 0;
  /// The select path's `if (!cfqq->new_cfqq) cfq_setup_merge(cfqq, new_cfqq)`.
  virtual void cfq_setup_merge(Queue* cfqq, Queue* new_cfqq) = 0;
};

class CfqData
{
 public:
  CfqData(const Tunables& t, bool rotational);

  // --- objects (owned here; the glue maps kernel objects onto them)
  Group* root_group() { return &root_group_; }
  Group* alloc_group(int blkcg_id, int weight);
  Queue* alloc_queue(Group* g, bool sync, int pid);
  // cfq_put_queue reached ref 0 (E.14): expire it if active, forget it. Caller: queue is empty.
  void free_queue(Queue* q, jiffies_t now);

  // --- the elevator hooks
  void cfq_insert_request(Rq* rq, jiffies_t now);        // E.2/E.10 insert path
  Rq* cfq_dispatch_requests(jiffies_t now);              // E.5/E.6, one request or null
  void cfq_activate_request(Rq* rq);                     // the driver took it
  void cfq_completed_request(Rq* rq, jiffies_t now);     // E.9
  void cfq_idle_slice_timer(jiffies_t now);              // E.9 timer body
  void cfq_slice_expired(bool timed_out, jiffies_t now); // E.11 on the active queue
  bool timer_pending() const { return timer_pending_; }
  jiffies_t timer_expires() const { return timer_expires_; }

  // --- E.3 slices
  jiffies_t cfq_prio_slice(bool sync, int prio) const;
  jiffies_t cfq_prio_to_slice(const Queue* q) const { return cfq_prio_slice(q->sync, q->ioprio); }
  unsigned cfq_prio_to_maxrq(const Queue* q) const;
  jiffies_t cfq_scaled_cfqq_slice(Queue* q);
  jiffies_t cfq_group_slice(const Group* g) const;
  unsigned cfq_group_get_avg_queues(Group* g, bool rt);
  bool cfq_slice_used(const Queue* q, jiffies_t now) const;
  // E.12
  uint64_t cfq_scale_slice(uint64_t charge, const Group* g) const;
  jiffies_t cfq_cfqq_slice_usage(const Queue* q, jiffies_t now, jiffies_t* unaccounted) const;
  void cfq_group_served(Group* g, Queue* q, jiffies_t now);

  // --- E.4 service trees
  void cfq_service_tree_add(Queue* q, bool add_front, jiffies_t now);
  jiffies_t cfq_slice_offset(const Queue* q) const;
  RbRoot* service_tree_for(Group* g, int prio, int type);
  int cfqq_prio(const Queue* q) const;
  int cfqq_type(const Queue* q) const;
  void cfq_add_cfqq_rr(Queue* q, jiffies_t now);
  void cfq_del_cfqq_rr(Queue* q);
  void cfq_resort_rr_list(Queue* q, jiffies_t now);
  unsigned cfq_group_busy_queues_wl(int prio, const Group* g) const;
  unsigned cfqg_busy_async_queues(const Group* g) const;

  // --- E.5 selection
  Queue* cfq_select_queue(jiffies_t now);
  void cfq_choose_cfqg(jiffies_t now);
  void choose_service_tree(Group* g, jiffies_t now);
  int cfq_choose_wl(Group* g, int prio) const;
  Queue* cfq_set_active_queue(jiffies_t now);

  // --- E.6 / E.7 dispatch and request choice
  bool cfq_may_dispatch(Queue* q, jiffies_t now) const;
  bool cfq_slice_used_soon(const Queue* q, jiffies_t now) const;
  Rq* cfq_check_fifo(Queue* q, jiffies_t now);
  Rq* cfq_choose_req(Rq* rq1, Rq* rq2, uint64_t last) const;
  Rq* cfq_find_next_rq(Queue* q, Rq* last) const;

  // --- E.8 idling
  bool cfq_should_idle(const Queue* q) const;
  bool cfq_io_thinktime_big(const TTime& t, bool group_idle) const;
  void cfq_arm_slice_timer(jiffies_t now);
  void cfq_update_idle_window(Queue* q);
  bool cfq_should_wait_busy(const Queue* q, jiffies_t now) const;
  bool iops_mode() const { return t_.slice_idle == 0 && hw_tag_ != 0; }

  // --- E.13 close cooperators
  void set_coop_ops(CoopOps* ops) { coop_ = ops; }
  Queue* cfq_close_cooperator(const Queue* cur) const;
  Queue* cfqq_close(const Queue* cur) const;
  const std::map<uint64_t, Queue*>& prio_tree(int level) const { return prio_trees_[level]; }

  // --- E.10 preemption
  bool cfq_should_preempt(Queue* new_q, const Rq* rq, jiffies_t now) const;

  // --- state for the glue, the report and tests
  Queue* active_queue() const { return active_queue_; }
  unsigned busy_queues() const { return busy_queues_; }
  unsigned rq_queued() const { return rq_queued_; }
  int hw_tag() const { return hw_tag_; }
  const Tunables& tunables() const { return t_; }
  const CfqStats& stats() const { return stats_; }
  const GroupTree& group_tree() const { return grp_service_tree_; }
  std::vector<const Group*> groups() const;
  int serving_prio() const { return serving_prio_; }
  int serving_type() const { return serving_type_; }
  void set_last_position(uint64_t s) { last_position_ = s; }

 private:
  void __cfq_set_active_queue(Queue* q, jiffies_t now);
  void __cfq_slice_expired(Queue* q, bool timed_out, jiffies_t now);
  void cfq_set_prio_slice(Queue* q, jiffies_t now);
  bool cfq_dispatch_request(Queue* q, jiffies_t now);
  void cfq_dispatch_insert(Rq* rq);
  void cfq_remove_request(Rq* rq);
  void cfq_add_rq_rb(Rq* rq, jiffies_t now);
  void cfq_del_rq_rb(Rq* rq);
  void cfq_rq_enqueued(Queue* q, Rq* rq, jiffies_t now);
  void cfq_preempt_queue(Queue* q, jiffies_t now);
  void cfq_update_io_thinktime(Queue* q, jiffies_t now);
  void cfq_update_io_seektime(Queue* q, const Rq* rq);
  void cfq_update_hw_tag();
  void cfq_prio_tree_add(Queue* q);
  void cfq_prio_tree_del(Queue* q);
  void cfq_group_notify_queue_add(Group* g);
  void cfq_group_notify_queue_del(Group* g);
  void cfq_group_service_tree_add(Group* g);
  void cfq_group_service_tree_del(Group* g);
  Group* cfq_get_next_cfqg();
  void mod_timer(jiffies_t expires, jiffies_t now);
  void del_timer(jiffies_t now);

  Tunables t_;
  bool rotational_;
  GroupTree grp_service_tree_;
  Group root_group_;
  std::vector<std::unique_ptr<Group>> groups_;
  std::vector<std::unique_ptr<Queue>> queue_pool_; // recycled Queue objects
  Queue* active_queue_  = nullptr;
  bool active_cic_      = false; // E.6: set on the first dispatch of a slice (no ioc ref is modelled here)
  Group* serving_group_ = nullptr;
  int serving_prio_ = BE_WORKLOAD, serving_type_ = SYNC_NOIDLE_WORKLOAD;
  jiffies_t workload_expires_ = 0;
  unsigned busy_queues_ = 0, busy_sync_queues_ = 0, rq_queued_ = 0;
  int rq_in_driver_ = 0, rq_in_flight_[2] = {0, 0};
  int hw_tag_ = -1, hw_tag_est_depth_ = 0, hw_tag_samples_ = 0;
  uint64_t last_position_ = 0;
  jiffies_t last_delayed_sync_;
  bool timer_pending_      = false;
  jiffies_t timer_expires_ = 0, timer_armed_at_ = 0;
  CfqStats stats_;
  Rq* dispatched_ = nullptr;
  std::map<uint64_t, Queue*> prio_trees_[IOPRIO_BE_NR]; // E.13, by org_ioprio
  CoopOps* coop_ = nullptr;
};

} // namespace iosim::cfq
