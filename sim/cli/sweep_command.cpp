// `iosim sweep`: the parent loads and validates every grid point once, then forks one child per
// run (one SimGrid Engine per process), --jobs at a time, and is the only writer of the output
// file. A run that times out or whose process dies becomes a failed line; the sweep goes on.
#include "sim/cli/child_process.hpp"
#include "sim/cli/sweep.hpp"
#include "sim/config/input_error.hpp"
#include "sim/config/parse_config.hpp"
#include "sim/engine/engine_setup.hpp"
#include "sim/report/report.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace iosim
{

namespace
{

struct Running {
  uint64_t run = 0;
  pid_t pid    = -1;
  int out_fd = -1, err_fd = -1;
  std::string out, err;
  double deadline = 0; // 0 = none
  bool timed_out  = false;
};

double now_s()
{
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string shell_quote(const std::string& s)
{
  if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=,+-@%") ==
                        std::string::npos)
    return s;
  std::string q = "'";
  for (char c : s)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

nlohmann::ordered_json envelope(const SweepPlan& plan, uint64_t r, const char* status)
{
  nlohmann::ordered_json j;
  j["run"]        = r;
  j["runs_total"] = plan.total;
  j["sweep"]      = plan.fingerprint;
  j["point"]      = plan.point(plan.point_index(r));
  j["seed"]       = plan.seed(r);
  j["status"]     = status;
  return j;
}

// Every grid value alone, then every point, is loaded and validated here in the parent, before
// any output exists; the error names the --grid flag (exit 2).
std::vector<Scenario> load_points(const SweepArgs& a, const SweepPlan& plan)
{
  load_config(a.config, a.sets); // the config and the fixed --set flags alone
  for (const auto& ax : a.grid)
    for (const auto& text : ax.texts) {
      std::vector<std::string> sets = a.sets;
      std::string assignment        = ax.key + "=" + text;
      sets.push_back(assignment);
      try {
        load_config(a.config, sets);
      } catch (const InputError& e) {
        std::string msg = e.what(), prefix = "--set " + assignment + ": ";
        if (msg.compare(0, prefix.size(), prefix) == 0) msg = msg.substr(prefix.size());
        throw InputError("--grid " + ax.key + "=...: value " + text + ": " + msg);
      }
    }
  std::vector<Scenario> out;
  for (size_t p = 0; p < plan.points; ++p) {
    try {
      out.push_back(load_config(a.config, plan.sets(p)));
    } catch (const InputError& e) {
      throw InputError("--grid: point " + plan.point(p).dump() + ": " + e.what());
    }
  }
  return out;
}

void print_list(const SweepArgs& a, const SweepPlan& plan)
{
  for (uint64_t r = a.shard; r < plan.total; r += a.shards) {
    size_t p = plan.point_index(r);
    std::string cmd =
        shell_quote(a.argv0) + " run " + shell_quote(a.config) + " --seed " + std::to_string(plan.seed(r));
    for (const auto& s : plan.sets(p))
      cmd += " --set " + shell_quote(s);
    std::printf("%llu\t%llu\t%s\t%s\n", (unsigned long long)r, (unsigned long long)plan.seed(r),
                plan.point(p).dump().c_str(), cmd.c_str());
  }
}

// What a child does: one simulation, then the finished line and its violation count.
std::vector<std::string> run_one(const SweepArgs& a, const SweepPlan& plan, const Scenario& base, uint64_t r)
{
  Scenario sc                 = base;
  sc.seed                     = plan.seed(r);
  sc.normalised["seed"]       = sc.seed;
  RunResult res               = run_simulation(sc, RunOptions{});
  nlohmann::json rep          = build_report(sc, res);
  nlohmann::ordered_json line = envelope(plan, r, "ok");
  if (a.summary)
    line["summary"] = report_summary(rep);
  else
    line["report"] = rep;
  return {line.dump(), std::to_string(rep["correctness"]["violations_total"].get<uint64_t>())};
}

std::string last_line(const std::string& s)
{
  size_t end = s.find_last_not_of("\n \t\r");
  if (end == std::string::npos) return "";
  size_t begin = s.rfind('\n', end);
  return s.substr(begin == std::string::npos ? 0 : begin + 1, end + 1 - (begin == std::string::npos ? 0 : begin + 1));
}

// The line for a finished child; `violations` gets its count (0 for a failed run).
std::string finish(const SweepArgs& a, const SweepPlan& plan, Running& c, int st, bool& ok, uint64_t& violations)
{
  ChildOutput co = decode_child(c.out, st);
  ok             = !c.timed_out && co.status == 0 && co.parts.size() == 2;
  violations     = 0;
  if (ok) {
    violations = std::stoull(co.parts[1]);
    return co.parts[0];
  }
  std::string why;
  if (c.timed_out) {
    char b[96];
    std::snprintf(b, sizeof b, "timed out after %g s (--timeout) and was killed", a.timeout_s);
    why = b;
  } else {
    why = co.error.empty() ? "the simulation process exited with status " + std::to_string(co.status) : co.error;
    std::string detail = last_line(c.err);
    if (!detail.empty()) why += ": " + detail;
  }
  nlohmann::ordered_json line = envelope(plan, c.run, "failed");
  line["error"]               = why;
  return line.dump();
}

void drain(int& fd, std::string& buf, size_t keep)
{
  char chunk[1 << 16];
  ssize_t k = ::read(fd, chunk, sizeof chunk);
  if (k < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (k <= 0) {
    ::close(fd);
    fd = -1;
    return;
  }
  buf.append(chunk, size_t(k));
  if (keep && buf.size() > 2 * keep) buf.erase(0, buf.size() - keep); // stderr: only its tail matters
}

} // namespace

int cmd_sweep(const SweepArgs& a)
{
  for (size_t i = 0; i < a.grid.size(); ++i)
    for (size_t k = 0; k < i; ++k)
      if (a.grid[i].key == a.grid[k].key) throw InputError("--grid " + a.grid[i].key + "=...: the key is given twice");
  SweepPlan plan                  = make_plan(a);
  std::vector<Scenario> scenarios = load_points(a, plan);
  std::string configs;
  for (const auto& sc : scenarios) {
    nlohmann::json n = sc.normalised;
    n.erase("seed");
    configs += n.dump() + "\n";
  }
  plan.fingerprint = sha256_hex(configs).substr(0, 16);
  if (a.list) {
    print_list(a, plan);
    return 0;
  }
  int fd         = open_for_append(a.out); // locked before it is read: one sweep per file
  ResumeState rs = scan_existing(a.out, plan);
  std::vector<bool> done(size_t(plan.total / a.shards + 1), false);
  for (uint64_t r : rs.done)
    done[size_t(r / a.shards)] = true;
  uint64_t mine = plan.total > a.shard ? (plan.total - a.shard + a.shards - 1) / a.shards : 0;
  if (!rs.done.empty() || rs.truncated)
    std::fprintf(stderr, "sweep: resuming %s: %zu of %llu runs already done%s\n", a.out.c_str(), rs.done.size(),
                 (unsigned long long)mine, rs.truncated ? " (a partial last line was cut off and is rerun)" : "");
  Progress prog(mine, rs.done.size(), rs.violations);
  std::vector<Running> running;
  uint64_t next = a.shard;
  prog.tick(true);
  while (true) {
    while (running.size() < a.jobs && next < plan.total) {
      uint64_t r = next;
      next += a.shards;
      if (done[size_t(r / a.shards)]) continue;
      Running c;
      c.run              = r;
      const Scenario& sc = scenarios[plan.point_index(r)];
      c.pid              = start_child([&] { return run_one(a, plan, sc, r); }, &c.out_fd, &c.err_fd);
      c.deadline         = a.timeout_s > 0 ? now_s() + a.timeout_s : 0;
      running.push_back(std::move(c));
    }
    if (running.empty()) break;
    std::vector<pollfd> fds;
    double wait_s = 1.0;
    for (auto& c : running) {
      if (c.out_fd >= 0) fds.push_back({c.out_fd, POLLIN, 0});
      if (c.err_fd >= 0) fds.push_back({c.err_fd, POLLIN, 0});
      if (c.deadline > 0 && !c.timed_out) wait_s = std::min(wait_s, std::max(0.0, c.deadline - now_s()));
    }
    if (::poll(fds.data(), fds.size(), int(wait_s * 1000) + 1) < 0 && errno != EINTR)
      internal_error(__FILE__, __LINE__, std::string("poll: ") + std::strerror(errno));
    for (const auto& p : fds) {
      if (!p.revents) continue;
      for (auto& c : running) {
        if (c.out_fd == p.fd)
          drain(c.out_fd, c.out, 0);
        else if (c.err_fd == p.fd)
          drain(c.err_fd, c.err, 4096);
      }
    }
    double t = now_s();
    for (auto it = running.begin(); it != running.end();) {
      if (it->deadline > 0 && !it->timed_out && t >= it->deadline) {
        ::kill(it->pid, SIGKILL);
        it->timed_out = true;
      }
      if (it->out_fd >= 0 || it->err_fd >= 0) {
        ++it;
        continue;
      }
      int st = 0;
      while (waitpid(it->pid, &st, 0) < 0 && errno == EINTR) {
      }
      bool ok;
      uint64_t v;
      append_line(fd, a.out, finish(a, plan, *it, st, ok, v));
      prog.finished(ok, v);
      it = running.erase(it);
    }
    prog.tick();
  }
  ::close(fd);
  prog.end();
  std::fprintf(stderr, "sweep: %s: %llu runs of this %s complete (%llu run now, %llu of them failed)\n", a.out.c_str(),
               (unsigned long long)mine, a.shards > 1 ? "shard" : "sweep", (unsigned long long)prog.ran(),
               (unsigned long long)prog.failed());
  return 0;
}

} // namespace iosim
