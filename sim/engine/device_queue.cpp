// One actor per device: the dispatch path. It completes due requests, fires elevator timers,
// dispatches while the device has free queue slots, and sleeps until the next completion,
// timer or kick. Service times come from the device model (no s4u::Disk, architecture doc).
#include "sim/engine/world.hpp"

#include <algorithm>

namespace iosim
{

static void complete_due(World& w, DeviceRt& d, uint64_t now)
{
  while (!d.inflight.empty() && d.inflight.top().done_ns <= now) {
    Request* rq = d.inflight.top().rq;
    d.inflight.pop();
    uint64_t service = now - rq->dispatch_ns;
    TaskResult& tr   = w.out.tasks[size_t(rq->task)];
    tr.disk_time_ns += service;
    w.out.cgroup_disk_ns[size_t(rq->cgroup)][size_t(d.index)] += service;
    tr.backlog.complete(now);
    tr.service.push_back({rq->dispatch_ns, now});
    tr.max_wait_ns = std::max(tr.max_wait_ns, rq->dispatch_ns - rq->submit_ns);
    w.out.cgroup_backlog[size_t(rq->cgroup)][size_t(d.index)].complete(now);
    w.out.cgroup_service[size_t(rq->cgroup)][size_t(d.index)].push_back({rq->dispatch_ns, now});
    DeviceResult& dr = w.out.devices[size_t(d.index)];
    dr.total_ios++;
    dr.io_bytes += rq->bytes;
    if (d.inflight.empty()) dr.busy_ns += now - d.busy_since;
    if (w.record_events)
      w.log_event({{"t_ns", now},
                   {"ev", "complete"},
                   {"dev", w.sc.devices[size_t(d.index)].name},
                   {"pid", tr.pid},
                   {"rq", rq->id},
                   {"off", rq->offset},
                   {"bytes", rq->bytes},
                   {"rw", rq->write ? "write" : "read"},
                   {"sync", rq->sync},
                   {"lat_ns", now - rq->submit_ns},
                   {"service_ns", service}});
    deliver_completion(w, d, rq, now);
  }
}

// Dispatch up to the queue depth. A device left with nothing in flight while the elevator holds
// requests is the elevator waiting (CFQ's anticipation): that time is counted as elevator_wait.
static void dispatch_all(World& w, DeviceRt& d, uint64_t now)
{
  DeviceResult& dr = w.out.devices[size_t(d.index)];
  while (int(d.inflight.size()) < d.model->queue_depth()) {
    Request* rq = d.elv->dispatch(now);
    if (!rq) break;
    if (d.inflight.empty()) d.busy_since = now;
    if (d.waiting_since != UINT64_MAX) {
      dr.elevator_wait_ns += now - d.waiting_since;
      d.waiting_since = UINT64_MAX;
    }
    uint64_t done = d.model->start({rq->offset, rq->bytes, rq->write}, now);
    d.inflight.push({done, rq->id, rq});
  }
  if (d.inflight.empty() && d.elv->counters().queued > 0 && d.waiting_since == UINT64_MAX) d.waiting_since = now;
}

void device_loop(World& w, DeviceRt& d)
{
  while (true) {
    uint64_t now = now_ns();
    complete_due(w, d, now);
    if (d.elv->next_timer_ns() <= now) d.elv->timer_fired(now);
    dispatch_all(w, d, now);
    if (w.live_tasks == 0 && w.live_flushers == 0 && d.inflight.empty() && d.elv->counters().queued == 0) return;
    uint64_t next = d.elv->next_timer_ns();
    if (!d.inflight.empty()) next = std::min(next, d.inflight.top().done_ns);
    wait_until_ns(w, d.kick, next);
  }
}

} // namespace iosim
