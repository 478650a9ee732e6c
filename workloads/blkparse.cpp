// blkparse default text output -> requests (docs/workloads.md "blkparse"). Each event line is
//   MAJ,MIN CPU SEQ SECONDS.NANOS PID ACTION RWBS [SECTOR + NSECTORS] [COMMAND] ...
// A request is one D (issued to the driver) event, or one Q (queued bio) event when asked;
// in Q mode an M (back merge) or F (front merge) of a queued bio joins the request it merged
// into. The issuing task is the PID that inserted (I) or queued (Q) the request. RWBS (letters
// of F W R D N E A S M B, as blkparse prints them): W = write, R = read, S = REQ_SYNC (reads are
// always sync, spec E.2); D (discard) and N (no data) carry no data and are skipped, as is an
// event without SECTOR + NSECTORS (a flush: blkparse prints only [COMMAND]). A line ending in
// SECTOR or "SECTOR +" was cut short and is an error. Only the events the mode replays (D or
// Q) pick the device and are checked against its capacity. A (remap) lines are checked and
// skipped: the remapped request appears again on the target device. Other actions (G, P, U,
// C, X, ...) are ignored.
#include "sim/config/input_error.hpp"
#include "sim/config/input_file.hpp"
#include "workloads/fio_jobfile.hpp"
#include "workloads/trace_import.hpp"

#include <cstring>
#include <map>
#include <sstream>

