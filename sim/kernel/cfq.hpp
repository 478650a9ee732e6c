// CFQ request setup (spec A.4, E.2, E.14, B.8): per-device cfq_data, sync queue per
// cic, shared async queues, groups, cfq_set_request / cfq_put_request with the refs of C.11.
// The scheduling half lives in schedulers/cfq/ and is told through cfq_data::sched.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "exec.hpp"
#include "iocontext.hpp"
#include "ioprio.hpp"
#include "object.hpp"

namespace iosim::kernel {

class Kernel;
enum class Gfp;
struct task_struct;
struct cfq_data;

constexpr int ASYNC = 0;
constexpr int SYNC = 1;

/// cfq_group: one per (blkio cgroup, device) (A.4, F).
struct cfq_group {
  int blkcg_id = 0;
  int ref = 0;
  void* sched = nullptr; ///< the scheduler's state for this group (schedulers/cfq), not kernel data
  std::uint64_t blkcg_gen = 0; ///< shadow: generation of the creator's cgroup when chosen
};

/// cfq_queue (A.4). Guarded by queue_lock, so plain fields.
struct cfq_queue : KObject {
  cfq_queue() : KObject("cfq_queue") {}

  int ref = 0;
  cfq_data* cfqd = nullptr;
  bool sync = false;
  int pid = 0;
  int ioprio = 0, org_ioprio = 0, ioprio_class = 0;
  bool prio_changed = false;
  bool idle_window = false;
  int allocated[2] = {0, 0};
  cfq_group* cfqg = nullptr;
  bool is_oom = false;
  cfq_queue* new_cfqq = nullptr; ///< E.13: the queue this one's processes move to (holds refs)
  bool coop = false;             ///< E.13: processes were merged into this queue
  bool split_coop = false;       ///< E.13: seeky at expiry, split at the next request
  bool coop_ever = false;        ///< shadow: once shared by merged processes (oracle)
  std::uint64_t prio_version = 0; ///< shadow: ioprio version cfq_init_prio_data read (D.5)
  void* sched = nullptr;          ///< the scheduler's state for this queue (schedulers/cfq)

