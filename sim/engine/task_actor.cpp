// A simulated task: one actor that runs its I/O job (queue depth, think time, rate limit, size
// and time bounds), performs the operations posted to it (fork, exit, ioprio_set as the caller),
// and at its stop time drains its requests and runs its exit path (architecture doc, End of a run).
#include "sim/engine/world.hpp"

#include <algorithm>

namespace iosim
{

namespace
{

struct JobState {
  JobGenerator gen;
  uint64_t issued_bytes = 0;
  uint64_t think_until  = 0;
  explicit JobState(const JobSpec& j) : gen(j) {}
};

bool bound_reached(const TaskRt& t, const JobState& js)
{
  return t.exit_requested || now_ns() >= t.stop_ns || (t.job.io_limit && js.issued_bytes >= t.job.io_limit);
}

// Earliest time the rate limit allows the next request (0 = now).
uint64_t rate_gate(const World& w, const TaskRt& t, const JobState& js)
{
  if (!t.job.rate_kbs) return 0;
  const TaskResult& r = const_cast<World&>(w).res(t);
  return r.start_ns + uint64_t(double(js.issued_bytes) * 1e9 / (double(t.job.rate_kbs) * 1024.0));
}

void reap_completions(World& w, TaskRt& t, JobState& js)
{
  while (!t.completions.empty()) {
    Request* rq = t.completions.front();
    t.completions.pop_front();
    TaskResult& r = w.res(t);
    (rq->write ? r.write : r.read).record(rq->bytes, rq->complete_ns - rq->submit_ns);
    r.end_ns = rq->complete_ns;
    t.inflight--;
    delete rq;
    if (t.job.thinktime_us) js.think_until = now_ns() + t.job.thinktime_us * 1000;
  }
}

void run_posted(World& w, TaskRt& t)
{
  while (!t.posted.empty()) {
    auto op = std::move(t.posted.front());
    t.posted.pop_front();
    op(t);
  }
  (void)w;
}

void issue_one(World& w, TaskRt& t, JobState& js)
{
  NextIo io = js.gen.next(t.rng);
  js.issued_bytes += io.bytes;
  if (io.write && !t.job.direct && !t.job.sync_writes) {
    buffered_write(w, t, *w.devices[size_t(t.device)], io.offset, io.bytes);
    return;
  }
  auto* rq   = new Request;
  rq->id     = w.next_request_id++;
  rq->task   = t.index;
  rq->cgroup = w.res(t).cgroup;
  rq->offset = io.offset;
  rq->bytes  = io.bytes;
  rq->write  = io.write;
  rq->sync   = true; // reads, O_DIRECT and O_SYNC writes (spec E.2)
  submit_request(w, t, rq);
}

} // namespace

// `ionice` before exec: a configured ioprio is set by the task on itself when it starts (so
// that the ioc it creates goes through the same kernel paths as any other).
static void apply_initial_ioprio(World& w, TaskRt& t)
{
  const IoprioSpec& io = t.spec.ioprio;
  if (io.cls == IoprioClass::none || t.forked) return;
  int data = io.cls == IoprioClass::idle ? 0 : io.level;
  int err  = kernel::sys_ioprio_set(*w.k, t.kt, kernel::IOPRIO_PRIO_VALUE(int(io.cls), data));
  if (err) w.res(t).ioprio = {}; // refused (EPERM for RT without root, ENOMEM): runs with the default
}

void task_main(World& w, TaskRt& t)
{
  JobState js(t.job);
  TaskResult& r = w.res(t);
  sleep_until_ns(w, r.start_ns);
  apply_initial_ioprio(w, t);
  while (true) {
    run_posted(w, t);
    reap_completions(w, t, js);
    if (!t.has_job || bound_reached(t, js)) {
      // A job past its bounds exits once drained; a task without a job lives until its stop time.
      bool finished = t.has_job || t.exit_requested || now_ns() >= t.stop_ns;
      if (t.inflight == 0 && finished) break;
      wait_until_ns(w, t.wake, t.inflight ? UINT64_MAX : t.stop_ns);
      continue;
    }
    uint64_t gate = std::max(rate_gate(w, t, js), js.think_until);
    // Stop issuing as soon as an operation is posted (exit, fork, ioprio_set as caller), so that
    // a deep queue cannot delay it past the run.
    while (t.inflight < t.job.iodepth && gate <= now_ns() && !bound_reached(t, js) && t.posted.empty()) {
      issue_one(w, t, js);
      gate = std::max(rate_gate(w, t, js), js.think_until);
    }
    uint64_t timer = t.stop_ns;
    if (t.inflight < t.job.iodepth && gate > now_ns()) timer = std::min(timer, gate);
    wait_until_ns(w, t.wake, timer);
  }
  r.end_ns = std::max(r.end_ns, now_ns()); // the job ran until now (fio's runtime)
  if (!t.exit_requested && now_ns() >= w.sc.duration_ms * 1000000) settle_arrive(w);
  end_task(w, t);
}

TaskRt& create_task(World& w, const TaskSpec& spec, const std::string& name, uint64_t start_ns, kernel::task_struct* kt,
                    bool forked)
{
  auto t     = std::make_unique<TaskRt>(w.sc.seed, uint64_t(w.tasks.size()) + 1);
  t->index   = int(w.tasks.size());
  t->kt      = kt;
  t->forked  = forked;
  t->has_job = spec.has_job;
  t->job     = spec.job;
  t->spec    = spec;
  t->wake    = sg4::Semaphore::create(0);
  if (spec.has_job) {
    t->device     = int(w.sc.device(spec.job.device) - &w.sc.devices[0]);
    uint64_t stop = w.sc.duration_ms * 1000000;
    if (spec.job.runtime_ms) stop = std::min(stop, start_ns + spec.job.runtime_ms * 1000000);
    t->stop_ns = stop;
  } else {
    t->stop_ns = w.sc.duration_ms * 1000000;
  }
  TaskResult r;
  r.pid      = kt->pid;
  r.device   = t->device;
  r.name     = name;
  r.cgroup   = w.cgroup_index(spec.cgroup);
  r.ioprio   = spec.ioprio;
  r.nice     = spec.nice;
  r.policy   = spec.policy;
  r.start_ns = start_ns;
  w.out.tasks.push_back(r);
  w.by_name[name] = int(w.tasks.size());
  w.tasks.push_back(std::move(t));
  w.live_tasks++;
  TaskRt* raw = w.tasks.back().get();
  start_actor(w, name, kt, [&w, raw] { task_main(w, *raw); });
  return *raw;
}

void end_task(World& w, TaskRt& t)
{
  t.exited         = true;
  w.res(t).exit_ns = now_ns();
  // Nobody can post to an exited task any more; drop what arrived meanwhile (already recorded).
  t.posted.clear();
  kernel_exit(w, t.kt);
  t.reaped = true;
  w.live_tasks--;
  try_settle(w);
  if (w.live_tasks == 0) {
    for (auto& d : w.devices) {
      if (d->flusher) d->flusher->wake->release();
      d->kick->release();
    }
  }
}

} // namespace iosim
