// Atomic output: a reader never sees a partial report, and a failed run leaves no file.
#include "sim/config/input_error.hpp"
#include "sim/report/report.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace iosim
{

void write_file_atomically(const std::string& path, const std::string& content)
{
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd          = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw InputError(path + ": cannot write output: " + std::strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw InputError(path + ": cannot write output: " + std::strerror(err));
    }
    done += size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw InputError(path + ": cannot write output: " + std::strerror(err));
  }
}

} // namespace iosim