  void reset_bookkeeping() override;
};

/// A request's elevator_private[0..2] = cic, cfqq, cfqg (A.4).
struct request {
  std::uint64_t id = 0;
  cfq_data* cfqd = nullptr;
  bool sync = false;
  int pid = 0;
  cfq_io_context* cic = nullptr;
  cfq_queue* cfqq = nullptr;
  cfq_group* cfqg = nullptr;
  bool live = false;
};

/// What the scheduling half of CFQ (schedulers/cfq) needs to hear from the kernel model: the
/// active queue is expired by a kernel path (E.14 cfq_put_queue / cfq_exit_cfqq / cfq_exit_queue),
/// or a queue is freed (ref reached 0). Called with queue_lock held.
struct cfq_sched_ops {
  virtual ~cfq_sched_ops() = default;
  virtual void slice_expired_by_kernel() = 0;
  virtual void queue_freed(cfq_queue* cfqq) = 0;
};

/// cfq_data (A.4), one per request_queue; @id doubles as q->id / cic_index (radix key).
struct cfq_data {
  int id = 0;
  std::string name;
  SpinLock queue_lock{"queue_lock"};
  std::vector<cfq_io_context*> cic_list;
  cfq_queue* async_cfqq[2][IOPRIO_BE_NR] = {};
  cfq_queue* async_idle_cfqq = nullptr;
  cfq_queue* oom_cfqq = nullptr;
  cfq_group root_group;
  std::map<int, std::unique_ptr<cfq_group>> groups; ///< blkcg id -> group (non-root)
  cfq_queue* active_queue = nullptr;
  cfq_io_context* active_cic = nullptr; ///< holds one ioc ref while set (E.6)
  bool exited = false;
  cfq_sched_ops* sched = nullptr; ///< the scheduler's half (null in kernel-only tests)
  std::uint64_t coop_merges = 0, coop_splits = 0; ///< E.13, for the report
};

// --- cic life cycle (cfq_cic.cpp; B.4 P3, B.5 E6, B.8 Q2/Q3; identical in LEGACY and FIXED, C.9)
cfq_io_context* cfq_alloc_io_context(Kernel& k, cfq_data* cfqd, Gfp gfp);
void cfq_cic_free(Kernel& k, cfq_io_context* cic);
cfq_io_context* cfq_cic_lookup(Kernel& k, cfq_data* cfqd, io_context* ioc);
int cfq_cic_link(Kernel& k, cfq_data* cfqd, io_context* ioc, cfq_io_context* cic, Gfp gfp);
void cfq_drop_dead_cic(Kernel& k, cfq_data* cfqd, io_context* ioc, cfq_io_context* cic);
bool cfq_free_io_context(Kernel& k, io_context* ioc);
void cfq_exit_io_context(Kernel& k, io_context* ioc);
cfq_data* cic_to_cfqd(Kernel& k, cfq_io_context* cic, const char* label);
void cfq_exit_all_cics(Kernel& k, cfq_data* cfqd);

// --- queues (cfq_queue.cpp; E.2, B.8 changed_ioprio/changed_cgroup)
/// E.2: the sync queue is allocated; the async one is the shared slot of task_ioprio(ioc).
/// @version_read receives the ioprio version read (shadow for the D.5 detector).
cfq_queue* cfq_get_queue(Kernel& k, cfq_data* cfqd, bool is_sync, io_context* ioc, Gfp gfp,
                         std::uint64_t* version_read = nullptr);
void cfq_put_queue(Kernel& k, cfq_queue* cfqq);
void cfq_init_prio_data(Kernel& k, cfq_queue* cfqq, io_context* ioc);
void changed_ioprio(Kernel& k, io_context* ioc, cfq_io_context* cic);
void changed_cgroup(Kernel& k, io_context* ioc, cfq_io_context* cic);
void cfq_ioc_set_ioprio(Kernel& k, io_context* ioc);
void cfq_ioc_set_cgroup(Kernel& k, io_context* ioc);
void cfq_exit_cfqq(Kernel& k, cfq_data* cfqd, cfq_queue* cfqq);
void cfq_slice_expired(Kernel& k, cfq_data* cfqd);

/// cic_set_cfqq: install @q (or NULL) as the cic's queue of that direction. Holds queue_lock.
void cic_set_cfqq(Kernel& k, cfq_data* cfqd, cfq_io_context* cic, cfq_queue* q, bool is_sync);

// --- close cooperators (cfq_coop.cpp; E.13)
int cfqq_process_refs(Kernel& k, const cfq_queue* cfqq);
void cfq_setup_merge(Kernel& k, cfq_queue* cfqq, cfq_queue* new_cfqq);
cfq_queue* cfq_merge_cfqqs(Kernel& k, cfq_data* cfqd, cfq_io_context* cic, cfq_queue* cfqq);
cfq_queue* split_cfqq(Kernel& k, cfq_data* cfqd, cfq_io_context* cic, cfq_queue* cfqq);
void cfq_put_cooperator(Kernel& k, cfq_queue* cfqq);

// --- request setup and elevator life cycle (cfq_request.cpp; E.14)
/// @id doubles as q->id / cic_index; -1 picks a fresh one (reuse models the IDA, D.8).
cfq_data* cfq_init_queue(Kernel& k, const std::string& name, int id = -1);
void cfq_exit_queue(Kernel& k, cfq_data* cfqd);
/// E.14 set: returns the request, or nullptr when setup failed (cfq_get_io_context NULL).
request* cfq_set_request(Kernel& k, cfq_data* cfqd, bool sync);
/// E.2: cfq_init_prio_data on insert (under queue_lock).
void cfq_insert_request(Kernel& k, request* rq);
/// E.14 put: allocated--, put ioc, put group, put cfqq.
void cfq_put_request(Kernel& k, request* rq);

} // namespace iosim::kernel
