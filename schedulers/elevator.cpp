// Elevator base accounting and the scheduler registry.
#include "schedulers/elevator.hpp"

#include "sim/config/input_error.hpp"

namespace iosim
{

void Elevator::add_request(Request& rq, uint64_t now_ns)
{
  rq.insert_ns = now_ns;
  c_.inserted++;
  c_.queued++;
  do_add_request(rq, now_ns);
}

Request* Elevator::dispatch(uint64_t now_ns)
{
  Request* rq = do_dispatch(now_ns);
  if (rq) {
    IOSIM_CHECK(c_.queued > 0, "elevator dispatched more requests than were queued");
    rq->dispatch_ns = now_ns;
    c_.dispatched++;
    c_.queued--;
    c_.in_driver++;
  }
  return rq;
}

void Elevator::completed(Request& rq, uint64_t now_ns)
{
  IOSIM_CHECK(c_.in_driver > 0, "completion without a request in the driver");
  rq.complete_ns = now_ns;
  c_.completed++;
  c_.in_driver--;
  do_completed(rq, now_ns);
}

const std::vector<ElevatorType>& elevator_types()
{
  static const std::vector<ElevatorType> types = {noop_elevator_type(), deadline_elevator_type(), cfq_elevator_type()};
  return types;
}

const ElevatorType* find_elevator_type(const std::string& name)
{
  for (const auto& t : elevator_types())
    if (name == t.name) return &t;
  return nullptr;
}

} // namespace iosim
