// cfq: CFQ's request setup and release through the kernel model (spec E.14: cfq_set_request ->
// cfq_get_io_context, cic lookup/link, queue mapping E.2, ioprio/cgroup change handling;
// cfq_put_request). This is the skeleton the CFQ issue completes: service trees, slices, idling
// and group scheduling (E.3-E.12) are not modelled yet, so requests are dispatched in arrival
// order and the fairness figures under `cfq` are still those of a FIFO.
#include "kernel/process.hpp"
#include "schedulers/noop/noop.hpp"

namespace iosim
{

namespace
{
class CfqSetup : public FifoElevator
{
 public:
  CfqSetup(kernel::Kernel& k, kernel::cfq_data* cfqd) : k_(k), cfqd_(cfqd) {}
  nlohmann::json report() const override
  {
    return {{"dispatch", "arrival order (CFQ service trees, slices and idling are not modelled yet)"}};
  }

 private:
  // Runs in the issuing task's context, before queue_lock (B.8 / C.9).
  bool do_set_request(Request& rq, uint64_t) override
  {
    kernel::request* krq = kernel::submit_io(k_, cfqd_, rq.sync);
    rq.elv_private[0]    = krq;
    return krq != nullptr;
  }
  // Runs in the completion context of the device.
  void do_put_request(Request& rq) override
  {
    if (rq.elv_private[0]) kernel::complete_io(k_, static_cast<kernel::request*>(rq.elv_private[0]));
    rq.elv_private[0] = nullptr;
  }

  kernel::Kernel& k_;
  kernel::cfq_data* cfqd_;
};
} // namespace

ElevatorType cfq_elevator_type()
{
  return {"cfq",
          "CFQ request setup through the kernel model's ioc API; dispatch in arrival order until the scheduler lands",
          {},
          [](const nlohmann::json&, const ElevatorDeviceInfo& info) -> std::unique_ptr<Elevator> {
            return std::make_unique<CfqSetup>(*info.k, info.cfqd);
          }};
}

} // namespace iosim
