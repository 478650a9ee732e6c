// 7200 rpm SATA disk (architecture doc, Reference devices): seek a + b*sqrt(distance) between
// track-to-track and full stroke, rotational latency from a platter angle that turns with
// simulated time, zoned transfer rate (outer zone fastest), and a head position, so that a
// request continuing where the previous one ended streams at the media rate (track buffer).
#pragma once
#include "sim/devices/device.hpp"

namespace iosim
{

struct HddParams {
  double capacity_bytes = 500.0 * (1ull << 30);
  double rpm            = 7200;
  double seek_track_ms  = 0.8;
  double seek_full_ms   = 17.0;
  double outer_mbs      = 150; // MB/s = 1e6 bytes/s
  double inner_mbs      = 75;
  int cylinders         = 100000;
  int queue_depth       = 1;
};

class Hdd : public DeviceModel
{
 public:
  explicit Hdd(const HddParams& p);
  uint64_t start(const DeviceRequest& rq, uint64_t now_ns) override;
  int queue_depth() const override { return p_.queue_depth; }
  uint64_t capacity() const override { return uint64_t(p_.capacity_bytes); }
  bool rotational() const override { return true; }

  // The pieces, public so that tests can check them against hand-computed values.
  double radial_position(uint64_t offset) const; // 0 = outermost cylinder, 1 = innermost
  int cylinder(uint64_t offset) const;
  double seek_ns(int from_cyl, int to_cyl) const;
  double media_rate(uint64_t offset) const;   // bytes per second at that offset
  double sector_angle(uint64_t offset) const; // fraction of a turn, in [0, 1)
  double rotation_ns() const { return 60e9 / p_.rpm; }

 private:
  HddParams p_;
  uint64_t busy_until_  = 0; // requests queued inside the drive are served in order
  uint64_t next_offset_ = 0; // where the head's last transfer ended (sequential detection)
  int head_cyl_         = 0;
  bool head_valid_      = false;
};

} // namespace iosim
