// One simulation: build the platform and the world (devices with their elevator and device
// loop, flushers, tasks, the admin task), run SimGrid to quiescence, return the results.
#include "sim/config/input_error.hpp"
#include "sim/engine/engine_setup.hpp"
#include "sim/engine/world.hpp"

#include <chrono>

namespace iosim
{

std::unique_ptr<sg4::Engine> make_engine(const std::vector<std::string>& simgrid_cfg);

static void build_devices(World& w)
{
  for (size_t i = 0; i < w.sc.devices.size(); ++i) {
    const DeviceSpec& ds   = w.sc.devices[i];
    auto d                 = std::make_unique<DeviceRt>();
    d->index               = int(i);
    d->model               = make_device(ds.model, ds.params);
    const ElevatorType* et = find_elevator_type(w.sc.scheduler.name);
    IOSIM_CHECK(et != nullptr, "scheduler validated but not registered");
    d->elv           = et->make(w.sc.scheduler.tunables, {ds.rotational, w.sc.kernel.hz});
    d->kick          = sg4::Semaphore::create(0);
    d->free_slots[0] = d->free_slots[1] = w.sc.kernel.nr_requests;
    DeviceResult dr;
    dr.name = ds.name;
    w.out.devices.push_back(dr);
    w.devices.push_back(std::move(d));
  }
}

static bool writes_buffered(const TaskSpec& t, const std::string& dev)
{
  bool writes = t.job.rw != RwMode::read && t.job.rw != RwMode::randread;
  return t.has_job && t.job.device == dev && writes && !t.job.direct && !t.job.sync_writes;
}

RunResult run_simulation(const Scenario& sc, const RunOptions& opt)
{
  auto engine = make_engine(opt.simgrid_cfg);
  RunResult out;
  out.cgroup_disk_ns.assign(sc.cgroups.size(), 0);
  World w(sc, out);
  w.record_events = opt.record_events;
  auto* zone      = sg4::create_full_zone("root");
  w.host          = zone->create_host("cpu", 1e9);
  w.host->seal();
  zone->seal();
  bool deadlock = false;
  sg4::Engine::on_deadlock_cb([&deadlock] { deadlock = true; });

  build_devices(w);
  for (auto& d : w.devices) {
    DeviceRt* raw = d.get();
    sg4::Actor::create("dev-" + sc.devices[size_t(d->index)].name, w.host,
                       [&w, raw] { guarded("device loop", [&] { device_loop(w, *raw); }); });
    bool need_flusher = false;
    for (const auto& t : sc.tasks)
      need_flusher = need_flusher || writes_buffered(t, sc.devices[size_t(d->index)].name);
    if (need_flusher) create_flusher(w, *d);
  }
  for (const auto& t : sc.tasks)
    for (int i = 0; i < t.count; ++i)
      create_task(w, t, t.count == 1 ? t.name : t.name + "." + std::to_string(i), t.job.start_ms * 1000000);
  if (!sc.events.empty()) sg4::Actor::create("admin", w.host, [&w] { guarded("admin", [&] { admin_main(w); }); });

  auto t0 = std::chrono::steady_clock::now();
  engine->run();
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  IOSIM_CHECK(!deadlock, "SimGrid reported a deadlock: an actor waits for something that never comes");
  IOSIM_CHECK(w.live_tasks == 0 && w.live_flushers == 0, "run ended with live tasks");
  out.sim_time_ns   = now_ns();
  out.engine_events = w.wakeups;
  for (auto& d : w.devices) {
    out.devices[size_t(d->index)].dirty_bytes_at_end = d->cache.dirty_bytes;
    out.devices[size_t(d->index)].scheduler          = d->elv->report();
  }
  return out;
}

} // namespace iosim
