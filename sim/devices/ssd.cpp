// SSD model: see ssd.hpp and docs/devices.md.
#include "sim/devices/ssd.hpp"

#include <algorithm>
#include <cmath>

namespace iosim
{

Ssd::Ssd(const SsdParams& p) : p_(p), channel_free_(size_t(p.channels), 0) {}

double Ssd::transfer_ns(uint64_t bytes, bool write) const
{
  return 1e9 * double(bytes) / (1e6 * (write ? p_.write_mbs : p_.read_mbs));
}

double Ssd::access_ns(bool write) const
{
  return 1e3 * (write ? p_.write_latency_us : p_.read_latency_us) - transfer_ns(4096, write);
}

uint64_t Ssd::start(const DeviceRequest& rq, uint64_t now_ns)
{
  // The channel that frees first (lowest index on ties) takes the request.
  auto ch       = std::min_element(channel_free_.begin(), channel_free_.end());
  double begin  = double(std::max(now_ns, *ch));
  double xfer0  = std::max(begin + access_ns(rq.write), double(bus_free_));
  uint64_t done = uint64_t(std::llround(xfer0 + transfer_ns(rq.bytes, rq.write)));
  bus_free_     = done;
  *ch           = done;
  return done;
}

DeviceType ssd_device_type()
{
  DeviceType t;
  t.name        = "ssd";
  t.description = "SATA SSD: access latency per request on N channels, transfer over a shared bus";
  t.params      = {
           {"capacity_gib", 256, 1, 1 << 20, false, "GiB", "capacity"},
           {"read_latency_us", 80, 0, 1e6, false, "us", "service time of a 4 KiB read at depth 1"},
           {"write_latency_us", 30, 0, 1e6, false, "us", "service time of a 4 KiB write at depth 1"},
           {"read_mbs", 550, 1, 1e6, false, "MB/s", "read bandwidth of the shared bus"},
           {"write_mbs", 500, 1, 1e6, false, "MB/s", "write bandwidth of the shared bus"},
           {"channels", 8, 1, 1024, true, "count", "requests in service at once"},
           {"queue_depth", 32, 1, 1024, true, "requests", "requests the device accepts at once"},
  };
  t.make = [](const nlohmann::json& j) -> std::unique_ptr<DeviceModel> {
    SsdParams p;
    p.capacity_bytes   = j.at("capacity_gib").get<double>() * double(1ull << 30);
    p.read_latency_us  = j.at("read_latency_us").get<double>();
    p.write_latency_us = j.at("write_latency_us").get<double>();
    p.read_mbs         = j.at("read_mbs").get<double>();
    p.write_mbs        = j.at("write_mbs").get<double>();
    p.channels         = j.at("channels").get<int>();
    p.queue_depth      = j.at("queue_depth").get<int>();
    return std::make_unique<Ssd>(p);
  };
  return t;
}

} // namespace iosim
