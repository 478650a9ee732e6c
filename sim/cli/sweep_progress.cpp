// Sweep progress on stderr: a live line redrawn in place when stderr is a terminal, a plain line
// every 10 s otherwise (logs of batch jobs). Rates count only the runs of this invocation.
#include "sim/cli/sweep.hpp"

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace iosim
{

static double now_s()
{
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

Progress::Progress(uint64_t total, uint64_t already_done, uint64_t violations)
    : total_(total), done_(already_done), violations_(violations), tty_(isatty(2)), start_(now_s())
{
}

void Progress::finished(bool ok, uint64_t violations)
{
  ++done_;
  ++ran_;
  if (!ok) ++failed_;
  violations_ += violations;
  tick();
}

void Progress::tick(bool force)
{
  double t = now_s();
  if (!force && t - last_ < (tty_ ? 0.2 : 10.0)) return;
  last_       = t;
  double rate = ran_ ? double(ran_) / (t - start_) : 0.0;
  double eta  = rate > 0 ? double(total_ - done_) / rate : 0.0;
  char eta_s[32];
  if (!ran_)
    std::snprintf(eta_s, sizeof eta_s, "?");
  else if (eta < 120)
    std::snprintf(eta_s, sizeof eta_s, "%.0fs", eta);
  else
    std::snprintf(eta_s, sizeof eta_s, "%.0fm%02.0fs", double(uint64_t(eta) / 60), double(uint64_t(eta) % 60));
  std::fprintf(stderr, "%ssweep: %llu/%llu done, %.2f runs/s, ETA %s, %llu violations, %llu failed%s",
               tty_ ? "\r\033[K" : "", (unsigned long long)done_, (unsigned long long)total_, rate, eta_s,
               (unsigned long long)violations_, (unsigned long long)failed_, tty_ ? "" : "\n");
  std::fflush(stderr);
}

void Progress::end()
{
  tick(true);
  if (tty_) std::fputc('\n', stderr);
}

} // namespace iosim