namespace iosim::trace
{

bool parse_blk_dev(const std::string& s, std::string& canonical)
{
  auto comma = s.find(',');
  uint64_t a, b;
  if (comma == std::string::npos || !parse_u64(s.substr(0, comma), a) || !parse_u64(s.substr(comma + 1), b) ||
      a > UINT32_MAX || b > UINT32_MAX)
    return false;
  canonical = std::to_string(a) + "," + std::to_string(b);
  return true;
}

namespace
{

struct Event {
  std::string dev, action, rwbs, comm;
  uint64_t ns = 0, pid = 0, sector = 0, nsect = 0;
  bool has_range = false;
};

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

// blkparse's fill_rwbs: [F] W|R|D|N [F] [A] [S] [M] (E: secure erase, B: barrier of old kernels).
bool valid_rwbs(const std::string& s)
{
  if (s.empty() || s.size() > 8) return false;
  for (char c : s)
    if (c == '\0' || !std::strchr("FWRDNEASMB", c)) return false;
  return true;
}

// The actions printed as "SECTOR + NSECTORS [COMMAND]", or "[COMMAND]" without data.
bool request_action(const std::string& a)
{
  return a == "Q" || a == "G" || a == "I" || a == "D" || a == "M" || a == "F" || a == "B";
}

// Parses one event line; false if the line is not an event (summary block, blank).
bool parse_event(const std::string& line, const std::string& path, int lineno, Event& e)
{
  std::istringstream in(line);
  std::vector<std::string> t;
  std::string tok;
  while (in >> tok)
    t.push_back(tok);
  if (t.empty() || !parse_blk_dev(t[0], e.dev)) return false;
  uint64_t cpu, seq;
  if (t.size() < 7) fail_line(path, lineno, "truncated blkparse event (expected DEV CPU SEQ TIME PID ACTION RWBS ...)");
  if (!parse_u64(t[1], cpu) || !parse_u64(t[2], seq)) fail_line(path, lineno, "CPU and sequence must be integers");
  if (!parse_time(t[3], e.ns)) fail_line(path, lineno, "\"" + t[3] + "\" is not a time SECONDS.NANOSECONDS");
  if (!parse_u64(t[4], e.pid)) fail_line(path, lineno, "\"" + t[4] + "\" is not a PID");
  e.action = t[5];
  e.rwbs   = t[6];
  if (!valid_rwbs(e.rwbs))
    fail_line(path, lineno, "bad RWBS '" + e.rwbs + "' (expected letters of F W R D N E A S M B, e.g. W, RS, FWS)");
  if (t.size() >= 10 && t[8] == "+") {
    if (!parse_u64(t[7], e.sector) || !parse_u64(t[9], e.nsect))
      fail_line(path, lineno, "\"" + t[7] + " + " + t[9] + "\" is not SECTOR + NSECTORS");
    e.has_range = true;
    if (t.size() > 10) e.comm = t[10];
  } else if (t.size() == 9 && t[8] == "+") {
    fail_line(path, lineno, "truncated blkparse event (expected NSECTORS after \"" + t[7] + " +\")");
  } else if (t.size() >= 8 && t[7] == "+") {
    fail_line(path, lineno, "truncated SECTOR + NSECTORS");
  } else if (t.size() == 8 && request_action(e.action) && parse_u64(t[7], e.sector)) {
    // A request event prints "SECTOR + NSECTORS [COMMAND]" or only "[COMMAND]": a lone number
    // is a line cut after its SECTOR (a SCSI command's "BYTES (CDB)" has more after it).
    fail_line(path, lineno, "truncated blkparse event (expected \"+ NSECTORS\" after \"" + t[7] + "\")");
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

std::string join(const std::map<std::string, uint64_t>& m)
{
  std::string out;
  for (const auto& [k, n] : m)
    out += (out.empty() ? "" : ", ") + k;
  return out;
}

} // namespace

TraceImport import_blkparse(const std::string& path, const TraceOptions& opt)
{
  std::string dev;
  if (!opt.blk_dev.empty() && !parse_blk_dev(opt.blk_dev, dev))
    throw InputError(path + ": \"dev\": \"" + opt.blk_dev + "\" is not a device number MAJ,MIN (e.g. \"8,0\")");
  std::string text = read_text_input(path, "a blkparse text file", kMaxTraceBytes);
  std::istringstream in(text);
  std::string line;
  int lineno = 0, skipped = 0, lost_merges = 0;
  uint64_t events = 0, other_mode = 0; // other_mode: data events of the mode not chosen
  std::vector<RawRecord> raw;
  std::vector<bool> dead; // Q mode: bios that merged into another request
  KeyTable keys;
  // D mode: (device, sector) -> (pid, comm) of the I that inserted the request
  std::map<std::pair<std::string, uint64_t>, std::pair<uint64_t, std::string>> owner;
  std::map<uint64_t, size_t> by_end, by_start; // Q mode: open requests by end / start sector
  std::map<std::string, uint64_t> data_events; // replayed events with data, per device
  const bool q_mode      = opt.blk_event == "Q";
  const std::string& act = opt.blk_event;
  auto key_of            = [&](const std::string& comm, uint64_t pid) { return keys.of(task_key(comm, pid)); };
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
    ++events;
    if (e.action == "A") {
      if (!e.has_range) fail_line(path, lineno, "remap (A) line without SECTOR + NSECTORS");
      continue;
    }
    bool data     = e.rwbs.find('W') != std::string::npos || e.rwbs.find('R') != std::string::npos;
    bool replayed = e.action == act; // only these become (or start) requests
    bool want     = replayed || e.action == "I" || e.action == "M" || e.action == "F";
    if (!want) {
      if (e.action == (q_mode ? "D" : "Q") && data && e.has_range) ++other_mode;
      continue;
    }
    if (e.rwbs.find('D') != std::string::npos || !data || !e.has_range) {
      if (replayed && (opt.blk_dev.empty() || e.dev == dev)) ++skipped;
      continue;
    }
    if (e.nsect == 0) fail_line(path, lineno, "a data request of 0 sectors");
    if (e.sector > UINT64_MAX / 512 || e.nsect > UINT32_MAX / 512)
      fail_line(path, lineno, "\"" + std::to_string(e.sector) + " + " + std::to_string(e.nsect) + "\" is too large");
    uint64_t off = e.sector * 512, bytes = e.nsect * 512;
    if (!q_mode && !replayed) {
      // D mode: an I names the request's task, an F (front merge) moves its start; per device,
      // as the device is known only once a D picks it.
      if (e.action == "I") owner[{e.dev, e.sector}] = {e.pid, e.comm};
      if (e.action == "F") {
        auto from = owner.find({e.dev, e.sector + e.nsect});
        if (from != owner.end()) {
          auto who = from->second;
          owner.erase(from);
          owner[{e.dev, e.sector}] = who;
        }
      }
      continue;
    }
    if (replayed) {
      data_events[e.dev]++;
      if (dev.empty()) dev = e.dev;
      if (e.dev != dev && opt.blk_dev.empty())
        fail_line(path, lineno,
                  "requests on devices " + dev + " and " + e.dev +
                      ": choose one with the workload's \"dev\" (e.g. \"dev\": \"" + dev + "\")");
    }
    if (e.dev != dev) continue; // another device's request, or Q mode's merge on it
    // Only a replayed event is a request: an I, M or F is never checked against the device.
    if (replayed && (off + bytes > opt.capacity || off + bytes < off))
      fail_line(path, lineno,
                "request at byte " + std::to_string(off) + " + " + std::to_string(bytes) + " is beyond the device (" +
                    std::to_string(opt.capacity) + " bytes): give the device a larger capacity");
    bool write = e.rwbs.find('W') != std::string::npos;
    bool sync  = !write || e.rwbs.find('S') != std::string::npos;
    if (!q_mode) { // a D
      auto it    = owner.find({e.dev, e.sector});
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
    if (raw[r].bytes + bytes > UINT32_MAX) fail_line(path, lineno, "merged request larger than 4 GiB");
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
  // A source that yields nothing is almost certainly a mistake: say which filter left nothing.
  if (!events) throw InputError(path + ": no requests: the file has no blkparse event lines");
  if (!opt.blk_dev.empty() && !data_events.count(dev))
    throw InputError(path + ": no requests: no " + act + " events with data for device " + dev + " (the trace has " +
                     (data_events.empty() ? "none on any device" : join(data_events)) + ")");
  if (data_events.empty()) {
    std::string why = "no " + act + " events with SECTOR + NSECTORS";
    if (skipped) why += " (" + std::to_string(skipped) + " without data: flush, discard)";
    std::string other = q_mode ? "D" : "Q";
    if (other_mode)
      why +=
          "; the trace has " + std::to_string(other_mode) + " " + other + " events: try \"event\": \"" + other + "\"";
    throw InputError(path + ": no requests: " + why);
  }
  TraceImport out = finish_trace(path, raw, keys.keys, 1, opt);
  if (skipped)
    out.warnings.push_back(path + ": " + std::to_string(skipped) + " " + act +
                           " events without data (flush, discard or no sectors) were skipped");
  if (lost_merges)
    out.warnings.push_back(path + ": " + std::to_string(lost_merges) +
                           " merges into requests queued before the trace began were dropped");
  return out;
}

} // namespace iosim::trace
