// noop registration: the FIFO of noop.hpp, no tunables.
#include "schedulers/noop/noop.hpp"

namespace iosim
{

ElevatorType noop_elevator_type()
{
  return {"noop",
          "FIFO, no merging, no idling (block/noop-iosched.c)",
          {},
          [](const nlohmann::json&, const ElevatorDeviceInfo&) -> std::unique_ptr<Elevator> {
            return std::make_unique<FifoElevator>();
          }};
}

} // namespace iosim
