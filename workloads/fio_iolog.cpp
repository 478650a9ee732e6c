// fio iolog v2 and v3 -> requests (docs/workloads.md "fio iolog"). First line "fio version 2
// iolog" or "fio version 3 iolog"; then per line (v3 starts with a timestamp in microseconds
// since the job started, as fio's write_iolog writes it):
//   [TIMESTAMP] FILENAME add|open|close
//   [TIMESTAMP] FILENAME read|write OFFSET LENGTH        (bytes)
//   [TIMESTAMP] FILENAME sync|datasync|trim ...          (skipped, counted in a warning)
//   FILENAME wait MICROSECONDS                            (v2 only: a pause before what follows)
// v2 has no timestamps: its requests are replayed closed-loop (each after the previous one).
#include "sim/config/input_error.hpp"
#include "sim/config/input_file.hpp"
#include "workloads/fio_jobfile.hpp"
#include "workloads/trace_import.hpp"

#include <map>
#include <sstream>

namespace iosim::trace
{

TraceImport import_iolog(const std::string& path, const TraceOptions& opt)
{
  std::string text = read_text_input(path, "a fio iolog", kMaxTraceBytes);
  std::istringstream in(text);
  std::string line;
  int lineno = 0, version = 0, skipped = 0;
  uint64_t clock_us = 0; // v2: the time the wait actions add up to
  std::vector<RawRecord> raw;
  KeyTable keys;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (!version) {
      if (line == "fio version 2 iolog")
        version = 2;
      else if (line == "fio version 3 iolog")
        version = 3;
      else
        fail_line(path, lineno,
                  "expected the header \"fio version 2 iolog\" or \"fio version 3 iolog\" "
                  "(iolog v1 is not supported)");
      continue;
    }
    std::istringstream ls(line);
    std::vector<std::string> t;
    std::string tok;
    while (ls >> tok)
      t.push_back(tok);
    if (t.empty()) continue; // only whitespace (\v, \f ...): a blank line (fuzzing found this)
    uint64_t ts = clock_us;
    size_t i    = 0;
    if (version == 3) {
      if (!parse_u64(t[0], ts)) fail_line(path, lineno, "\"" + t[0] + "\" is not a timestamp (microseconds)");
      i = 1;
    }
    if (t.size() < i + 2)
      fail_line(path, lineno,
                "truncated line (expected " + std::string(version == 3 ? "TIMESTAMP " : "") + "FILENAME ACTION ...)");
    const std::string& file = t[i];
    const std::string& act  = t[i + 1];
    size_t args             = t.size() - i - 2;
    if (act == "add" || act == "open" || act == "close") {
      if (args) fail_line(path, lineno, act + " takes no arguments");
      continue;
    }
    if (act == "wait" && version == 2) {
      uint64_t us;
      if (args != 1 || !parse_u64(t[i + 2], us)) fail_line(path, lineno, "wait needs one time in microseconds");
      clock_us += us;
      continue;
    }
    if (act == "sync" || act == "datasync" || act == "trim") {
      ++skipped;
      continue;
    }
    if (act != "read" && act != "write")
      fail_line(path, lineno,
                "unknown action \"" + act + "\" (expected add, open, close, read, write, sync, datasync, trim" +
                    (version == 2 ? ", wait)" : ")"));
    uint64_t off, len;
    if (args != 2) fail_line(path, lineno, act + " needs OFFSET LENGTH");
    if (!parse_u64(t[i + 2], off)) fail_line(path, lineno, "offset \"" + t[i + 2] + "\" is not a byte offset");
    if (!parse_u64(t[i + 3], len) || len == 0 || len > UINT32_MAX)
      fail_line(path, lineno, "length \"" + t[i + 3] + "\" is not a positive byte count");
    if (off + len > opt.capacity || off + len < off)
      fail_line(path, lineno,
                "request at byte " + t[i + 2] + " + " + t[i + 3] + " is beyond the device (" +
                    std::to_string(opt.capacity) + " bytes)");
    std::string key = opt.iolog_per_file ? file : "iolog";
    uint32_t k      = keys.of(key);
    bool write      = act == "write";
    raw.push_back({ts, off, uint32_t(len), write, !write || opt.sync_writes, k});
  }
  if (!version)
    fail_line(path, lineno, "empty iolog (expected the header \"fio version 2 iolog\" or \"fio version 3 iolog\")");
  if (raw.empty())
    throw InputError(
        path + ": no requests: no read or write entries" +
        (skipped ? " (" + std::to_string(skipped) + " sync, datasync or trim entries are not replayed)" : ""));
  TraceImport out   = finish_trace(path, raw, keys.keys, 1000, opt);
  out.iolog_version = version;
  if (skipped)
    out.warnings.push_back(path + ": " + std::to_string(skipped) +
                           " sync/datasync/trim entries were skipped (no flush or discard model)");
  return out;
}

} // namespace iosim::trace
