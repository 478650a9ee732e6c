// cfq: the elevator glue. Request setup and release run in the kernel model (spec E.14:
// cfq_set_request -> cfq_get_io_context through the ioc API, queue mapping E.2, cfq_init_prio_data
// on insert, cfq_put_request), so a queue, its class and level and its group are always the ones
// the kernel delivered (B.8, G.1). The scheduling (E.3-E.12) is cfq::CfqData, keyed by those
// kernel queues and groups; the kernel tells it when it expires the active queue or frees a queue.
// Queue merging (E.13) is found by the scheduler and done by the kernel model (CoopOps below).
#include "kernel/process.hpp"
#include "schedulers/cfq/cfq_data.hpp"

namespace iosim
{

namespace
{
class CfqElevator : public Elevator, public kernel::cfq_sched_ops, public cfq::CoopOps
{
 public:
  CfqElevator(kernel::Kernel& k, kernel::cfq_data* kd, const cfq::Tunables& t, const ElevatorDeviceInfo& info)
      : k_(k), kd_(kd), cfqd_(t, info.rotational), hz_(uint64_t(t.hz)), weights_(info.cgroup_weights)
  {
    kd_->sched = this;
    cfqd_.set_coop_ops(this);
  }

  uint64_t next_timer_ns() const override
  {
    if (!cfqd_.timer_pending()) return UINT64_MAX;
    return ns_of(cfqd_.timer_expires());
  }
  void timer_fired(uint64_t now_ns) override
  {
    cfqd_.cfq_idle_slice_timer(jiffies(now_ns));
    sync_active();
  }
  nlohmann::json report() const override;

  // kernel::cfq_sched_ops: called by the kernel model with queue_lock held.
  void slice_expired_by_kernel() override
  {
    cfqd_.cfq_slice_expired(false, jiffies(k_.now()));
    sync_active();
  }
  // cfq::CoopOps: the merge state lives in the kernel's cfq_queue (E.13).
  static kernel::cfq_queue* kq_of(const cfq::Queue* q) { return static_cast<kernel::cfq_queue*>(q->kernel_q); }
  bool cfq_cfqq_coop(const cfq::Queue* q) const override { return kq_of(q)->coop; }
  void cfq_mark_cfqq_split_coop(cfq::Queue* q) override { kq_of(q)->split_coop = true; }
  void cfq_setup_merge(cfq::Queue* q, cfq::Queue* new_q) override
  {
    if (!kq_of(q)->new_cfqq) kernel::cfq_setup_merge(k_, kq_of(q), kq_of(new_q));
  }

  void queue_freed(kernel::cfq_queue* kq) override
  {
    if (auto* q = static_cast<cfq::Queue*>(kq->sched)) cfqd_.free_queue(q, jiffies(k_.now()));
    kq->sched = nullptr;
    sync_active();
  }

 private:
  cfq::jiffies_t jiffies(uint64_t ns) const { return cfq::jiffies_t((unsigned __int128)ns * hz_ / 1000000000u); }
  uint64_t ns_of(cfq::jiffies_t j) const
  {
    return uint64_t(((unsigned __int128)uint64_t(j) * 1000000000u + hz_ - 1) / hz_);
  }
  // The kernel model's cfqd->active_queue mirrors the scheduler's (cfq_put_queue and
  // cfq_exit_cfqq test it, E.14).
  void sync_active()
  {
    cfq::Queue* a     = cfqd_.active_queue();
    kd_->active_queue = a ? static_cast<kernel::cfq_queue*>(a->kernel_q) : nullptr;
  }
  cfq::Group* group_for(kernel::cfq_group* kg)
  {
    if (kg->blkcg_id == 0) return cfqd_.root_group();
    if (!kg->sched) {
      int w     = size_t(kg->blkcg_id) < weights_.size() ? weights_[size_t(kg->blkcg_id)] : cfq::BLKIO_WEIGHT_DEFAULT;
      kg->sched = cfqd_.alloc_group(kg->blkcg_id, w);
      static_cast<cfq::Group*>(kg->sched)->kernel_g = kg;
    }
    return static_cast<cfq::Group*>(kg->sched);
  }
  // The scheduler's half of the request's kernel queue, with the class and level that
  // cfq_init_prio_data left in it (E.2).
  cfq::Queue* queue_for(kernel::cfq_queue* kq)
  {
    auto* q = static_cast<cfq::Queue*>(kq->sched);
    if (!q) {
      q           = cfqd_.alloc_queue(group_for(kq->cfqg), kq->sync, kq->pid);
      q->kernel_q = kq;
      kq->sched   = q;
    }
    q->ioprio       = kq->ioprio;
    q->org_ioprio   = kq->org_ioprio;
    q->ioprio_class = kq->ioprio_class ? kq->ioprio_class : cfq::CLASS_BE;
    if (q->ioprio_class == cfq::CLASS_IDLE) q->idle_window = false; // cfq_init_prio_data
    return q;
  }

