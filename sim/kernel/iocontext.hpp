// struct io_context (spec A.2) and struct cfq_io_context, the "cic" (spec A.3). Fields that
// other tasks read without a lock shared with the writer are Cells under the memory model.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "exec.hpp"
#include "memory.hpp"
#include "object.hpp"

namespace iosim::kernel {

struct cfq_queue;

struct io_context : KObject {
  io_context() : KObject("io_context") {}

  Cell refcount{this, "ioc.refcount", true}; ///< first word: SLUB's free pointer lands here
  Cell nr_tasks{this, "ioc.nr_tasks"};
  Cell lock_word{this, "ioc.lock"};          ///< initialised by AL2/CR2 (spin_lock_init)
  SpinLock lock{"ioc->lock"};
  Cell ioprio{this, "ioc.ioprio"};           ///< versioned word, see ioprio.hpp
  Cell ioprio_changed{this, "ioc.ioprio_changed"};
  Cell cgroup_changed{this, "ioc.cgroup_changed"};
  Cell nr_batch_requests{this, "ioc.nr_batch_requests"};
  Cell last_waited{this, "ioc.last_waited"};
  Cell radix_root{this, "ioc.radix_root"};   ///< INIT_RADIX_TREE
  Cell cic_list_head{this, "ioc.cic_list"};  ///< INIT_HLIST_HEAD
  Cell ioc_data{this, "ioc.ioc_data"};       ///< lookup hint: cic id

  // The containers behind radix_root and cic_list (guarded by ioc->lock for updates).
  std::map<std::uint64_t, std::uint64_t> radix; ///< key (cfqd id) -> cic id
  std::vector<std::uint64_t> cic_list;          ///< cic ids, newest first (hlist_add_head)

  Cell* freeptr_cell() override { return &refcount; }
  void reset_bookkeeping() override
  {
    radix.clear();
    cic_list.clear();
    lock.owner = nullptr;
  }
};

/// A.3 CIC_DEAD_KEY: a dead key is (q->id << 1) | 1; a live key is the cfqd (here id << 1).
constexpr std::uint64_t CIC_DEAD_KEY = 1;
constexpr std::uint64_t cfqd_live_key(int cfqd_id) { return static_cast<std::uint64_t>(cfqd_id) << 1; }
constexpr std::uint64_t cfqd_dead_key(int cfqd_id) { return cfqd_live_key(cfqd_id) | CIC_DEAD_KEY; }

/// G.1 (dc86900e) per-cic change bits.
constexpr unsigned CIC_IOPRIO_CHANGED = 0;
constexpr unsigned CIC_CGROUP_CHANGED = 1;

struct cfq_io_context : KObject {
  cfq_io_context() : KObject("cfq_io_context") {}

  Cell key{this, "cic.key"};         ///< first word (A.3); live or dead key
  Cell changed{this, "cic.changed"}; ///< G.1 only
  cfq_queue* cfqq[2] = {nullptr, nullptr}; ///< [0] async, [1] sync; under queue_lock
  std::uint64_t ioc = 0;             ///< back pointer (ioc id), set before publication
  std::uint64_t last_end_request = 0;
  bool on_ioc_list = false;          ///< hlist linked in ioc->cic_list (else LIST_POISON)
  bool on_cfqd_list = false;         ///< linked in cfqd->cic_list

  // Shadow for the oracle: version of ioc->ioprio the async mapping was chosen with (D.5).
  std::uint64_t async_ioprio_version = 0;

  Cell* freeptr_cell() override { return &key; }
  void reset_bookkeeping() override
  {
    cfqq[0] = cfqq[1] = nullptr;
    ioc = 0;
    on_ioc_list = on_cfqd_list = false;
    async_ioprio_version = 0;
  }
};

} // namespace iosim::kernel
