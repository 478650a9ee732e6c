// One simulation: build the platform and the world (devices with their elevator and device
// loop, flushers, tasks, the admin task), run SimGrid to quiescence, return the results.
#include "sim/config/input_error.hpp"
#include "sim/engine/engine_setup.hpp"
#include "sim/engine/world.hpp"
#include "sim/report/correctness.hpp"
#include "workloads/lifecycle.hpp"

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
    d->cfqd = kernel::cfq_init_queue(*w.k, ds.name);
    TaskSpec kthread;
    kthread.uid = kthread.euid = 0;
    d->irq                     = new_kernel_task(w, kthread, "irq/" + ds.name);
    ElevatorDeviceInfo info;
    info.rotational = ds.rotational;
    info.hz         = w.sc.kernel.hz;
    info.k          = w.k.get();
    info.cfqd       = d->cfqd;
    for (const auto& cg : w.sc.cgroups)
      info.cgroup_weights.push_back(cg.weight);
    d->elv           = et->make(w.sc.scheduler.tunables, info);
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
  out.cgroup_disk_ns.assign(sc.cgroups.size(), std::vector<uint64_t>(sc.devices.size(), 0));
  out.cgroup_backlog.assign(sc.cgroups.size(), std::vector<BacklogTrack>(sc.devices.size()));
  out.cgroup_service.assign(sc.cgroups.size(), std::vector<std::vector<Span>>(sc.devices.size()));
  clock_reset();
  World w(sc, out);
  w.record_events = opt.record_events;
  auto* zone      = sg4::create_full_zone("root");
  w.host          = zone->create_host("cpu", 1e9);
  w.host->seal();
  zone->seal();
  bool deadlock = false;
  sg4::Engine::on_deadlock_cb([&deadlock] { deadlock = true; });

  w.exec = std::make_unique<SimExec>(w, double(sc.kernel.step_jitter_ns));
  kernel::KernelConfig kc;
  IOSIM_CHECK(kernel::parse_ioc_api(sc.kernel.ioc_api, kc.ioc_api), "ioc_api validated but unknown");
  IOSIM_CHECK(kernel::parse_memory_model(sc.kernel.memory_model, kc.memory_model),
              "memory model validated but unknown");
  kc.gfp_atomic_fail_rate = sc.kernel.gfp_atomic_fail_rate;
  kc.seed                 = sc.seed;
  w.k                     = std::make_unique<kernel::Kernel>(*w.exec, kc);
  w.settle.sem            = sg4::Semaphore::create(0);
  build_devices(w);
  for (auto& d : w.devices) {
    DeviceRt* raw = d.get();
    start_actor(w, "dev-" + sc.devices[size_t(d->index)].name, d->irq, [&w, raw] { device_loop(w, *raw); });
    bool need_flusher = false;
    for (const auto& t : sc.tasks)
      need_flusher = need_flusher || writes_buffered(t, sc.devices[size_t(d->index)].name);
    if (need_flusher) create_flusher(w, *d);
  }
  for (const auto& t : sc.tasks)
    for (int i = 0; i < t.count; ++i) {
      std::string name = t.count == 1 ? t.name : t.name + "." + std::to_string(i);
      create_task(w, t, name, t.job.start_ms * 1000000, new_kernel_task(w, t, name));
    }
  w.events = all_events(sc); // fixed-time events and the generators' draws (run seed)
  if (!w.events.empty()) {
    TaskSpec root; // the admin task: uid 0, every capability
    root.uid = root.euid    = 0;
    kernel::task_struct* kt = new_kernel_task(w, root, "admin");
    start_actor(w, "admin", kt, [&w, kt] {
      admin_main(w);
      kernel_exit(w, kt);
    });
  }

  auto t0 = std::chrono::steady_clock::now();
  engine->run();
  out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  IOSIM_CHECK(!deadlock, "SimGrid reported a deadlock: an actor waits for something that never comes");
  IOSIM_CHECK(w.live_tasks == 0 && w.live_flushers == 0, "run ended with live tasks");
  out.sim_time_ns = now_ns();
  // Elevator exit (cfq_exit_queue, E.14), then the end-of-run checks at quiescence.
  for (auto& d : w.devices)
    kernel::cfq_exit_queue(*w.k, d->cfqd);
  w.k->check_quiescence();
  out.correctness        = correctness_json(w.k->oracle);
  out.engine_events      = w.wakeups;
  out.engine_sleeps      = w.sleeps;
  out.engine_waits       = w.waits;
  out.engine_timed_waits = w.timed_waits;
  out.engine_actors      = w.actors;
  out.engine_coalesced   = w.coalesced_steps;
  for (auto& d : w.devices) {
    out.devices[size_t(d->index)].dirty_bytes_at_end = d->cache.dirty_bytes;
    out.devices[size_t(d->index)].scheduler          = d->elv->report();
  }
  return out;
}

} // namespace iosim
