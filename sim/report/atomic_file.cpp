// Output files. A regular file (or a new one) is written atomically: a temporary file in the same
// folder, then rename, so a reader never sees a partial report and a failed run leaves no file;
// a symbolic link is followed and its target replaced; an existing file keeps its mode. Anything
// else that exists (a device such as /dev/null, a FIFO) is written in place, never replaced.
#include "sim/config/input_error.hpp"
#include "sim/report/report.hpp"

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace iosim
{

static void write_all(int fd, const std::string& content, const std::string& path, const std::string& cleanup)
{
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      if (!cleanup.empty()) ::unlink(cleanup.c_str());
      throw InputError(path + ": cannot write output: " + std::strerror(err));
    }
    done += size_t(n);
  }
}

void write_file_atomically(const std::string& path, const std::string& content)
{
  if (path.empty()) throw InputError("output path is empty");
  std::string target = path;
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw InputError(path + ": cannot write output: is a directory");
    int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC);
    if (fd < 0) throw InputError(path + ": cannot write output: " + std::strerror(errno));
    write_all(fd, content, path, "");
    if (::close(fd) != 0) throw InputError(path + ": cannot write output: " + std::strerror(errno));
    return;
  }
  if (exists) {
    char real[PATH_MAX];
    if (::realpath(path.c_str(), real)) target = real; // write through a symbolic link
  }
  std::string tmp = target + ".tmp." + std::to_string(getpid());
  int fd          = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL, exists ? (st.st_mode & 07777) : 0644);
  if (fd < 0) throw InputError(path + ": cannot write output: " + std::strerror(errno));
  if (exists) ::fchmod(fd, st.st_mode & 07777);
  write_all(fd, content, path, tmp);
  if (::fsync(fd) != 0 || ::close(fd) != 0 || std::rename(tmp.c_str(), target.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw InputError(path + ": cannot write output: " + std::strerror(err));
  }
}

} // namespace iosim
