// deadline: block/deadline-iosched.c of 3.2 as a baseline. Per data direction a sector-sorted
// list and a FIFO with expiry (read_expire 500 ms, write_expire 5000 ms); batches of up to
// fifo_batch requests in sector order; reads preferred unless writes were starved writes_starved
// times. Merging is not modelled in iosim, so front_merges is accepted and has no effect.
#include "schedulers/elevator.hpp"

#include <climits>
#include <list>
#include <map>

namespace iosim
{

namespace
{
class Deadline : public Elevator
{
 public:
  Deadline(const nlohmann::json& t, int hz)
      : hz_(uint64_t(hz)), fifo_batch_(t.at("fifo_batch").get<int>()),
        writes_starved_(t.at("writes_starved").get<int>())
  {
    // sysfs ms -> jiffies (msecs_to_jiffies rounds up)
    expire_[0] = (t.at("read_expire").get<uint64_t>() * hz_ + 999) / 1000;
    expire_[1] = (t.at("write_expire").get<uint64_t>() * hz_ + 999) / 1000;
  }
  // Requests still queued when the elevator goes away (a test, or an aborted run) free their
  // bookkeeping; the ASan tree's leak check found this.
  ~Deadline() override
  {
    for (auto& fifo : fifo_)
      for (Drq* d : fifo)
        delete d;
  }
  nlohmann::json report() const override
  {
    return {{"batches", batches_}, {"fifo_expired_batches", fifo_starts_}, {"write_starvation_breaks", starve_breaks_}};
  }

 private:
  struct Drq {
    Request* r;
    uint64_t fifo_time; // jiffies
    std::list<Drq*>::iterator fifo_it;
    std::multimap<uint64_t, Drq*>::iterator sort_it;
  };
  uint64_t jiffies(uint64_t ns) const { return uint64_t((unsigned __int128)ns * hz_ / 1000000000u); }

  void do_add_request(Request& rq, uint64_t now_ns) override
  {
    const int dir = rq.write ? 1 : 0;
    auto* d       = new Drq{&rq, jiffies(now_ns) + expire_[dir], {}, {}};
    d->sort_it    = sort_[dir].emplace(rq.offset / 512, d);
    fifo_[dir].push_back(d);
    d->fifo_it = std::prev(fifo_[dir].end());
  }
  // deadline_check_fifo: the oldest request of @dir has expired.
  bool check_fifo(int dir, uint64_t now) const { return now >= fifo_[dir].front()->fifo_time; }
  // deadline_move_request: next_rq of the direction becomes the next in sector order.
  Request* move_request(Drq* d, int dir)
  {
    next_[0] = next_[1] = nullptr;
    auto nx             = std::next(d->sort_it);
    next_[dir]          = nx == sort_[dir].end() ? nullptr : nx->second;
    sort_[dir].erase(d->sort_it);
    fifo_[dir].erase(d->fifo_it);
    Request* r = d->r;
    delete d;
    return r;
  }
  // deadline_dispatch_requests: continue a batch, else pick a direction and a start request.
  Request* do_dispatch(uint64_t now_ns) override
  {
    const uint64_t now = jiffies(now_ns);
    const bool reads = !fifo_[0].empty(), writes = !fifo_[1].empty();
    Drq* d  = next_[1] ? next_[1] : next_[0];
    int dir = next_[1] ? 1 : 0;
    if (d && batching_ < fifo_batch_) {
      batching_++;
      return move_request(d, dir);
    }
    if (reads && !(writes && starved_++ >= writes_starved_)) {
      dir = 0;
    } else if (writes) {
      if (reads) starve_breaks_++;
      starved_ = 0;
      dir      = 1;
    } else {
      return nullptr;
    }
    if (check_fifo(dir, now) || !next_[dir]) {
      if (next_[dir]) fifo_starts_++;
      d = fifo_[dir].front();
    } else {
      d = next_[dir];
    }
    batches_++;
    batching_ = 1;
    return move_request(d, dir);
  }

  uint64_t hz_;
  uint64_t expire_[2];
  int fifo_batch_, writes_starved_;
  std::multimap<uint64_t, Drq*> sort_[2];
  std::list<Drq*> fifo_[2];
  Drq* next_[2] = {nullptr, nullptr};
  int batching_ = 0, starved_ = 0;
  uint64_t batches_ = 0, fifo_starts_ = 0, starve_breaks_ = 0;
};
} // namespace

ElevatorType deadline_elevator_type()
{
  return {"deadline",
          "read/write FIFOs with expiry, sector-sorted batches (block/deadline-iosched.c); no merging modelled",
          {
              {"read_expire", 500, 0, INT_MAX, "ms", "deadline of a read, HZ/2"},
              {"write_expire", 5000, 0, INT_MAX, "ms", "deadline of a write, 5*HZ"},
              {"writes_starved", 2, INT_MIN, INT_MAX, "batches", "read batches before a starved write batch"},
              {"front_merges", 1, 0, 1, "bool", "accepted; iosim models no merging, so it has no effect"},
              {"fifo_batch", 16, 0, INT_MAX, "requests", "requests per sector-ordered batch"},
          },
          [](const nlohmann::json& t, const ElevatorDeviceInfo& info) -> std::unique_ptr<Elevator> {
            return std::make_unique<Deadline>(t, info.hz);
          }};
}

} // namespace iosim
