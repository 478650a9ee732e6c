// The block layer between tasks and the device loop: request allocation from the per-direction
// request lists (nr_requests, get_request/get_request_wait), elevator set/insert, and the
// delivery of completions back to the issuing task.
#include "sim/engine/world.hpp"

namespace iosim
{

// get_request_wait(): sleep until the request list of this direction has a free request. As 3.x
// get_request does for batching, the allocation that fills the list looks up the task's
// io_context (current_io_context, GFP_ATOMIC), under every elevator (architecture doc).
static void get_request(World& w, TaskRt& t, DeviceRt& d, bool sync)
{
  while (d.free_slots[sync] == 0) {
    d.slot_waiters[sync].push_back(&t);
    wait_until_ns(w, t.wake, UINT64_MAX);
  }
  int used = w.sc.kernel.nr_requests - d.free_slots[sync];
  if (used + 1 >= w.sc.kernel.nr_requests) kernel::ioc_for_batching(*w.k);
  d.free_slots[sync]--;
}

static void release_slot(World& w, DeviceRt& d, bool sync)
{
  d.free_slots[sync]++;
  if (!d.slot_waiters[sync].empty()) {
    TaskRt* waiter = d.slot_waiters[sync].front();
    d.slot_waiters[sync].pop_front();
    post(w, waiter->wake);
  }
}

// Request setup can fail (the elevator's set_request: CFQ's cfq_get_io_context returning NULL,
// spec D.7, G.5). The kernel then waits and retries; iosim retries once per jiffy and gives the
// I/O up after kSetupRetries attempts, so a modelled lock-up ends as a counted failure (the
// oracle records request_setup_failed), never as a simulator deadlock.
static constexpr int kSetupRetries = 8;

void submit_request(World& w, TaskRt& t, Request* rq)
{
  DeviceRt& d   = *w.devices[size_t(t.device)];
  rq->submit_ns = now_ns();
  for (int attempt = 0;; ++attempt) {
    blk_step(w, "GR1", kernel::StepKind::lock, "get_request"); // queue_lock
    get_request(w, t, d, rq->sync);
    blk_step(w, "GR2", kernel::StepKind::alloc, "blk_alloc_request");
    if (d.elv->set_request(*rq, now_ns())) break;
    release_slot(w, d, rq->sync);
    if (attempt + 1 == kSetupRetries) {
      w.res(t).setup_failures++;
      delete rq;
      return;
    }
    sleep_until_ns(w, now_ns() + 1000000000ull / uint64_t(w.sc.kernel.hz));
  }
  const uint64_t now = now_ns();
  w.out.tasks[size_t(rq->task)].backlog.submit(now);
  w.out.cgroup_backlog[size_t(rq->cgroup)][size_t(d.index)].submit(now);
  d.elv->add_request(*rq, now);
  t.inflight++;
  post(w, d.kick);
}

void deliver_completion(World& w, DeviceRt& d, Request* rq, uint64_t now)
{
  d.elv->completed(*rq, now);
  d.elv->put_request(*rq);
  release_slot(w, d, rq->sync);
  TaskRt& t = *w.tasks[size_t(rq->task)];
  t.completions.push_back(rq);
  post(w, t.wake);
}

} // namespace iosim
