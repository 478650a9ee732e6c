// libFuzzer target: the fio job file importer (grammar, units, option table), as
// `iosim import fio` and a {"type": "fio"} workload run it. Only InputError may escape.
#include "fuzz/fuzz_input.hpp"
#include "sim/config/input_error.hpp"
#include "workloads/fio_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  static const std::vector<iosim::DeviceSpec> devices = [] {
    iosim::DeviceSpec d;
    d.name           = "sda";
    d.model          = "hdd";
    d.capacity_bytes = uint64_t(500) << 30;
    return std::vector<iosim::DeviceSpec>{d};
  }();
  try {
    iosim::fio::import_fio(fuzz_input_file(data, size, ".fio"), devices, "sda");
  } catch (const iosim::InputError&) {
  }
  return 0;
}
