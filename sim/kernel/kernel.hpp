// The kernel-model context: the Exec, the memory model, the slabs, RCU grace periods and the
// oracle hooks that every kernel path uses (architecture.md "How races happen", "The oracle").
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "cfq.hpp"
#include "exec.hpp"
#include "iocontext.hpp"
#include "memory.hpp"
#include "object.hpp"
#include "oracle.hpp"
#include "task.hpp"

namespace iosim::kernel {

enum class Gfp { kernel, atomic };

/// config key kernel.ioc_api: legacy = 42ec57a8 (B), fixed = exactly 6e736be7 (C),
/// cic_changed = fixed + dc86900e (G.1).
enum class IocApiVersion { legacy, fixed, cic_changed };
const char* ioc_api_name(IocApiVersion v);
bool parse_ioc_api(const std::string& s, IocApiVersion& out);

struct KernelConfig {
  IocApiVersion ioc_api = IocApiVersion::fixed;
  MemoryModel memory_model = MemoryModel::sc;
  double gfp_atomic_fail_rate = 0.0;  ///< kernel.gfp_atomic_fail_rate
  unsigned retry_bound = 1000;        ///< livelock bound for retry loops (D.10)
  std::size_t trace_len = 32;         ///< steps kept per task for violation traces
  double store_delay_mean_ns = 200.0; ///< tso/weak: mean store visibility delay
  std::uint64_t seed = 1;             ///< seeds each task's random stream (with its pid)
};

class IocApi;

class Kernel : private ExecObserver, private MemoryObserver {
public:
  Kernel(Exec& exec, const KernelConfig& cfg = {});
  ~Kernel() override;
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  Exec& exec;
  const KernelConfig cfg;
  ObjectRegistry reg;
  Memory mem;
  Oracle oracle;
  Slab<task_struct> task_cache;
  Slab<io_context> ioc_cache;
  Slab<cfq_io_context> cic_cache;
  Slab<cfq_queue> cfqq_cache;
  std::vector<std::unique_ptr<cfq_data>> cfqds;
  std::deque<request> requests;

  IocApi& api() { return *api_; }
  task_struct* current() const { return exec.current(); }
  int current_pid() const;
  std::uint64_t now() const { return exec.now_ns(); }

  // --- steps: a preemption point, then the access under the memory model
  void step(const char* label, StepKind kind, const char* func = "");
  std::uint64_t load(Cell& c, const char* label, const char* func = "");
  void store(Cell& c, std::uint64_t v, const char* label, const char* func = "");
  void smp_wmb(const char* label, const char* func = "");
  /// spin_lock; @init_word (may be null) is the lock word's initialisation, read first (D.4(c)).
  void spin_lock(SpinLock& l, Cell* init_word, const char* label, const char* func = "");
  void spin_unlock(SpinLock& l, const char* label, const char* func = "");
  void task_lock(task_struct* t, const char* label, const char* func = "");
  void task_unlock(task_struct* t, const char* label, const char* func = "");

  // --- allocation: ALLOC steps; GFP_ATOMIC may fail (kernel.gfp_atomic_fail_rate, or forced)
  template <class T>
  T* kmem_cache_alloc(Slab<T>& s, Gfp gfp, const char* label, const char* func = "");
  template <class T>
  void kmem_cache_free(Slab<T>& s, T* obj, const char* label, const char* func = "");
  /// Make the next @n GFP_ATOMIC allocations fail (deterministic tests).
  void inject_alloc_failures(unsigned n) { forced_failures_ += n; }
  /// Whether an allocation of the current task failed by injection since its kernel entry.
  bool alloc_failure_injected() const;

  // --- pointers are object ids; dereferencing a freed or wild id is a use_after_free
  io_context* ioc_ptr(std::uint64_t id, const char* what);
  cfq_io_context* cic_ptr(std::uint64_t id, const char* what);

  // --- RCU (3.x non-preemptible kernel): a grace period ends once every task that was inside a
  // kernel entry point at call_rcu time has left it.
  void call_rcu_free(cfq_io_context* cic, const char* label);
  /// release_task's put of the task_struct goes through RCU (delayed_put_task_struct): a task
  /// that found it under rcu_read_lock (sys_ioprio_set's find_task_by_vpid) may still use it.
  void call_rcu_free_task(task_struct* t, const char* label);
  void rcu_barrier();
  /// A task_struct was allocated (possibly at a freed one's address): RCU state to re-check.
  void rcu_note_task_alloc() { rcu_dirty_ = true; }
  void kernel_enter();
  void kernel_exit();

