// Bad user input (config, trace, job file, CLI flag): one clear line, exit code 2 (architecture
// doc, Contracts). Thrown only before the SimGrid Engine exists.
#pragma once
#include <stdexcept>
#include <string>

namespace iosim
{

class InputError : public std::runtime_error
{
 public:
  explicit InputError(const std::string& msg) : std::runtime_error(msg) {}
};

// An invariant of iosim itself was violated: print file:line and exit 3 (style.md, two tiers).
[[noreturn]] void internal_error(const char* file, int line, const std::string& what);

} // namespace iosim

#define IOSIM_CHECK(cond, msg)                                                                                         \
  do {                                                                                                                 \
    if (!(cond)) ::iosim::internal_error(__FILE__, __LINE__, std::string("check failed: " #cond ": ") + (msg));        \
  } while (0)
