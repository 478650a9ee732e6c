// cic life cycle in cfq-iosched.c of 3.1/3.2 (unchanged by 6e736be7, C.9): allocation, lookup
// with lazy dropping of dead cics (B.8 Q2, D.8), linking (B.8 Q3, D.7), the ioc's dtor
// (B.4 P3) and exit (B.5 E6).
#include <algorithm>
#include <string>

#include "ioc_api.hpp"

namespace iosim::kernel {

/**
 * cic_to_cfqd - A.3: the cfqd of a live key, NULL for a dead (or garbage) key.
 * Caller: any; the load is unlocked (D.8: a stale live key can be seen).
 */
cfq_data* cic_to_cfqd(Kernel& k, cfq_io_context* cic, const char* label)
{
  const std::uint64_t key = k.load(cic->key, label, "cic_to_cfqd");
  if (key & CIC_DEAD_KEY)
    return nullptr;
  cfq_data* cfqd = k.cfqd_by_id(static_cast<int>(key >> 1));
  return cfqd && !cfqd->exited ? cfqd : nullptr;
}

/**
 * cfq_alloc_io_context - B.8 Q3: a zeroed cic, last_end_request = now.
 * Caller: current, no lock held. Returns a new unlinked cic or nullptr.
 */
cfq_io_context* cfq_alloc_io_context(Kernel& k, cfq_data*, Gfp gfp)
{
  cfq_io_context* cic = k.kmem_cache_alloc(k.cic_cache, gfp, "Q3a", "cfq_alloc_io_context");
  if (!cic)
    return nullptr;
  k.mem.store(cic->key, 0); // __GFP_ZERO
  k.mem.store(cic->changed, 0);
  cic->last_end_request = k.now();
  return cic;
}

/**
 * cfq_cic_free - free a cic through call_rcu.
 * Caller: any; @cic must be unreachable for new lookups.
 */
void cfq_cic_free(Kernel& k, cfq_io_context* cic) { k.call_rcu_free(cic, "cic_free"); }

/**
 * cfq_cic_lookup - B.8 Q2: hint, then radix lookup; dead cics are dropped and the lookup
 * retried; a hit is stored as the hint under ioc->lock. Not under queue_lock (D.8).
 * Caller: current, no lock held, holding a reference on @ioc. Returns the cic, no reference.
 */
cfq_io_context* cfq_cic_lookup(Kernel& k, cfq_data* cfqd, io_context* ioc)
{
  static const char* f = "cfq_cic_lookup";
  const std::uint64_t live = cfqd_live_key(cfqd->id);
  if (cfq_io_context* hint = k.cic_ptr(k.load(ioc->ioc_data, "Q2a", f), "ioc->ioc_data"))
    if (k.load(hint->key, "Q2b", f) == live)
      return hint;
  for (unsigned tries = 0; tries <= k.cfg.retry_bound; ++tries) {
    k.load(ioc->radix_root, "Q2c", f);
    auto it = ioc->radix.find(static_cast<std::uint64_t>(cfqd->id));
    if (it == ioc->radix.end())
      return nullptr;
    cfq_io_context* cic = k.cic_ptr(it->second, "radix_tree_lookup");
    if (!cic)
      return nullptr;
    if (k.load(cic->key, "Q2d", f) != live) {
      cfq_drop_dead_cic(k, cfqd, ioc, cic);
      continue;
    }
    k.spin_lock(ioc->lock, &ioc->lock_word, "Q2e", f);
    k.store(ioc->ioc_data, cic->id, "Q2f", f);
    k.spin_unlock(ioc->lock, "Q2g", f);
    return cic;
  }
  k.report(Kind::livelock, "D.10", {ioc->id}, "cfq_cic_lookup kept finding dead cics");
  return nullptr;
}

/**
 * cfq_drop_dead_cic - B.8 Q2: delete the radix entry (by key) and the hlist entry, free via RCU.
 * Two tasks sharing @ioc can both drop the same cic (D.8): the second radix delete may remove a
 * new live cic; the second hlist delete faults on LIST_POISON (recorded; the free is skipped).
 * Caller: current, no lock held.
 */
void cfq_drop_dead_cic(Kernel& k, cfq_data* cfqd, io_context* ioc, cfq_io_context* cic)
{
  static const char* f = "cfq_drop_dead_cic";
  k.oracle.mark_checked(Kind::double_free);
  k.spin_lock(ioc->lock, &ioc->lock_word, "DD1", f);
  k.step("DD2", StepKind::store, f);
  auto it = ioc->radix.find(static_cast<std::uint64_t>(cfqd->id));
  if (it != ioc->radix.end()) {
    if (it->second != cic->id)
      k.report(Kind::double_free, "D.8", {it->second, cic->id},
               "radix delete by the key of dead cic#" + std::to_string(cic->id) + " removed live cic#" +
                   std::to_string(it->second));
    ioc->radix.erase(it);
  }
  k.step("DD3", StepKind::store, f);
  if (!cic->on_ioc_list) {
    k.report(Kind::double_free, "D.8", {cic->id},
             "second hlist_del of dead cic#" + std::to_string(cic->id) + " faults on LIST_POISON");
    k.spin_unlock(ioc->lock, "DD4", f);
    return;
  }
  ioc->cic_list.erase(std::find(ioc->cic_list.begin(), ioc->cic_list.end(), cic->id));
  cic->on_ioc_list = false;
  k.spin_unlock(ioc->lock, "DD4", f);
  cfq_cic_free(k, cic);
}

/**
 * cfq_cic_link - B.8 Q3: set ioc and key, insert under ioc->lock, then add to cfqd->cic_list
 * under queue_lock. -kEEXIST when another task sharing @ioc linked first (D.7).
 * Caller: current, no lock held. Returns 0 or a negative errno.
 */
int cfq_cic_link(Kernel& k, cfq_data* cfqd, io_context* ioc, cfq_io_context* cic, Gfp)
{
  static const char* f = "cfq_cic_link";
  k.step("L1", StepKind::compute, f); // radix_tree_preload
  cic->ioc = ioc->id;
  k.store(cic->key, cfqd_live_key(cfqd->id), "L2", f);
  k.spin_lock(ioc->lock, &ioc->lock_word, "L3", f);
  k.load(ioc->radix_root, "L4", f);
  int ret = 0;
  const auto key = static_cast<std::uint64_t>(cfqd->id);
  if (ioc->radix.count(key)) {
    ret = -kEEXIST;
  } else {
    ioc->radix[key] = cic->id;
    k.mem.load(ioc->cic_list_head);
    ioc->cic_list.insert(ioc->cic_list.begin(), cic->id);
    cic->on_ioc_list = true;
  }
  k.spin_unlock(ioc->lock, "L5", f);
  if (!ret) {
    k.spin_lock(cfqd->queue_lock, nullptr, "L6", f);
    cfqd->cic_list.push_back(cic);
    cic->on_cfqd_list = true;
    k.spin_unlock(cfqd->queue_lock, "L7", f);
  }
  k.oracle.mark_checked(Kind::cic_link_failed);
  if (ret && !k.alloc_failure_injected())
    k.report(Kind::cic_link_failed, "D.7", {ioc->id, cic->id},
             "cic link failed (" + std::to_string(ret) + ") for ioc#" + std::to_string(ioc->id) + " on " + cfqd->name);
  return ret;
}

/**
 * cfq_free_io_context - B.4 P3 (the cics' dtor): cic_free_func on every cic. A live key is the
 * BUG_ON of cic_free_func: recorded as refcount_underflow (R, B.4) and nothing more is freed.
 * Caller: the final put_io_context, under rcu_read_lock. Returns false if the BUG fired.
 */
bool cfq_free_io_context(Kernel& k, io_context* ioc)
{
  static const char* f = "cic_free_func";
  const std::vector<std::uint64_t> cics = ioc->cic_list;
  for (std::uint64_t id : cics) {
    cfq_io_context* cic = k.cic_ptr(id, "ioc->cic_list");
    if (!cic)
      continue;
    const std::uint64_t key = k.load(cic->key, "P3a", f);
    if (!(key & CIC_DEAD_KEY)) {
      k.report(Kind::refcount_underflow, "B.4, D.4(b)", {ioc->id, cic->id},
               "final put of ioc#" + std::to_string(ioc->id) + " while cic#" + std::to_string(id) +
                   " still has a live key (BUG in cic_free_func)");
      return false;
    }
    k.spin_lock(ioc->lock, &ioc->lock_word, "P3b", f);
    ioc->radix.erase(key >> 1);
    auto it = std::find(ioc->cic_list.begin(), ioc->cic_list.end(), id);
    if (it != ioc->cic_list.end())
      ioc->cic_list.erase(it);
    cic->on_ioc_list = false;
    k.spin_unlock(ioc->lock, "P3c", f);
    cfq_cic_free(k, cic);
  }
  return true;
}

/**
 * __cfq_exit_single_io_context - B.5 E6 body: unlink from cfqd, WMB, dead key, clear the hint,
 * exit the async then the sync queue.
 * Caller: holds cfqd->queue_lock.
 */
static void __cfq_exit_single_io_context(Kernel& k, cfq_data* cfqd, cfq_io_context* cic)
{
  static const char* f = "__cfq_exit_single_io_context";
  k.exec.assert_held(cfqd->queue_lock);
  k.step("E6e", StepKind::store, f);
  auto it = std::find(cfqd->cic_list.begin(), cfqd->cic_list.end(), cic);
  if (it != cfqd->cic_list.end())
    cfqd->cic_list.erase(it);
  cic->on_cfqd_list = false;
  k.smp_wmb("E6f", f); // useless, as "fix cic lookup locking" notes (D.8)
  k.store(cic->key, cfqd_dead_key(cfqd->id), "E6g", f);
  if (io_context* ioc = k.ioc_ptr(cic->ioc, "cic->ioc"))
    if (k.load(ioc->ioc_data, "E6h", f) == cic->id) {
      k.spin_lock(ioc->lock, &ioc->lock_word, "E6i", f);
      k.mem.store(ioc->ioc_data, 0);
      k.spin_unlock(ioc->lock, "E6j", f);
    }
  for (int rw : {ASYNC, SYNC})
    if (cfq_queue* q = cic->cfqq[rw]) {
      cic->cfqq[rw] = nullptr;
      cfq_exit_cfqq(k, cfqd, q);
    }
}

/**
 * cfq_exit_single_io_context - B.5 E6 per cic: for a live key, take queue_lock, re-check the
 * key and exit the cic. The cic stays linked in the ioc (removed lazily by P3 or Q2).
 * Caller: exit_io_context (nr_tasks reached 0), no lock held.
 */
static void cfq_exit_single_io_context(Kernel& k, cfq_io_context* cic)
{
  static const char* f = "cfq_exit_single_io_context";
  cfq_data* cfqd = cic_to_cfqd(k, cic, "E6a");
  if (!cfqd)
    return;
  k.spin_lock(cfqd->queue_lock, nullptr, "E6b", f);
  k.step("E6c", StepKind::barrier, f); // smp_read_barrier_depends: a no-op
  if (k.load(cic->key, "E6d", f) == cfqd_live_key(cfqd->id))
    __cfq_exit_single_io_context(k, cfqd, cic);
  k.spin_unlock(cfqd->queue_lock, "E6k", f);
}

/**
 * cfq_exit_io_context - B.5 E6: RCU walk of the ioc's cics.
 * Caller: exit_io_context, no lock held.
 */
void cfq_exit_io_context(Kernel& k, io_context* ioc)
{
  const std::vector<std::uint64_t> cics = ioc->cic_list;
  for (std::uint64_t id : cics)
    if (cfq_io_context* cic = k.cic_ptr(id, "ioc->cic_list"))
      cfq_exit_single_io_context(k, cic);
}

/**
 * cfq_exit_all_cics - E.14 cfq_exit_queue: exit every cic on cfqd->cic_list (dead keys, queues
 * put; the cics stay in their iocs).
 * Caller: holds cfqd->queue_lock.
 */
void cfq_exit_all_cics(Kernel& k, cfq_data* cfqd)
{
  while (!cfqd->cic_list.empty())
    __cfq_exit_single_io_context(k, cfqd, cfqd->cic_list.front());
}

} // namespace iosim::kernel
