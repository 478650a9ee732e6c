// Internal (iosim) errors: exit 3 with file:line (style.md "two tiers of checks").
#include "sim/config/input_error.hpp"

#include <cstdio>
#include <cstdlib>

namespace iosim
{

void internal_error(const char* file, int line, const std::string& what)
{
  std::fprintf(stderr, "iosim: internal error at %s:%d: %s\n", file, line, what.c_str());
  std::fflush(stderr);
  std::_Exit(3);
}

} // namespace iosim
