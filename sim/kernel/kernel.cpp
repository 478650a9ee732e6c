// The kernel-model context (see kernel.hpp): step helpers, allocation with failure injection,
// pointer dereference checks, RCU grace periods and the memory/exec observer hooks.
#include "kernel.hpp"

#include "ioc_api.hpp"

namespace iosim::kernel {

const char* ioc_api_name(IocApiVersion v)
{
  switch (v) {
    case IocApiVersion::legacy: return "legacy";
    case IocApiVersion::fixed: return "fixed";
    case IocApiVersion::cic_changed: return "cic_changed";
  }
  return "?";
}

bool parse_ioc_api(const std::string& s, IocApiVersion& out)
{
  for (IocApiVersion v : {IocApiVersion::legacy, IocApiVersion::fixed, IocApiVersion::cic_changed})
    if (s == ioc_api_name(v)) {
      out = v;
      return true;
    }
  return false;
}

Kernel::Kernel(Exec& e, const KernelConfig& c)
    : exec(e)
    , cfg(c)
    , mem(e, c.memory_model)
    , oracle(c.trace_len)
    , task_cache(reg, 0xffff880010000000ULL)
    , ioc_cache(reg, 0xffff880020000000ULL)
    , cic_cache(reg, 0xffff880030000000ULL)
    , cfqq_cache(reg, 0xffff880040000000ULL)
{
  exec.set_observer(this);
  exec.set_store_delay_mean_ns(c.store_delay_mean_ns);
  mem.set_observer(this);
  api_ = make_ioc_api(*this, c.ioc_api);
}

Kernel::~Kernel()
{
  exec.set_observer(nullptr);
}

int Kernel::current_pid() const
{
  const task_struct* t = current();
  return t ? t->pid : 0;
}

void Kernel::step(const char* label, StepKind kind, const char* func) { exec.step({label, kind, func}); }

std::uint64_t Kernel::load(Cell& c, const char* label, const char* func)
{
  step(label, StepKind::load, func);
  return mem.load(c);
}

void Kernel::store(Cell& c, std::uint64_t v, const char* label, const char* func)
{
  step(label, StepKind::store, func);
  mem.store(c, v);
}

void Kernel::smp_wmb(const char* label, const char* func)
{
  step(label, StepKind::barrier, func);
  mem.wmb();
}

void Kernel::spin_lock(SpinLock& l, Cell* init_word, const char* label, const char* func)
{
  if (init_word)
    mem.load(*init_word); // taking a lock whose spin_lock_init is not visible: uninit_read
  exec.lock(l, label, func);
}

void Kernel::spin_unlock(SpinLock& l, const char* label, const char* func) { exec.unlock(l, label, func); }

void Kernel::task_lock(task_struct* t, const char* label, const char* func) { spin_lock(t->alloc_lock, nullptr, label, func); }

void Kernel::task_unlock(task_struct* t, const char* label, const char* func) { spin_unlock(t->alloc_lock, label, func); }

bool Kernel::should_fail(Gfp gfp)
{
  if (gfp != Gfp::atomic)
    return false;
  bool fail = false;
  if (forced_failures_ > 0) {
    --forced_failures_;
    fail = true;
  } else if (cfg.gfp_atomic_fail_rate > 0 && current()) {
    fail = exec.rng().bernoulli(cfg.gfp_atomic_fail_rate);
  }
  if (fail && current())
    current()->alloc_failure_injected = true;
  return fail;
}

bool Kernel::alloc_failure_injected() const
{
  const task_struct* t = current();
  return t && t->alloc_failure_injected;
}

template <class T>
static T* checked_ptr(Kernel& k, std::uint64_t id, const char* what)
{
  if (id == 0)
    return nullptr;
  KObject* o = k.reg.slot_of(id);
  T* p = o ? dynamic_cast<T*>(o) : nullptr;
  if (!p) {
    k.report(Kind::use_after_free, "D.4(b), D.9", {}, std::string("wild pointer dereference: ") + what);
    return nullptr;
  }
  if (o->id != id || !o->live)
    k.report(Kind::use_after_free, "D.4(b), D.9", {id}, std::string("dereference of a freed ") + p->type + ": " + what);
  return p;
}

io_context* Kernel::ioc_ptr(std::uint64_t id, const char* what) { return checked_ptr<io_context>(*this, id, what); }

cfq_io_context* Kernel::cic_ptr(std::uint64_t id, const char* what) { return checked_ptr<cfq_io_context>(*this, id, what); }

void Kernel::call_rcu_free(cfq_io_context* cic, const char* label)
{
  step(label, StepKind::free, "call_rcu");
  RcuCallback cb{cic, nullptr, cic->id, {}, current_pid(), label};
  for (task_struct* t : in_kernel_)
    if (t->live && t->kernel_depth > 0)
      cb.waits[t] = t->kernel_exits;
  rcu_pending_.push_back(cb);
  rcu_dirty_ = true;
}

void Kernel::call_rcu_free_task(task_struct* t, const char* label)
{
  RcuCallback cb{nullptr, t, t->id, {}, current_pid(), label};
  for (task_struct* o : in_kernel_)
    if (o != t && o->live && o->kernel_depth > 0)
      cb.waits[o] = o->kernel_exits;
  rcu_pending_.push_back(cb);
  rcu_process();
}

void Kernel::rcu_process()
{
  rcu_dirty_ = false;
  for (std::size_t i = 0; i < rcu_pending_.size();) {
    bool done = true;
    for (const auto& [t, exits] : rcu_pending_[i].waits)
      if (t->live && t->kernel_exits == exits && t->kernel_depth > 0)
        done = false;
    if (!done) {
      ++i;
      continue;
    }
    RcuCallback cb = rcu_pending_[i];
    rcu_pending_.erase(rcu_pending_.begin() + static_cast<long>(i));
    rcu_dirty_ = true; // earlier callbacks may wait on the task this one frees: next step re-checks
    if (cb.task)
      task_cache.free(cb.task, now(), cb.pid, cb.label);
    else if (!cic_cache.free(cb.cic, now(), cb.pid, cb.label))
      report(Kind::double_free, "D.8", {cb.id}, "cic freed twice (second call_rcu callback)");
  }
}

void Kernel::rcu_barrier()
{
  for (auto& cb : rcu_pending_)
    cb.waits.clear();
  rcu_process();
}

void Kernel::kernel_enter()
{
  if (task_struct* t = current()) {
    if (t->kernel_depth++ == 0) {
      t->alloc_failure_injected = false;
      in_kernel_.insert(t);
    }
  }
}

void Kernel::kernel_exit()
{
  if (task_struct* t = current()) {
    if (--t->kernel_depth == 0) {
      in_kernel_.erase(t);
      ++t->kernel_exits;
      rcu_process();
    }
  }
}

task_struct* Kernel::task_by_pid(int pid) const
{
  for (task_struct* t : task_cache.live_objects())
    if (t->pid == pid)
      return t;
  return nullptr;
}

cfq_data* Kernel::cfqd_by_id(int id) const
{
  for (const auto& c : cfqds)
    if (c->id == id)
      return c.get();
  return nullptr;
}

request* Kernel::alloc_request()
{
  requests.emplace_back();
  request* rq = &requests.back();
  rq->id = next_rq_id_++;
  rq->live = true;
  return rq;
}

void Kernel::report(Kind kind, const char* spec, std::vector<std::uint64_t> objects, std::string detail,
                    std::vector<int> extra_tasks)
{
  oracle.mark_checked(kind);
  // A step of the current task broke the invariant, unless this is a global check (settled,
  // quiescence), which whichever task arrives last happens to run.
  if (!in_global_check_)
    extra_tasks.insert(extra_tasks.begin(), current_pid());
  oracle.report(kind, spec, now(), std::move(extra_tasks), std::move(objects), std::move(detail));
}

void Kernel::on_step(task_struct* t, const StepId& id)
{
  oracle.record_step(t->pid, id, now());
  mem.drain_due(now());
  if (rcu_dirty_)
    rcu_process();
}

void Kernel::on_release(task_struct* t, SpinLock&) { mem.release(t); }

} // namespace iosim::kernel
