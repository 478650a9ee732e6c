// noop: one FIFO, dispatch in arrival order (block/noop-iosched.c without merging).
#pragma once
#include "schedulers/elevator.hpp"

#include <deque>

namespace iosim
{

class FifoElevator : public Elevator
{
  std::deque<Request*> fifo_;
  void do_add_request(Request& rq, uint64_t) override { fifo_.push_back(&rq); }
  Request* do_dispatch(uint64_t) override
  {
    if (fifo_.empty()) return nullptr;
    Request* rq = fifo_.front();
    fifo_.pop_front();
    return rq;
  }
};

} // namespace iosim
