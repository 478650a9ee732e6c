// The elevator interface (kernel elevator_ops, ns-3 QueueDisc NVI): the public methods do the
// accounting every scheduler shares and call the private do_* policy hooks. Schedulers are
// registered by name with a description and a tunables table (kernel elevator_type, fio ioengine_ops).
#pragma once
#include "schedulers/request.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace iosim
{

struct ElevatorCounters {
  uint64_t inserted = 0, dispatched = 0, completed = 0;
  uint64_t queued = 0, in_driver = 0;
};

class Elevator
{
 public:
  virtual ~Elevator() = default;
  // Request setup/teardown (elevator_set_req_fn / elevator_put_req_fn). false = setup failed.
  bool set_request(Request& rq, uint64_t now_ns) { return do_set_request(rq, now_ns); }
  void put_request(Request& rq) { do_put_request(rq); }
  void add_request(Request& rq, uint64_t now_ns);
  // Next request for the device, or nullptr (nothing queued, or the scheduler chooses to wait).
  Request* dispatch(uint64_t now_ns);
  void completed(Request& rq, uint64_t now_ns);
  // When the scheduler wants to be called back (idle timers), or UINT64_MAX for never.
  virtual uint64_t next_timer_ns() const { return UINT64_MAX; }
  virtual void timer_fired(uint64_t /*now_ns*/) {}
  const ElevatorCounters& counters() const { return c_; }
  // Scheduler-specific report section (CFQ's charged slice time etc.); empty object by default.
  virtual nlohmann::json report() const { return nlohmann::json::object(); }

 private:
  virtual bool do_set_request(Request&, uint64_t) { return true; }
  virtual void do_put_request(Request&) {}
  virtual void do_add_request(Request& rq, uint64_t now_ns) = 0;
  virtual Request* do_dispatch(uint64_t now_ns)             = 0;
  virtual void do_completed(Request&, uint64_t) {}
  ElevatorCounters c_;
};

struct ElevatorTunable {
  const char* name;
  int64_t dflt, lo, hi;
  const char* unit;
  const char* help;
};

namespace kernel
{
class Kernel;
struct cfq_data;
} // namespace kernel

struct ElevatorDeviceInfo {
  bool rotational        = true;
  int hz                 = 1000;
  kernel::Kernel* k      = nullptr; // the kernel model (CFQ's request setup runs in it)
  kernel::cfq_data* cfqd = nullptr; // this queue's cfq_data in the kernel model
  std::vector<int> cgroup_weights;  // blkio.weight by blkcg id (0 = root; CFQ gives root 1000, spec F)
};

struct ElevatorType {
  const char* name;
  const char* description;
  std::vector<ElevatorTunable> tunables;
  // tunables: every row of the table present (defaults applied, validated by the config parser).
  std::function<std::unique_ptr<Elevator>(const nlohmann::json& tunables, const ElevatorDeviceInfo&)> make;
  // The default of a tunable at kernel.hz when the kernel derives it from HZ (in the table's
  // units); null when every default is the table's.
  std::function<int64_t(const ElevatorTunable&, int hz)> default_at_hz = nullptr;
};

const std::vector<ElevatorType>& elevator_types();
const ElevatorType* find_elevator_type(const std::string& name);

ElevatorType noop_elevator_type();
ElevatorType cfq_elevator_type();
ElevatorType deadline_elevator_type();

} // namespace iosim
