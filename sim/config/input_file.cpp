#include "sim/config/input_file.hpp"

#include "sim/config/input_error.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace iosim
{

static std::string mib(size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

std::string read_input_file(const std::string& path, const char* what, size_t max_bytes)
{
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) throw InputError(path + ": cannot open " + what + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw InputError(path + ": is a directory, expected a " + what);
  if (S_ISREG(st.st_mode) && size_t(st.st_size) > max_bytes)
    throw InputError(path + ": " + what + " is " + std::to_string(st.st_size) + " bytes, more than the " +
                     mib(max_bytes) + " limit");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open " + what + ": " + std::strerror(errno));
  // Read at most max_bytes + 1 so that a growing file, a FIFO or /dev/zero stays bounded.
  std::string text;
  char buf[1 << 16];
  while (in && text.size() <= max_bytes) {
    in.read(buf, std::streamsize(std::min(sizeof buf, max_bytes + 1 - text.size())));
    text.append(buf, size_t(in.gcount()));
  }
  if (text.size() > max_bytes)
    throw InputError(path + ": " + what + " is larger than the " + mib(max_bytes) + " limit");
  if (in.bad()) throw InputError(path + ": cannot read " + what + ": " + std::strerror(errno));
  return text;
}

} // namespace iosim
