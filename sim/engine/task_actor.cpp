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
  uint64_t dir_bytes[2] = {0, 0}, dir_ios[2] = {0, 0}; // per direction, for rate_bps/rate_iops
  uint64_t think_until = 0;
  uint64_t completed   = 0; // thinktime after every thinktime_blocks completions
  size_t trace_next    = 0; // trace replay: next record
  bool per_dir_rate    = false;
  bool has_pending     = false; // per-direction rates need the next I/O's direction in advance
  NextIo pending{0, 0, false};
  explicit JobState(const JobSpec& j) : gen(j)
  {
    for (int d = 0; d < 2; ++d)
      per_dir_rate = per_dir_rate || j.rate_bps[d] || j.rate_iops[d];
  }
};

bool bound_reached(const TaskRt& t, const JobState& js)
{
  if (t.job.trace && js.trace_next >= t.job.trace->size()) return true;
  return t.exit_requested || now_ns() >= t.stop_ns || (t.job.io_limit && js.issued_bytes >= t.job.io_limit);
}

// The time `done` units (bytes or I/Os) may have been issued at `per_s` units per second.
uint64_t paced(uint64_t start, uint64_t done, uint64_t per_s)
{
  return per_s ? start + uint64_t((unsigned __int128)done * 1000000000u / per_s) : 0;
}

// Earliest time the next request may be issued (0 = now): rate limits and think time for a job;
// for a trace, the record's timestamp (open loop) or now (closed loop: depth 1 waits instead).
uint64_t next_gate(World& w, TaskRt& t, JobState& js)
{
  const TaskResult& r = w.res(t);
  if (t.job.trace) return t.job.closed_loop ? 0 : r.start_ns + (*t.job.trace)[js.trace_next].t_ns;
  uint64_t gate = std::max(paced(r.start_ns, js.issued_bytes, t.job.rate_kbs * 1024), js.think_until);
  if (js.per_dir_rate) {
    if (!js.has_pending) {
      js.pending     = js.gen.next(t.rng);
      js.has_pending = true;
    }
    int d = js.pending.write ? 1 : 0;
    gate  = std::max({gate, paced(r.start_ns, js.dir_bytes[d], t.job.rate_bps[d]),
                      paced(r.start_ns, js.dir_ios[d], t.job.rate_iops[d])});
  }
  return gate;
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
    if (t.job.thinktime_us && ++js.completed % t.job.thinktime_blocks == 0)
      js.think_until = now_ns() + t.job.thinktime_us * 1000;
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

// The next I/O: a trace record, or the job generator's next draw.
NextIo take_next(TaskRt& t, JobState& js, bool& sync_write)
{
  sync_write = t.job.direct || t.job.sync_writes;
  if (t.job.trace) {
    const TraceRecord& rec = (*t.job.trace)[js.trace_next++];
    sync_write             = rec.sync;
    return {rec.offset, rec.bytes, rec.write != 0};
  }
  if (js.has_pending) {
    js.has_pending = false;
    return js.pending;
  }
  return js.gen.next(t.rng);
}

void issue_one(World& w, TaskRt& t, JobState& js)
{
  bool sync_write;
  NextIo io = take_next(t, js, sync_write);
  js.issued_bytes += io.bytes;
  js.dir_bytes[io.write] += io.bytes;
  js.dir_ios[io.write]++;
  if (io.write && !t.job.trace && !sync_write) {
    buffered_write(w, t, *w.devices[size_t(t.device)], io.offset, io.bytes);
    return;
  }
  auto* rq          = new Request;
  rq->id            = w.next_request_id++;
  rq->task          = t.index;
  rq->cgroup        = w.res(t).cgroup;
  rq->offset        = io.offset;
  rq->bytes         = io.bytes;
  rq->write         = io.write;
  rq->sync          = !io.write || sync_write; // reads, O_DIRECT and O_SYNC writes (spec E.2); a trace's flags
  rq->cmdprio_class = io.cmdprio_class;
  rq->cmdprio_level = io.cmdprio_level;
  submit_request(w, t, rq);
}

// fio stonewall: wait until every instance of the tasks in spec.after has exited, then start
// (start_ms counts from then); an exit posted meanwhile ends the wait.
void wait_for_previous(World& w, TaskRt& t)
{
  if (t.spec.after.empty()) return;
  auto pending = [&] {
    for (const auto& task : w.tasks)
      if (!task->flusher && !task->exited)
        for (const auto& n : t.spec.after)
          if (task->spec.name == n && !task->forked) return true;
    return false;
  };
  w.exit_watchers.push_back(&t);
  while (pending() && !t.exit_requested && now_ns() < t.stop_ns) {
    wait_until_ns(w, t.wake, t.stop_ns);
    run_posted(w, t);
  }
  w.exit_watchers.erase(std::find(w.exit_watchers.begin(), w.exit_watchers.end(), &t));
  TaskResult& r = w.res(t);
  r.start_ns    = now_ns() + t.job.start_ms * 1000000;
  if (t.job.runtime_ms) t.stop_ns = std::min(w.sc.duration_ms * 1000000, r.start_ns + t.job.runtime_ms * 1000000);
  sleep_until_ns(w, std::min(r.start_ns, t.stop_ns));
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
  wait_for_previous(w, t);
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
    uint64_t gate = next_gate(w, t, js);
    // Stop issuing as soon as an operation is posted (exit, fork, ioprio_set as caller), so that
    // a deep queue cannot delay it past the run.
    while (t.inflight < t.job.iodepth && gate <= now_ns() && !bound_reached(t, js) && t.posted.empty()) {
      issue_one(w, t, js);
      if (bound_reached(t, js)) break;
      gate = next_gate(w, t, js);
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
  for (TaskRt* watcher : w.exit_watchers)
    post(w, watcher->wake);
  try_settle(w);
  if (w.live_tasks == 0) {
    for (auto& d : w.devices) {
      if (d->flusher) post(w, d->flusher->wake);
      post(w, d->kick);
    }
  }
}

} // namespace iosim
