#include "sim/config/input_file.hpp"

#include "sim/config/input_error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace iosim
{

static std::string mib(size_t bytes)
{
  return bytes >= (size_t(1) << 30) ? std::to_string(bytes >> 30) + " GiB" : std::to_string(bytes >> 20) + " MiB";
}

// "a config file" -> "config file" (for "cannot open config file").
static std::string noun(const std::string& what)
{
  for (const char* article : {"a ", "an "})
    if (what.rfind(article, 0) == 0) return what.substr(std::strlen(article));
  return what;
}

std::string read_input_file(const std::string& path, const std::string& what, size_t max_bytes)
{
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    throw InputError(path + ": cannot open " + noun(what) + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw InputError(path + ": is a directory, expected " + what);
  if (S_ISREG(st.st_mode) && size_t(st.st_size) > max_bytes)
    throw InputError(path + ": " + noun(what) + " is " + std::to_string(st.st_size) + " bytes, more than the " +
                     mib(max_bytes) + " limit");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open " + noun(what) + ": " + std::strerror(errno));
  // Read at most max_bytes + 1 so that a growing file, a FIFO or /dev/zero stays bounded.
  std::string text;
  char buf[1 << 16];
  while (in && text.size() <= max_bytes) {
    in.read(buf, std::streamsize(std::min(sizeof buf, max_bytes + 1 - text.size())));
    text.append(buf, size_t(in.gcount()));
  }
  if (text.size() > max_bytes)
    throw InputError(path + ": " + noun(what) + " is larger than the " + mib(max_bytes) + " limit");
  if (in.bad()) throw InputError(path + ": cannot read " + noun(what) + ": " + std::strerror(errno));
  return text;
}

std::string read_text_input(const std::string& path, const std::string& what, size_t max_bytes)
{
  std::string text = read_input_file(path, what, max_bytes);
  size_t line = 1, start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n') {
      if (i - start > kMaxLineBytes)
        throw InputError(path + ":" + std::to_string(line) + ": line is " + std::to_string(i - start) +
                         " bytes, more than the " + std::to_string(kMaxLineBytes >> 10) + " KiB limit");
      ++line;
      start = i + 1;
    } else if (text[i] == '\0') {
      throw InputError(path + ":" + std::to_string(line) + ": NUL byte, expected " + what + " (text)");
    }
  }
  return text;
}

} // namespace iosim