  // --- registries
  task_struct* task_by_pid(int pid) const;
  int alloc_pid() { return next_pid_++; }
  cfq_data* cfqd_by_id(int id) const;
  request* alloc_request();

  // --- oracle
  void report(Kind kind, const char* spec, std::vector<std::uint64_t> objects, std::string detail,
              std::vector<int> extra_tasks = {});
  std::uint64_t next_ioprio_version() { return ++ioprio_version_; }
  /// ioprio_set(@t, ioprio) returned 0: from now on @t's queues must derive from @version.
  void note_ioprio_set(task_struct* t, std::uint64_t version);
  void check_sync_queue_unique(cfq_data* cfqd, cfq_queue* cfqq);     // duplicate_sync_queue
  void check_reaped(task_struct* t);                                 // ioc_after_exit (D.3 ii)
  /// To be called when no task issues I/O and none is in flight: ioprio_lost,
  /// cgroup_change_lost, duplicate_sync_queue.
  void check_settled();
  /// To be called at quiescence (all tasks reaped, all requests put): ioc_leaked.
  void check_quiescence();

private:
  void on_step(task_struct* t, const StepId& id) override;
  void on_release(task_struct* t, SpinLock& l) override;
  void on_access(task_struct* t, Cell& c, bool write) override;
  void on_poison_read(task_struct* t, Cell& c) override;
  void on_commit(int writer_pid, Cell& c, std::uint64_t old_v, std::uint64_t new_v) override;
  void on_lost_rmw(Cell& c, int store_pid, int rmw_pid) override;
  bool should_fail(Gfp gfp);
  void rcu_process();
  void check_ioprio_of(task_struct* t, std::uint64_t want);
  void check_cgroup_of(cfq_queue* q);

  struct RcuCallback {
    cfq_io_context* cic;
    task_struct* task; ///< set instead of cic for delayed_put_task_struct
    std::uint64_t id;
    std::map<task_struct*, std::uint64_t> waits; ///< task -> kernel_exits at call_rcu time
    int pid;
    const char* label;
  };
  std::vector<RcuCallback> rcu_pending_;
  /// Something rcu_process reads may have changed since its last pass found nothing to do: a
  /// callback was queued, one was run (it may have freed a task others wait on), or a task was
  /// allocated (a reused task_struct). Quiescent states (kernel_exit) run rcu_process at once.
  /// on_step skips the pass otherwise: it would find nothing (O(1) per step, issue 7).
  bool rcu_dirty_ = false;
  /// Tasks whose kernel_depth went 0 -> 1 and not yet back (a superset of those inside a kernel
  /// entry point: entries are re-checked). call_rcu records waits for those only, instead of
  /// scanning every task ever allocated: O(tasks in the kernel), not O(tasks), per call (issue 7).
  std::set<task_struct*> in_kernel_;
  std::unique_ptr<IocApi> api_;
  bool in_global_check_ = false;
  unsigned forced_failures_ = 0;
  int next_pid_ = 1;
  std::uint64_t next_rq_id_ = 1;
  std::uint64_t ioprio_version_ = 0;
  std::map<int, std::uint64_t> ioprio_want_; ///< pid -> ioprio version ioprio_set promised
};

/// RAII marker of a kernel entry point (system call, I/O submission, exit).
class KernelEntry {
public:
  explicit KernelEntry(Kernel& k) : k_(k) { k_.kernel_enter(); }
  ~KernelEntry() { k_.kernel_exit(); }
  KernelEntry(const KernelEntry&) = delete;
  KernelEntry& operator=(const KernelEntry&) = delete;

private:
  Kernel& k_;
};

template <class T>
T* Kernel::kmem_cache_alloc(Slab<T>& s, Gfp gfp, const char* label, const char* func)
{
  step(label, StepKind::alloc, func);
  if (should_fail(gfp))
    return nullptr;
  return s.alloc(now(), current_pid(), label);
}

template <class T>
void Kernel::kmem_cache_free(Slab<T>& s, T* obj, const char* label, const char* func)
{
  step(label, StepKind::free, func);
  const std::uint64_t id = obj->id;
  if (!s.free(obj, now(), current_pid(), label))
    report(Kind::double_free, "D.8", {id}, std::string(obj->type) + " freed twice");
}

} // namespace iosim::kernel
