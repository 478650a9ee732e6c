// The scheduling structures of CFQ (spec A.4): the per-queue and per-group scheduling fields, the
// service trees (cfq_rb_root) and per-request data. Plain C++, no SimGrid and no kernel model, so
// the algorithm can be unit tested with explicit times. Times are jiffies (E.1, kernel.hz).
#pragma once
#include "schedulers/request.hpp"

#include <cstdint>
#include <list>
#include <map>

namespace iosim::cfq
{

// A.5 ioprio classes (the kernel's numbering).
constexpr int CLASS_NONE = 0, CLASS_RT = 1, CLASS_BE = 2, CLASS_IDLE = 3;
// A.4 workload indices: wl_prio_t (BE=0, RT=1, IDLE=2) and wl_type_t (ASYNC, SYNC_NOIDLE, SYNC).
constexpr int BE_WORKLOAD = 0, RT_WORKLOAD = 1, IDLE_WORKLOAD = 2;
constexpr int ASYNC_WORKLOAD = 0, SYNC_NOIDLE_WORKLOAD = 1, SYNC_WORKLOAD = 2;

// E.1 internal constants (jiffy values scale with HZ where the kernel writes HZ).
constexpr int CFQ_MIN_TT                = 2;
constexpr int CFQ_SLICE_SCALE           = 5;
constexpr int CFQ_HW_QUEUE_MIN          = 5;
constexpr int CFQ_SERVICE_SHIFT         = 12;
constexpr uint64_t CFQQ_SEEK_THR        = 800;  // sectors
constexpr uint64_t CFQQ_CLOSE_THR       = 8192; // sectors
constexpr uint64_t CFQQ_SECT_THR_NONROT = 64;
constexpr int CFQ_HIST_DIVISOR          = 4;
constexpr int BLKIO_WEIGHT_DEFAULT      = 500;
constexpr int IOPRIO_BE_NR              = 8;

using jiffies_t = int64_t;

struct Queue;
struct Group;

// Think-time statistics (E.8 cfq_ttime): fixed point, 256 = one sample.
struct TTime {
  jiffies_t last_end_request = 0;
  uint64_t ttime_total = 0, ttime_samples = 0, ttime_mean = 0;
};
inline bool sample_valid(uint64_t samples) { return samples > 80; }

// cfq_rb_root: a service tree ordered by rb_key (equal keys go right, as rb insertion does).
struct RbRoot {
  std::multimap<jiffies_t, Queue*> rb;
  unsigned count = 0;
  TTime ttime;
  Queue* first() const { return rb.empty() ? nullptr : rb.begin()->second; }
};

// Per-request scheduler data (the rq's fifo/sort links, fifo_time, REQ_PRIO).
struct Rq {
  Request* r      = nullptr;
  Queue* q        = nullptr;
  uint64_t sector = 0, nr_sectors = 0;
  bool sync = true, prio = false;
  jiffies_t fifo_time  = 0;
  jiffies_t start_time = 0; // submission (rq->start_time, for last_delayed_sync)
  std::list<Rq*>::iterator fifo_it;
  std::multimap<uint64_t, Rq*>::iterator sort_it;
};

// The scheduling half of a cfq_queue (A.4). ioprio/ioprio_class/org_ioprio are copied from the
// kernel model's cfq_queue after cfq_init_prio_data ran on insert (E.2), never derived here.
struct Queue {
  void* kernel_q = nullptr; // the kernel model's cfq_queue (null in unit tests)
  Group* cfqg    = nullptr;
  bool sync      = true;
  int pid        = 0;
  int ioprio = 4, org_ioprio = 4, ioprio_class = CLASS_BE;
  // service tree position
  RbRoot* service_tree = nullptr;
  std::multimap<jiffies_t, Queue*>::iterator rb_it;
  jiffies_t rb_key = 0;
  bool on_tree     = false;
  // requests
  std::multimap<uint64_t, Rq*> sort_list;
  std::list<Rq*> fifo;
  Rq* next_rq      = nullptr;
  int queued[2]    = {0, 0};
  int dispatched   = 0;
  int prio_pending = 0;
  // slice
  jiffies_t dispatch_start = 0, slice_start = 0, slice_end = 0, allocated_slice = 0, slice_resid = 0;
  unsigned slice_dispatch = 0;
  uint64_t nr_sectors     = 0;
  // E.8
  uint32_t seek_history     = 0;
  uint64_t last_request_pos = 0;
  // E.13: position in cfqd->prio_trees[org_ioprio] (keyed by next_rq's sector), -1 when off it
  int p_root = -1;
  std::map<uint64_t, Queue*>::iterator p_it;
  TTime ttime; // per-cic think time in the kernel; one sync queue per cic here (docs/cfq.md)
  // flags (A.4)
  bool on_rr = false, wait_request = false, must_dispatch = false, fifo_expire = false, idle_window = true,
       slice_new = false, deep = false, wait_busy = false;
  // report: time charged to this queue's group from this queue's slices
  uint64_t charged_jiffies = 0;
  unsigned slices          = 0;
  bool empty() const { return sort_list.empty(); }
};

/// CFQQ_SEEKY (E.8): more than 4 of the last 32 requests were seeks.
inline bool cfqq_seeky(const Queue* q) { return __builtin_popcount(q->seek_history) > 32 / 8; }

// The scheduling half of a cfq_group (A.4, F).
struct Group {
  void* kernel_g = nullptr;
  int blkcg_id   = 0;
  int weight = BLKIO_WEIGHT_DEFAULT, new_weight = BLKIO_WEIGHT_DEFAULT;
  bool needs_update  = false;
  uint64_t vdisktime = 0;
  bool on_st         = false;
  std::multimap<uint64_t, Group*>::iterator rb_it;
  unsigned nr_cfqq            = 0;
  unsigned busy_queues_avg[2] = {0, 0};
  RbRoot service_trees[2][3]; // [BE/RT][ASYNC, SYNC_NOIDLE, SYNC]
  RbRoot service_tree_idle;
  jiffies_t saved_workload_slice = 0;
  int saved_workload = 0, saved_serving_prio = 0;
  int dispatched = 0;
  TTime ttime;
  // report
  uint64_t charged_jiffies = 0, charged_vdisktime = 0;
};

// The group service tree: ordered by vdisktime (cfqg_key = vdisktime - min_vdisktime).
struct GroupTree {
  std::multimap<uint64_t, Group*> rb;
  uint64_t min_vdisktime = 0;
  unsigned total_weight  = 0;
};

} // namespace iosim::cfq