  // Runs in the issuing task's context, before queue_lock (B.8 / C.9).
  bool do_set_request(Request& rq, uint64_t) override
  {
    kernel::request* krq = kernel::submit_io(k_, kd_, rq.sync);
    rq.elv_private[0]    = krq;
    return krq != nullptr;
  }
  void do_add_request(Request& rq, uint64_t now_ns) override
  {
    auto* krq         = static_cast<kernel::request*>(rq.elv_private[0]);
    auto* crq         = new cfq::Rq;
    crq->r            = &rq;
    crq->q            = queue_for(krq->cfqq);
    crq->sector       = rq.offset / 512;
    crq->nr_sectors   = (rq.bytes + 511) / 512;
    crq->sync         = rq.sync;
    crq->start_time   = jiffies(rq.submit_ns);
    rq.elv_private[1] = crq;
    cfqd_.cfq_insert_request(crq, jiffies(now_ns));
    sync_active();
  }
  Request* do_dispatch(uint64_t now_ns) override
  {
    cfq::Rq* crq = cfqd_.cfq_dispatch_requests(jiffies(now_ns));
    sync_active();
    if (!crq) return nullptr;
    cfqd_.cfq_activate_request(crq);
    return crq->r;
  }
  void do_completed(Request& rq, uint64_t now_ns) override
  {
    auto* crq = static_cast<cfq::Rq*>(rq.elv_private[1]);
    cfqd_.cfq_completed_request(crq, jiffies(now_ns));
    rq.elv_private[1] = nullptr;
    delete crq;
    sync_active();
  }
  // Runs in the completion context of the device; may free the queue (queue_freed).
  void do_put_request(Request& rq) override
  {
    if (rq.elv_private[0]) kernel::complete_io(k_, static_cast<kernel::request*>(rq.elv_private[0]));
    rq.elv_private[0] = nullptr;
  }

  kernel::Kernel& k_;
  kernel::cfq_data* kd_;
  cfq::CfqData cfqd_;
  uint64_t hz_;
  std::vector<int> weights_;
};

nlohmann::json CfqElevator::report() const
{
  const cfq::CfqStats& s = cfqd_.stats();
  nlohmann::json groups  = nlohmann::json::array();
  for (const cfq::Group* g : cfqd_.groups())
    groups.push_back({{"blkcg", g->blkcg_id},
                      {"weight", g->weight},
                      {"charged_ms", double(g->charged_jiffies) * 1000.0 / double(hz_)},
                      {"vdisktime", g->vdisktime},
                      {"charged_vdisktime", g->charged_vdisktime}});
  nlohmann::json by_pid = nlohmann::json::object();
  for (const auto& [pid, c] : s.charged_by_pid)
    by_pid[std::to_string(pid)] = {{"charged_ms", double(c.first) * 1000.0 / double(hz_)}, {"slices", c.second}};
  return {{"hz", hz_},
          {"charged_by_pid", by_pid},
          {"slices", s.slices},
          {"preemptions", s.preemptions},
          {"idle_timer_armed", s.idle_timer_armed},
          {"idle_timer_fired", s.idle_timer_fired},
          {"idle_ms", double(s.idle_jiffies) * 1000.0 / double(hz_)},
          {"fifo_expired_dispatches", s.fifo_expired_dispatches},
          {"close_cooperators", s.close_cooperators},
          {"coop_merges", kd_->coop_merges},
          {"coop_splits", kd_->coop_splits},
          {"hw_tag", cfqd_.hw_tag()},
          {"groups", groups}};
}
} // namespace

ElevatorType cfq_elevator_type()
{
  return {"cfq",
          "Completely Fair Queueing of Linux 3.2/3.3 (block/cfq-iosched.c): per-process queues, slices by "
          "ioprio, idling, blkio groups by weight; request setup through the kernel model's ioc API",
          cfq::cfq_tunable_table(),
          [](const nlohmann::json& tun, const ElevatorDeviceInfo& info) -> std::unique_ptr<Elevator> {
            return std::make_unique<CfqElevator>(*info.k, info.cfqd, cfq::tunables_from_json(tun, info.hz), info);
          },
          cfq::cfq_default_at_hz};
}

} // namespace iosim
