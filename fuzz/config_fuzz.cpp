// libFuzzer target: the config parser (docs/testing.md). Any input must either parse or be
// rejected with an InputError (one clear line, exit 2 in the CLI); any other exception, a crash
// or a sanitizer report is a finding, kept as a regression input in tests/hostile/.
#include "sim/config/input_error.hpp"
#include "sim/config/parse_config.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  try {
    iosim::load_config_text("fuzz.json", std::string(reinterpret_cast<const char*>(data), size));
  } catch (const iosim::InputError&) {
  }
  return 0;
}
