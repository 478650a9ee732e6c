// libFuzzer target for one trace importer (docs/workloads.md), chosen at build time by
// IOSIM_FUZZ_IMPORTER (import_blkparse, import_msr or import_iolog: CMakeLists.txt builds one
// binary each), with a 2 TiB device so that offsets are checked against a capacity. Only
// InputError may escape.
#include "fuzz/fuzz_input.hpp"
#include "sim/config/input_error.hpp"
#include "workloads/trace_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  iosim::trace::TraceOptions opt;
  opt.capacity = uint64_t(2) << 40;
  try {
    iosim::trace::IOSIM_FUZZ_IMPORTER(fuzz_input_file(data, size, ".trace"), opt);
  } catch (const iosim::InputError&) {
  }
  return 0;
}
