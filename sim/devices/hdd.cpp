// HDD model: see hdd.hpp and docs/devices.md for the formulas.
#include "sim/devices/hdd.hpp"

#include <algorithm>
#include <cmath>

namespace iosim
{

Hdd::Hdd(const HddParams& p) : p_(p) {}

// Bytes per unit of radius fall linearly from the outer to the inner zone (ratio inner/outer),
// so the byte fraction f maps to radius u by inverting f = (u - k u^2/2) / (1 - k/2), k = 1 - ratio.
double Hdd::radial_position(uint64_t offset) const
{
  double f = std::min(1.0, double(offset) / p_.capacity_bytes);
  double k = 1.0 - p_.inner_mbs / p_.outer_mbs;
  if (k < 1e-12) return f;
  double disc = 1.0 - 2.0 * k * f * (1.0 - k / 2.0);
  return (1.0 - std::sqrt(std::max(0.0, disc))) / k;
}

int Hdd::cylinder(uint64_t offset) const
{
  return std::min(p_.cylinders - 1, int(radial_position(offset) * p_.cylinders));
}

double Hdd::seek_ns(int from_cyl, int to_cyl) const
{
  if (from_cyl == to_cyl) return 0;
  double d = std::abs(from_cyl - to_cyl) / double(p_.cylinders - 1);
  return 1e6 * (p_.seek_track_ms + (p_.seek_full_ms - p_.seek_track_ms) * std::sqrt(d));
}

double Hdd::media_rate(uint64_t offset) const
{
  double u = radial_position(offset);
  return 1e6 * (p_.outer_mbs - (p_.outer_mbs - p_.inner_mbs) * u);
}

double Hdd::sector_angle(uint64_t offset) const
{
  double track_bytes = media_rate(offset) * rotation_ns() * 1e-9;
  double a           = std::fmod(double(offset), track_bytes) / track_bytes;
  return a < 0 ? a + 1 : a;
}

uint64_t Hdd::start(const DeviceRequest& rq, uint64_t now_ns)
{
  double t        = double(std::max(now_ns, busy_until_));
  double transfer = 1e9 * double(rq.bytes) / media_rate(rq.offset);
  if (!(head_valid_ && rq.offset == next_offset_)) {
    int cyl = cylinder(rq.offset);
    t += head_valid_ ? seek_ns(head_cyl_, cyl) : seek_ns(0, cyl);
    // Wait until the target sector passes under the head; the platter angle is t / rotation.
    double rot        = rotation_ns();
    double head_angle = std::fmod(t, rot) / rot;
    double wait       = sector_angle(rq.offset) - head_angle;
    if (wait < 0) wait += 1.0;
    t += wait * rot;
  }
  t += transfer;
  uint64_t done = uint64_t(std::llround(t));
  busy_until_   = done;
  next_offset_  = rq.offset + rq.bytes;
  head_cyl_     = cylinder(rq.offset + rq.bytes);
  head_valid_   = true;
  return done;
}

DeviceType hdd_device_type()
{
  DeviceType t;
  t.name        = "hdd";
  t.description = "7200 rpm SATA disk: sqrt seek curve, rotational latency, zoned transfer rate, head position";
  t.params      = {
           {"capacity_gib", 500, 1, 1 << 20, false, "GiB", "capacity"},
           {"rpm", 7200, 1000, 20000, false, "rpm", "spindle speed (rotation 8.33 ms at 7200)"},
           {"seek_track_ms", 0.8, 0, 100, false, "ms", "track-to-track seek"},
           {"seek_full_ms", 17, 0, 1000, false, "ms", "full-stroke seek; seek(d) = track + (full - track) * sqrt(d)"},
           {"outer_mbs", 150, 1, 100000, false, "MB/s", "media transfer rate in the outermost zone"},
           {"inner_mbs", 75, 1, 100000, false, "MB/s", "media transfer rate in the innermost zone"},
           {"cylinders", 100000, 2, 10000000, true, "count", "seek granularity: same cylinder = no seek"},
           {"queue_depth", 1, 1, 31, true, "requests", "requests the drive accepts at once (NCQ up to 31; served in order)"},
  };
  t.make = [](const nlohmann::json& j) -> std::unique_ptr<DeviceModel> {
    HddParams p;
    p.capacity_bytes = j.at("capacity_gib").get<double>() * double(1ull << 30);
    p.rpm            = j.at("rpm").get<double>();
    p.seek_track_ms  = j.at("seek_track_ms").get<double>();
    p.seek_full_ms   = j.at("seek_full_ms").get<double>();
    p.outer_mbs      = j.at("outer_mbs").get<double>();
    p.inner_mbs      = j.at("inner_mbs").get<double>();
    p.cylinders      = j.at("cylinders").get<int>();
    p.queue_depth    = j.at("queue_depth").get<int>();
    return std::make_unique<Hdd>(p);
  };
  return t;
}

} // namespace iosim
