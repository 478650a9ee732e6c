// Device model registry (architecture doc, "Reference devices").
#include "sim/devices/device.hpp"

#include "sim/config/input_error.hpp"

namespace iosim
{

const std::vector<DeviceType>& device_types()
{
  static const std::vector<DeviceType> types = {hdd_device_type(), ssd_device_type(), null_device_type()};
  return types;
}

const DeviceType* find_device_type(const std::string& name)
{
  for (const auto& t : device_types())
    if (name == t.name) return &t;
  return nullptr;
}

std::unique_ptr<DeviceModel> make_device(const std::string& model, const nlohmann::json& params)
{
  const DeviceType* t = find_device_type(model);
  IOSIM_CHECK(t != nullptr, "unknown device model " + model);
  return t->make(params);
}

} // namespace iosim
