// SATA SSD (architecture doc, Reference devices): per-request access latency on one of N
// channels, then the transfer over a shared bus at the read or write bandwidth. The latency
// parameters are the service time of a 4 KiB request at depth 1, so the access part is that
// figure minus the 4 KiB transfer time.
#pragma once
#include "sim/devices/device.hpp"

#include <vector>

namespace iosim
{

struct SsdParams {
  double capacity_bytes   = 256.0 * (1ull << 30);
  double read_latency_us  = 80;
  double write_latency_us = 30;
  double read_mbs         = 550;
  double write_mbs        = 500;
  int channels            = 8;
  int queue_depth         = 32;
};

class Ssd : public DeviceModel
{
 public:
  explicit Ssd(const SsdParams& p);
  uint64_t start(const DeviceRequest& rq, uint64_t now_ns) override;
  int queue_depth() const override { return p_.queue_depth; }
  uint64_t capacity() const override { return uint64_t(p_.capacity_bytes); }
  bool rotational() const override { return false; }

  double access_ns(bool write) const; // latency minus the 4 KiB transfer
  double transfer_ns(uint64_t bytes, bool write) const;

 private:
  SsdParams p_;
  std::vector<uint64_t> channel_free_; // when each channel becomes free
  uint64_t bus_free_ = 0;
};

} // namespace iosim
