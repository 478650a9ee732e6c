// blkparse default text output -> requests (docs/workloads.md "blkparse"). Each event line is
//   MAJ,MIN CPU SEQ SECONDS.NANOS PID ACTION RWBS [SECTOR + NSECTORS] [COMMAND] ...
// A request is one D (issued to the driver) event, or one Q (queued bio) event when asked;
// in Q mode an M (back merge) or F (front merge) of a queued bio joins the request it merged
// into. The issuing task is the PID that inserted (I) or queued (Q) the request. RWBS: W =
// write, R = read, S = REQ_SYNC (reads are always sync, spec E.2); D (discard) and N (no data)
// carry no data and are skipped. A (remap) lines are checked and skipped: the remapped request
// appears again on the target device. Other actions (G, P, U, C, X, ...) are ignored.
#include "sim/config/input_error.hpp"
#include "sim/config/input_file.hpp"
#include "workloads/fio_jobfile.hpp"
#include "workloads/trace_import.hpp"

#include <map>
#include <sstream>

namespace iosim::trace
{

namespace
{

struct Event {
  std::string dev, action, rwbs, comm;
  uint64_t ns = 0, pid = 0, sector = 0, nsect = 0;
  bool has_range = false;
};

bool is_dev(const std::string& s)
{
  auto comma = s.find(',');
  uint64_t a, b;
  return comma != std::string::npos && parse_u64(s.substr(0, comma), a) && parse_u64(s.substr(comma + 1), b);
}

// "33.779658276" -> ns, with integers only.
bool parse_time(const std::string& s, uint64_t& ns)
{
  auto dot = s.find('.');
  uint64_t sec, frac;
  if (dot == std::string::npos || !parse_u64(s.substr(0, dot), sec)) return false;
  std::string f = s.substr(dot + 1);
  if (f.empty() || f.size() > 9 || !parse_u64(f, frac)) return false;
  for (size_t i = f.size(); i < 9; ++i)
    frac *= 10;
  if (sec > UINT64_MAX / 1000000000ull - 1) return false;
  ns = sec * 1000000000ull + frac;
  return true;
}

// Parses one event line; false if the line is not an event (summary block, blank).
bool parse_event(const std::string& line, const std::string& path, int lineno, Event& e)
{
  std::istringstream in(line);
  std::vector<std::string> t;
  std::string tok;
  while (in >> tok)
    t.push_back(tok);
  if (t.empty() || !is_dev(t[0])) return false;
  uint64_t cpu, seq;
  if (t.size() < 7) fail_line(path, lineno, "truncated blkparse event (expected DEV CPU SEQ TIME PID ACTION RWBS ...)");
  if (!parse_u64(t[1], cpu) || !parse_u64(t[2], seq)) fail_line(path, lineno, "CPU and sequence must be integers");
  if (!parse_time(t[3], e.ns)) fail_line(path, lineno, "\"" + t[3] + "\" is not a time SECONDS.NANOSECONDS");
  if (!parse_u64(t[4], e.pid)) fail_line(path, lineno, "\"" + t[4] + "\" is not a PID");
  e.dev    = t[0];
  e.action = t[5];
  e.rwbs   = t[6];
  if (t.size() >= 10 && t[8] == "+") {
    if (!parse_u64(t[7], e.sector) || !parse_u64(t[9], e.nsect))
      fail_line(path, lineno, "\"" + t[7] + " + " + t[9] + "\" is not SECTOR + NSECTORS");
    e.has_range = true;
    if (t.size() > 10) e.comm = t[10];
  } else if (t.size() >= 8 && t[7] == "+") {
    fail_line(path, lineno, "truncated SECTOR + NSECTORS");
  } else if (t.size() >= 8) {
    e.comm = t[7];
  }
  if (e.comm.size() >= 2 && e.comm.front() == '[') e.comm = e.comm.substr(1, e.comm.size() - 2);
  return true;
}

std::string task_key(const std::string& comm, uint64_t pid)
{
  std::string k;
  for (char c : comm)
    k += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '_';
  if (k.size() > 40) k.resize(40);
  return (k.empty() ? "pid" : k) + "-" + std::to_string(pid);
}

struct Pending {
  size_t index; // into raw
  uint64_t sector;
};

} // namespace

TraceImport import_blkparse(const std::string& path, const TraceOptions& opt)
{
  std::string text = read_text_input(path, "a blkparse text file", kMaxTraceBytes);
  std::istringstream in(text);
  std::string line;
  int lineno = 0, skipped = 0, lost_merges = 0;
  std::vector<RawRecord> raw;
  std::vector<bool> dead; // Q mode: bios that merged into another request
  KeyTable keys;
  std::map<uint64_t, std::pair<uint64_t, std::string>> owner; // D mode: sector -> (pid, comm) of its I/Q
  std::map<uint64_t, size_t> by_end, by_start;                // Q mode: open requests by end / start sector
  std::string dev = opt.blk_dev;
  bool q_mode     = opt.blk_event == "Q";
  auto key_of     = [&](const std::string& comm, uint64_t pid) { return keys.of(task_key(comm, pid)); };
  while (std::getline(in, line)) {
    ++lineno;
    Event e;
    if (!parse_event(line, path, lineno, e)) {
      size_t first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos) continue;
      // blkparse's summary block ("CPU0 (sde):", "Total (sde):") follows the events.
      if (line.compare(first, 3, "CPU") == 0 || line.compare(first, 5, "Total") == 0) break;
      fail_line(path, lineno, "not a blkparse event line (expected MAJ,MIN CPU SEQ TIME PID ACTION RWBS ...)");
    }
    if (e.action == "A") {
      if (!e.has_range) fail_line(path, lineno, "remap (A) line without SECTOR + NSECTORS");
      continue;
    }
    bool data = e.rwbs.find('W') != std::string::npos || e.rwbs.find('R') != std::string::npos;
    bool want = e.action == (q_mode ? "Q" : "D") || e.action == "I" || e.action == "M" || e.action == "F";
    if (!want) continue;
    if (e.rwbs.find('D') != std::string::npos || !data || !e.has_range) {
      if (e.action == (q_mode ? "Q" : "D")) ++skipped;
      continue;
    }
    if (dev.empty()) dev = e.dev;
    if (e.dev != dev) {
      if (!opt.blk_dev.empty()) continue;
      fail_line(path, lineno,
                "requests on devices " + dev + " and " + e.dev +
                    ": choose one with the workload's \"dev\" (e.g. \"dev\": \"" + dev + "\")");
    }
    if (e.nsect == 0) fail_line(path, lineno, "a data request of 0 sectors");
    uint64_t off = e.sector * 512, bytes = e.nsect * 512;
    if (off + bytes > opt.capacity || bytes > UINT32_MAX)
      fail_line(path, lineno,
                "request at byte " + std::to_string(off) + " + " + std::to_string(bytes) + " is beyond the device (" +
                    std::to_string(opt.capacity) + " bytes): give the device a larger capacity");
    bool write = e.rwbs.find('W') != std::string::npos;
    bool sync  = !write || e.rwbs.find('S') != std::string::npos;
    if (!q_mode) {
      if (e.action == "I") owner[e.sector] = {e.pid, e.comm};
      if (e.action == "F" && owner.count(e.sector + e.nsect)) { // front merge: the request now starts here
        owner[e.sector] = owner[e.sector + e.nsect];
        owner.erase(e.sector + e.nsect);
      }
      if (e.action != "D") continue;
      auto it    = owner.find(e.sector);
      uint32_t k = it != owner.end() ? key_of(it->second.second, it->second.first) : key_of(e.comm, e.pid);
      if (it != owner.end()) owner.erase(it);
      raw.push_back({e.ns, off, uint32_t(bytes), write, sync, k});
      continue;
    }
    if (e.action == "Q") {
      raw.push_back({e.ns, off, uint32_t(bytes), write, sync, key_of(e.comm, e.pid)});
      dead.push_back(false);
      by_end[e.sector + e.nsect] = raw.size() - 1;
      by_start[e.sector]         = raw.size() - 1;
      continue;
    }
    if (e.action != "M" && e.action != "F") continue; // I: nothing to do in Q mode
    // The merged bio is the last queued one at this sector; it joins the request it touches.
    auto self = by_start.find(e.sector);
    if (self == by_start.end()) continue; // its Q is not in the trace
    size_t bio = self->second;
    by_start.erase(self);
    by_end.erase(e.sector + e.nsect);
    dead[bio]   = true;
    auto target = e.action == "M" ? by_end.find(e.sector) : by_start.find(e.sector + e.nsect);
    if (target == (e.action == "M" ? by_end.end() : by_start.end())) {
      ++lost_merges;
      continue;
    }
    size_t r = target->second;
    raw[r].bytes += uint32_t(bytes);
    if (e.action == "M") {
      by_end.erase(target);
      by_end[e.sector + e.nsect] = r;
    } else {
      by_start.erase(target);
      raw[r].offset      = off;
      by_start[e.sector] = r;
    }
  }
  if (q_mode) {
    std::vector<RawRecord> live;
    for (size_t i = 0; i < raw.size(); ++i)
      if (!dead[i]) live.push_back(raw[i]);
    raw.swap(live);
  }
  TraceImport out = finish_trace(raw, keys.keys, 1, opt);
  if (skipped)
    out.warnings.push_back(path + ": " + std::to_string(skipped) + " " + opt.blk_event +
                           " events without data (flush, discard or no sectors) were skipped");
  if (lost_merges)
    out.warnings.push_back(path + ": " + std::to_string(lost_merges) +
                           " merges into requests queued before the trace began were dropped");
  return out;
}

} // namespace iosim::trace
