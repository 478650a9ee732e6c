// The block layer between tasks and the device loop: request allocation from the per-direction
// request lists (nr_requests, get_request/get_request_wait), elevator set/insert, and the
// delivery of completions back to the issuing task.
#include "sim/engine/world.hpp"

namespace iosim
{

// get_request_wait(): sleep until the request list of this direction has a free request.
static void get_request(World& w, TaskRt& t, DeviceRt& d, bool sync)
{
  while (d.free_slots[sync] == 0) {
    d.slot_waiters[sync].push_back(&t);
    t.wake->acquire();
    w.wakeups++;
  }
  d.free_slots[sync]--;
}

void submit_request(World& w, TaskRt& t, Request* rq)
{
  DeviceRt& d   = *w.devices[size_t(t.device)];
  rq->submit_ns = now_ns();
  cpu_step(w, t, StepKind::lock); // queue_lock
  get_request(w, t, d, rq->sync);
  cpu_step(w, t, StepKind::alloc); // the request itself
  if (!d.elv->set_request(*rq, now_ns())) {
    // Not reachable with noop; a failing set_request returns the request to the list.
    d.free_slots[rq->sync]++;
    delete rq;
    return;
  }
  d.elv->add_request(*rq, now_ns());
  t.inflight++;
  d.kick->release();
}

void deliver_completion(World& w, DeviceRt& d, Request* rq, uint64_t now)
{
  d.elv->completed(*rq, now);
  d.elv->put_request(*rq);
  d.free_slots[rq->sync]++;
  if (!d.slot_waiters[rq->sync].empty()) {
    TaskRt* waiter = d.slot_waiters[rq->sync].front();
    d.slot_waiters[rq->sync].pop_front();
    waiter->wake->release();
  }
  TaskRt& t = *w.tasks[size_t(rq->task)];
  t.completions.push_back(rq);
  t.wake->release();
}

} // namespace iosim
