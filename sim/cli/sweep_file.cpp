// The sweep's output file: only the parent writes it, one complete line per finished run,
// appended with a single write and flushed to disk at once, so killing the sweep loses at most
// the runs in flight (and, at worst, leaves a partial last line, which resume cuts off).
#include "sim/cli/sweep.hpp"
#include "sim/config/input_error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace iosim
{

static std::string describe(const nlohmann::ordered_json& point, uint64_t seed)
{
  return "point " + point.dump() + " seed " + std::to_string(seed);
}

ResumeState scan_existing(const std::string& path, const SweepPlan& plan)
{
  ResumeState st;
  struct stat sb;
  if (::stat(path.c_str(), &sb) != 0) return st; // a new sweep
  if (!S_ISREG(sb.st_mode)) throw InputError("--out " + path + ": not a regular file (a sweep appends to a file)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("--out " + path + ": cannot read: " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  size_t complete  = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  st.truncated     = complete < text.size();
  if (st.truncated) {
    // A sweep's partial line is the start of `{"run":N,...`: anything else is another file's
    // content, which resume must not cut off.
    const std::string head = "{\"run\":";
    const size_t k         = std::min(head.size(), text.size() - complete);
    if (text.compare(complete, k, head, 0, k) != 0)
      throw InputError(path + ":" + std::to_string(std::count(text.begin(), text.end(), '\n') + 1) +
                       ": not a sweep line; --out must be this sweep's own output file");
  }
  std::vector<bool> seen;
  size_t pos = 0, n = 0;
  const bool want_summary = plan.args->summary;
  while (pos < complete) {
    size_t nl         = text.find('\n', pos);
    std::string line  = text.substr(pos, nl - pos);
    pos               = nl + 1;
    std::string where = path + ":" + std::to_string(++n);
    nlohmann::ordered_json j;
    try {
      j = nlohmann::ordered_json::parse(line);
    } catch (const nlohmann::json::exception&) {
      throw InputError(where + ": not a sweep line (JSON); --out must be this sweep's own output file");
    }
    auto field = [&](const char* k) -> const nlohmann::ordered_json& {
      if (!j.is_object() || !j.contains(k))
        throw InputError(where + ": not a sweep line (no \"" + std::string(k) + "\")");
      return j[k];
    };
    const auto& run = field("run");
    if (!run.is_number_unsigned() || field("runs_total") != plan.total || run.get<uint64_t>() >= plan.total)
      throw InputError(where + ": written by a different sweep (it has " + field("runs_total").dump() +
                       " runs, this one " + std::to_string(plan.total) + "); choose another --out");
    if (field("sweep") != plan.fingerprint)
      throw InputError(where + ": written by a different sweep (sweep " + field("sweep").dump() + ", this one \"" +
                       plan.fingerprint + "\": another config or other --set flags); choose another --out");
    uint64_t r = run.get<uint64_t>();
    auto pt    = plan.point(plan.point_index(r));
    if (field("point") != pt || field("seed") != plan.seed(r))
      throw InputError(where + ": run " + std::to_string(r) + " is " +
                       describe(field("point"), field("seed").get<uint64_t>()) + " but this sweep's run " +
                       std::to_string(r) + " is " + describe(pt, plan.seed(r)) +
                       "; written by a different sweep, choose another --out");
    if (!plan.mine(r))
      throw InputError(where + ": run " + std::to_string(r) + " belongs to shard " +
                       std::to_string(r % plan.args->shards) + "/" + std::to_string(plan.args->shards) +
                       ", not to this --shard; choose another --out");
    bool ok = field("status") == "ok";
    if (ok && j.contains(want_summary ? "report" : "summary"))
      throw InputError(where + ": has a " + std::string(want_summary ? "full report" : "summary") + " but this sweep " +
                       (want_summary ? "is" : "is not") + " run with --summary; choose another --out");
    if (seen.empty()) seen.assign(plan.total / plan.args->shards + 1, false);
    size_t slot = size_t(r / plan.args->shards);
    if (seen[slot])
      throw InputError(where + ": run " + std::to_string(r) + " appears twice; the file is not a sweep's output");
    seen[slot] = true;
    st.done.push_back(r);
    if (!ok) ++st.failed;
    const auto& body = j.contains("report") ? j["report"] : j.contains("summary") ? j["summary"] : j;
    if (ok && body.contains("correctness")) st.violations += body["correctness"].value("violations_total", uint64_t(0));
  }
  if (st.truncated && ::truncate(path.c_str(), off_t(complete)) != 0)
    throw InputError("--out " + path + ": cannot cut off its partial last line: " + std::strerror(errno));
  return st;
}

int open_for_append(const std::string& path)
{
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError("--out " + path + ": cannot open for writing: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) { // two sweeps appending to one file would interleave runs
    int err = errno;
    ::close(fd);
    throw InputError("--out " + path + ": " +
                     (err == EWOULDBLOCK ? std::string("another iosim sweep is writing it") : std::strerror(err)));
  }
  return fd;
}

void append_line(int fd, const std::string& path, const std::string& line)
{
  std::string buf = line + "\n";
  size_t done     = 0;
  while (done < buf.size()) {
    ssize_t k = ::write(fd, buf.data() + done, buf.size() - done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) throw InputError("--out " + path + ": cannot write: " + std::strerror(k < 0 ? errno : ENOSPC));
    done += size_t(k);
  }
  if (::fdatasync(fd) != 0) throw InputError("--out " + path + ": cannot flush: " + std::strerror(errno));
}

} // namespace iosim
