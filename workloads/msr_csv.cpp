// MSR Cambridge block trace CSV -> requests (docs/workloads.md "MSR Cambridge"). No header;
// one request per line: Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime with
// Timestamp in Windows FILETIME (100 ns ticks since 1601-01-01 UTC, beyond a double's exact
// range, so converted with integers only), Type Read or Write, Offset and Size in bytes,
// ResponseTime in 100 ns ticks (read and checked, not replayed: the simulated device decides).
#include "sim/config/input_error.hpp"
#include "sim/config/input_file.hpp"
#include "workloads/fio_jobfile.hpp"
#include "workloads/trace_import.hpp"

#include <map>
#include <sstream>
#include <strings.h>

namespace iosim::trace
{

TraceImport import_msr(const std::string& path, const TraceOptions& opt)
{
  std::string text = read_text_input(path, "an MSR Cambridge CSV trace", kMaxTraceBytes);
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  std::vector<RawRecord> raw;
  KeyTable keys;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::vector<std::string> f;
    std::string field;
    std::istringstream ls(line);
    while (std::getline(ls, field, ','))
      f.push_back(field);
    if (!line.empty() && line.back() == ',') f.push_back("");
    if (lineno == 1 && !f.empty() && f[0] == "Timestamp") continue; // a header some copies add
    if (f.size() != 7)
      fail_line(path, lineno,
                std::to_string(f.size()) +
                    " fields, expected 7: Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime");
    uint64_t ts, disk, off, size, resp;
    if (!parse_u64(f[0], ts))
      fail_line(path, lineno, "Timestamp \"" + f[0] + "\" is not a FILETIME (unsigned integer)");
    if (f[1].empty()) fail_line(path, lineno, "empty Hostname");
    if (!parse_u64(f[2], disk)) fail_line(path, lineno, "DiskNumber \"" + f[2] + "\" is not an unsigned integer");
    bool write = strcasecmp(f[3].c_str(), "Write") == 0;
    if (!write && strcasecmp(f[3].c_str(), "Read") != 0)
      fail_line(path, lineno, "Type \"" + f[3] + "\" is not Read or Write");
    if (!parse_u64(f[4], off))
      fail_line(path, lineno, "Offset \"" + f[4] + "\" is not a byte offset (unsigned integer)");
    if (!parse_u64(f[5], size) || size == 0 || size > UINT32_MAX)
      fail_line(path, lineno, "Size \"" + f[5] + "\" is not a positive byte count");
    if (!parse_u64(f[6], resp)) fail_line(path, lineno, "ResponseTime \"" + f[6] + "\" is not an unsigned integer");
    if (off + size > opt.capacity || off + size < off)
      fail_line(path, lineno,
                "request at byte " + f[4] + " + " + f[5] + " is beyond the device (" + std::to_string(opt.capacity) +
                    " bytes): give the device a larger capacity");
    std::string key = opt.msr_tasks == "one" ? "all" : opt.msr_tasks == "host" ? f[1] : f[1] + "_" + f[2];
    uint32_t k      = keys.of(key);
    raw.push_back({ts, off, uint32_t(size), write, !write || opt.sync_writes, k});
  }
  if (raw.empty()) throw InputError(path + ": no requests: the file has no CSV records");
  return finish_trace(path, raw, keys.keys, 100, opt);
}

} // namespace iosim::trace
