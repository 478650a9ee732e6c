// Generic invariants of the oracle table (architecture.md "The oracle"): hooks on memory traffic
// and checks at settle time and at quiescence. None of them knows which scenario runs.
#include <string>

#include "ioc_api.hpp"
#include "ioprio.hpp"
#include "kernel.hpp"

namespace iosim::kernel {

void Kernel::on_access(task_struct*, Cell& c, bool write)
{
  oracle.mark_checked(Kind::use_after_free);
  if (c.owner && !c.owner->live)
    report(Kind::use_after_free, "D.4(b), D.9", {c.owner->id},
           std::string(write ? "write to " : "read of ") + c.name + " of a freed " + c.owner->type);
}

void Kernel::on_poison_read(task_struct*, Cell& c)
{
  report(Kind::uninit_read, "D.4", {c.owner ? c.owner->id : 0},
         std::string("read of never-initialised ") + c.name + " (poison)");
}

void Kernel::on_commit(int writer_pid, Cell& c, std::uint64_t old_v, std::uint64_t new_v)
{
  oracle.mark_checked(Kind::uninit_read);
  auto* t = dynamic_cast<task_struct*>(c.owner);
  if (!t || &c != &t->io_context)
    return;
  oracle.mark_checked(Kind::ioc_overwritten);
  oracle.mark_checked(Kind::ioc_after_exit);
  const bool had = old_v != 0 && old_v != kPoison;
  if (had && new_v != 0 && new_v != old_v) {
    const Lifetime* prev = reg.lifetime(old_v);
    report(Kind::ioc_overwritten, "D.1, D.2", {old_v, new_v},
           "task " + std::to_string(t->pid) + " io_context ioc#" + std::to_string(old_v) + " overwritten by ioc#" +
               std::to_string(new_v),
           {writer_pid, t->pid, prev ? prev->alloc_pid : 0});
  }
  if (new_v != 0 && t->io_exit_done)
    report(Kind::ioc_after_exit, "D.3, D.3b", {new_v},
           "ioc#" + std::to_string(new_v) + " installed in task " + std::to_string(t->pid) +
               " after its exit_io_context ran (or was skipped)",
           {writer_pid, t->pid});
}

void Kernel::on_lost_rmw(Cell& c, int store_pid, int rmw_pid)
{
  if (c.is_refcount)
    report(Kind::refcount_underflow, "D.4(b)", {c.owner ? c.owner->id : 0},
           std::string("atomic update of ") + c.name + " by pid " + std::to_string(rmw_pid) +
               " overwritten by an older initialising store: a reference is lost",
           {store_pid, rmw_pid});
}

void Kernel::check_reaped(task_struct* t)
{
  oracle.mark_checked(Kind::ioc_after_exit);
  const std::uint64_t ioc = mem.committed(t->io_context);
  if (ioc != 0 && ioc != kPoison)
    report(Kind::ioc_after_exit, "D.3, D.3b", {ioc},
           "task " + std::to_string(t->pid) + " reaped with ioc#" + std::to_string(ioc) + " still attached",
           {t->pid});
}

static bool cic_is_live(Kernel& k, cfq_io_context* cic, cfq_data* cfqd)
{
  return cic->live && k.mem.committed(cic->key) == cfqd_live_key(cfqd->id);
}

void Kernel::check_sync_queue_unique(cfq_data* cfqd, cfq_queue* cfqq)
{
  oracle.mark_checked(Kind::duplicate_sync_queue);
  for (cfq_io_context* cic : cfqd->cic_list) {
    cfq_queue* other = cic->cfqq[SYNC];
    // A queue that was ever shared by merged processes (E.13) keeps its creator's pid while
    // another process uses it, so pid equality says nothing there.
    if (other && other != cfqq && other->pid == cfqq->pid && !other->coop_ever && !cfqq->coop_ever &&
        cic_is_live(*this, cic, cfqd))
      report(Kind::duplicate_sync_queue, "D.2", {cfqq->id, other->id},
             "two live sync queues for task " + std::to_string(cfqq->pid) + " on " + cfqd->name, {cfqq->pid});
  }
}

void Kernel::note_ioprio_set(task_struct* t, std::uint64_t version) { ioprio_want_[t->pid] = version; }

void Kernel::check_ioprio_of(task_struct* t, std::uint64_t want)
{
  const char* spec = "D.1, D.5, D.6";
  io_context* ioc = dynamic_cast<io_context*>(reg.slot_of(mem.committed(t->io_context)));
  if (!ioc || !ioc->live) {
    report(Kind::ioprio_lost, spec, {t->id},
           "ioprio_set(" + std::to_string(t->pid) + ") returned 0 but the task has no io_context", {t->pid});
    return;
  }
  const std::uint64_t have = ioprio_version_of(mem.committed(ioc->ioprio));
  if (have != want) {
    report(Kind::ioprio_lost, spec, {ioc->id},
           "task " + std::to_string(t->pid) + " runs with ioprio version " + std::to_string(have) +
               ", ioprio_set promised version " + std::to_string(want),
           {t->pid});
    return;
  }
  const bool cic_bits = api().version() == IocApiVersion::cic_changed;
  if (!cic_bits && mem.committed(ioc->ioprio_changed) != 0)
    return; // change still pending: the next request applies it
  for (std::uint64_t id : ioc->cic_list) {
    auto* cic = dynamic_cast<cfq_io_context*>(reg.slot_of(id));
    cfq_data* cfqd = cic ? cfqd_by_id(static_cast<int>(mem.committed(cic->key) >> 1)) : nullptr;
    if (!cfqd || !cic_is_live(*this, cic, cfqd))
      continue;
    if (cic_bits && (mem.committed(cic->changed) >> CIC_IOPRIO_CHANGED & 1))
      continue;
    if (cic->cfqq[ASYNC] && cic->async_ioprio_version != want)
      report(Kind::ioprio_lost, spec, {cic->id},
             "async queue of cic#" + std::to_string(cic->id) + " chosen with ioprio version " +
                 std::to_string(cic->async_ioprio_version) + ", latest is " + std::to_string(want),
             {t->pid});
    // A merged queue (E.13) runs with the ioprio of whichever of its processes inserted after
    // the last change: it cannot derive from each of them, so it is not checked.
    cfq_queue* q = cic->cfqq[SYNC];
    if (q && !q->coop && !q->prio_changed && q->prio_version != want)
      report(Kind::ioprio_lost, spec, {q->id},
             "sync cfqq#" + std::to_string(q->id) + " priority from ioprio version " +
                 std::to_string(q->prio_version) + ", latest is " + std::to_string(want),
             {t->pid});
  }
}

void Kernel::check_cgroup_of(cfq_queue* q)
{
  task_struct* t = task_by_pid(q->pid);
  if (!t || t->state != TaskState::running || !q->cfqg || q->cfqg->blkcg_id == t->blkcg_id)
    return;
  if (q->coop)
    return; // shared by merged processes (E.13): q->pid names only its creator
  io_context* ioc = dynamic_cast<io_context*>(reg.slot_of(mem.committed(t->io_context)));
  if (ioc && ioc->live) {
    if (api().version() != IocApiVersion::cic_changed && mem.committed(ioc->cgroup_changed) != 0)
      return;
    if (api().version() == IocApiVersion::cic_changed)
      for (std::uint64_t id : ioc->cic_list)
        if (auto* cic = dynamic_cast<cfq_io_context*>(reg.slot_of(id)))
          if (cic->live && cic->cfqq[SYNC] == q && (mem.committed(cic->changed) >> CIC_CGROUP_CHANGED & 1))
            return;
  }
  report(Kind::cgroup_change_lost, "D.6", {q->id},
         "sync cfqq#" + std::to_string(q->id) + " of task " + std::to_string(t->pid) + " is in blkcg " +
             std::to_string(q->cfqg->blkcg_id) + ", the task is in blkcg " + std::to_string(t->blkcg_id),
         {t->pid});
}

void Kernel::check_settled()
{
  in_global_check_ = true;
  oracle.mark_checked(Kind::ioprio_lost);
  oracle.mark_checked(Kind::cgroup_change_lost);
  // Tasks sharing an io_context (CLONE_IO) share its ioprio: an ioprio_set on any of them is a
  // promise for all, and the latest one (versions only grow) is what they must run with.
  std::map<std::uint64_t, std::uint64_t> latest; // io_context id -> newest promised version
  for (task_struct* t : task_cache.live_objects()) {
    auto it = ioprio_want_.find(t->pid);
    if (t->state == TaskState::running && it != ioprio_want_.end()) {
      std::uint64_t& v = latest[mem.committed(t->io_context)];
      v                = std::max(v, it->second);
    }
  }
  for (task_struct* t : task_cache.live_objects()) {
    auto it = ioprio_want_.find(t->pid);
    if (t->state == TaskState::running && it != ioprio_want_.end())
      check_ioprio_of(t, std::max(it->second, latest[mem.committed(t->io_context)]));
  }
  for (const auto& cfqd : cfqds)
    for (cfq_io_context* cic : cfqd->cic_list)
      if (cic->cfqq[SYNC] && cic_is_live(*this, cic, cfqd.get())) {
        check_cgroup_of(cic->cfqq[SYNC]);
        check_sync_queue_unique(cfqd.get(), cic->cfqq[SYNC]);
      }
  in_global_check_ = false;
}

void Kernel::check_quiescence()
{
  in_global_check_ = true;
  rcu_barrier();
  mem.drain_everything();
  oracle.mark_checked(Kind::ioc_leaked);
  for (io_context* ioc : ioc_cache.live_objects()) {
    const Lifetime* l = reg.lifetime(ioc->id);
    report(Kind::ioc_leaked, "D.1, D.2, D.3", {ioc->id},
           "ioc#" + std::to_string(ioc->id) + " never freed: refcount " + std::to_string(mem.committed(ioc->refcount)) +
               ", nr_tasks " + std::to_string(mem.committed(ioc->nr_tasks)) + ", holders 0 (C.11)",
           {l ? l->alloc_pid : 0});
  }
  for (cfq_io_context* cic : cic_cache.live_objects())
    report(Kind::ioc_leaked, "D.2", {cic->id},
           "cic#" + std::to_string(cic->id) + " of ioc#" + std::to_string(cic->ioc) + " never freed");
  in_global_check_ = false;
}

} // namespace iosim::kernel
