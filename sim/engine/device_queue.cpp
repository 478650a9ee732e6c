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

static void dispatch_all(DeviceRt& d, uint64_t now)
{
  while (int(d.inflight.size()) < d.model->queue_depth()) {
    Request* rq = d.elv->dispatch(now);
    if (!rq) return;
    if (d.inflight.empty()) d.busy_since = now;
    uint64_t done = d.model->start({rq->offset, rq->bytes, rq->write}, now);
    d.inflight.push({done, rq->id, rq});
  }
}

void device_loop(World& w, DeviceRt& d)
{
  while (true) {
    uint64_t now = now_ns();
    complete_due(w, d, now);
    if (d.elv->next_timer_ns() <= now) d.elv->timer_fired(now);
    dispatch_all(d, now);
    if (w.live_tasks == 0 && w.live_flushers == 0 && d.inflight.empty() && d.elv->counters().queued == 0) return;
    uint64_t next = d.elv->next_timer_ns();
    if (!d.inflight.empty()) next = std::min(next, d.inflight.top().done_ns);
    wait_until_ns(w, d.kick, next);
  }
}

} // namespace iosim
