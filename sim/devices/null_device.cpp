// Null device: zero service time, like fio's null engine (tests and engine-floor benchmarks).
#include "sim/devices/device.hpp"

namespace iosim
{

namespace
{
class NullDevice : public DeviceModel
{
 public:
  NullDevice(uint64_t capacity, int depth) : capacity_(capacity), depth_(depth) {}
  uint64_t start(const DeviceRequest&, uint64_t now_ns) override { return now_ns; }
  int queue_depth() const override { return depth_; }
  uint64_t capacity() const override { return capacity_; }
  bool rotational() const override { return false; }

 private:
  uint64_t capacity_;
  int depth_;
};
} // namespace

DeviceType null_device_type()
{
  DeviceType t;
  t.name        = "null";
  t.description = "zero service time (tests, engine floor)";
  t.params      = {
           {"capacity_gib", 1024, 1, 1 << 20, false, "GiB", "capacity"},
           {"queue_depth", 32, 1, 1024, true, "requests", "requests the device accepts at once"},
  };
  t.make = [](const nlohmann::json& j) -> std::unique_ptr<DeviceModel> {
    return std::make_unique<NullDevice>(uint64_t(j.at("capacity_gib").get<double>() * double(1ull << 30)),
                                        j.at("queue_depth").get<int>());
  };
  return t;
}

} // namespace iosim
