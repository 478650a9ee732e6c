// fork + pipe framing: each part is sent as an 8-byte length followed by its bytes.
#include "sim/cli/child_process.hpp"

#include "sim/config/input_error.hpp"

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace iosim
{

static bool write_all(int fd, const void* p, size_t n)
{
  const char* c = static_cast<const char*>(p);
  while (n) {
    ssize_t k = ::write(fd, c, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    c += k;
    n -= size_t(k);
  }
  return true;
}

pid_t start_child(const std::function<std::vector<std::string>()>& work, int* out_fd, int* err_fd)
{
  int fds[2], efds[2] = {-1, -1};
  if (pipe(fds) != 0) internal_error(__FILE__, __LINE__, std::string("pipe: ") + std::strerror(errno));
  if (err_fd && pipe(efds) != 0) internal_error(__FILE__, __LINE__, std::string("pipe: ") + std::strerror(errno));
  std::fflush(nullptr);
  pid_t parent = getpid();
  pid_t pid    = fork();
  if (pid < 0) internal_error(__FILE__, __LINE__, std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::close(fds[0]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // children die with the parent
    if (getppid() != parent) _exit(3); // the parent died before prctl took effect
    if (err_fd) {
      ::close(efds[0]);
      ::dup2(efds[1], 2);
      ::close(efds[1]);
    }
    int code = 0;
    try {
      for (const auto& part : work()) {
        uint64_t n = part.size();
        if (!write_all(fds[1], &n, sizeof n) || !write_all(fds[1], part.data(), part.size())) code = 3;
      }
    } catch (const InputError& e) {
      std::fprintf(stderr, "iosim: %s\n", e.what());
      code = 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "iosim: internal error: %s\n", e.what());
      code = 3;
    }
    std::fflush(nullptr);
    ::close(fds[1]);
    _exit(code);
  }
  ::close(fds[1]);
  *out_fd = fds[0];
  if (err_fd) {
    ::close(efds[1]);
    *err_fd = efds[0];
  }
  return pid;
}

ChildOutput decode_child(const std::string& buf, int st)
{
  ChildOutput out;
  if (WIFSIGNALED(st)) {
    out.status = 3;
    out.error  = "internal error: the simulation process died from signal " + std::to_string(WTERMSIG(st)) + " (" +
                strsignal(WTERMSIG(st)) + ")";
    return out;
  }
  out.status = WIFEXITED(st) ? WEXITSTATUS(st) : 3;
  if (out.status != 0 && out.status != 2) out.status = 3;
  size_t pos = 0;
  while (out.status == 0 && pos + 8 <= buf.size()) {
    uint64_t n;
    std::memcpy(&n, buf.data() + pos, 8);
    pos += 8;
    if (pos + n > buf.size()) {
      out.status = 3;
      out.error  = "internal error: truncated output from the simulation process";
      break;
    }
    out.parts.push_back(buf.substr(pos, n));
    pos += n;
  }
  return out;
}

ChildOutput run_in_child(const std::function<std::vector<std::string>()>& work)
{
  int fd    = -1;
  pid_t pid = start_child(work, &fd, nullptr);
  std::string buf;
  char chunk[1 << 16];
  while (true) {
    ssize_t k = ::read(fd, chunk, sizeof chunk);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;
    buf.append(chunk, size_t(k));
  }
  ::close(fd);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return decode_child(buf, st);
}

} // namespace iosim
