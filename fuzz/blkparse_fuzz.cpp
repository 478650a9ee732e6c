// libFuzzer target: the blkparse trace importer (docs/workloads.md), with a 2 TiB device so that
// offsets are checked against a capacity. Only InputError may escape.
#include "fuzz/fuzz_input.hpp"
#include "sim/config/input_error.hpp"
#include "workloads/trace_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  iosim::trace::TraceOptions opt;
  opt.capacity = uint64_t(2) << 40;
  try {
    iosim::trace::import_blkparse(fuzz_input_file(data, size, ".blkparse"), opt);
  } catch (const iosim::InputError&) {
  }
  return 0;
}
