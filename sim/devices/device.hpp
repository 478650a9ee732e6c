// Device model interface (SimGrid's DiskImpl + models/ split): iosim computes each request's
// service time itself and the engine waits it in simulated time (architecture doc, Decisions:
// no s4u::Disk). One file per model, registered by name with a parameter table.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace iosim
{

struct DeviceRequest {
  uint64_t offset = 0; // bytes from the start of the device
  uint64_t bytes  = 0;
  bool write      = false;
};

class DeviceModel
{
 public:
  virtual ~DeviceModel() = default;
  // The device accepts a request at now_ns (it has a free queue slot); returns its completion
  // time in ns (>= now_ns). Calls come in non-decreasing now_ns.
  virtual uint64_t start(const DeviceRequest& rq, uint64_t now_ns) = 0;
  virtual int queue_depth() const                                  = 0;
  virtual uint64_t capacity() const                                = 0;
  virtual bool rotational() const                                  = 0;
};

// One row per model parameter (fio option-table style): the parser validates against it, the
// docs list it, and defaults are the architecture doc's reference devices.
struct DeviceParam {
  const char* name;
  double dflt;
  double lo, hi;
  bool integer;
  const char* unit;
  const char* help;
};

struct DeviceType {
  const char* name;
  const char* description;
  std::vector<DeviceParam> params;
  // params: a JSON object holding every parameter of the table (defaults applied, validated).
  std::function<std::unique_ptr<DeviceModel>(const nlohmann::json& params)> make;
};

const std::vector<DeviceType>& device_types();
const DeviceType* find_device_type(const std::string& name);
std::unique_ptr<DeviceModel> make_device(const std::string& model, const nlohmann::json& params);

// Registered by each model file.
DeviceType hdd_device_type();
DeviceType ssd_device_type();
DeviceType null_device_type();

} // namespace iosim
