// Trace importers (docs/workloads.md "Trace replay"): blkparse default text output, MSR
// Cambridge CSV, fio iolog v2/v3. Each turns a file into per-task request lists of packed
// TraceRecords; times are integers throughout (FILETIME, ns, us), never doubles.
#pragma once
#include "sim/config/scenario.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace iosim::trace
{

struct TraceOptions {
  uint64_t capacity     = 0;       // device size in bytes: a request beyond it is an error
  uint64_t start_ns     = 0;       // skip this much of the trace (from its first request)
  uint64_t length_ns    = 0;       // keep this much after start_ns (0 = to the end)
  uint64_t scale_ppm    = 1000000; // time scale in millionths (2000000 = half speed)
  std::string blk_event = "D";     // blkparse: a request per D event, or per Q event
  std::string blk_dev;             // blkparse: "MAJ,MIN" of the requests to keep ("" = the only one)
  std::string msr_tasks = "disk";  // msr: one task per host/disk ("disk"), per host, or "one"
  bool sync_writes      = true;    // msr, iolog: writes carry REQ_SYNC (no flags in the format)
  bool iolog_per_file   = false;   // iolog: one task per file name instead of one task
};

struct TraceTask {
  std::string key; // pid and command, host_disk, file name ...: becomes the task name
  std::vector<TraceRecord> records;
};

struct TraceImport {
  std::vector<TraceTask> tasks;
  uint64_t requests = 0, bytes = 0;
  int iolog_version = 0; // iolog: 2 or 3 (v2 has no timestamps: replay it closed-loop)
  std::vector<std::string> warnings;
};

// A raw record before windowing: `ticks` in the format's unit.
struct RawRecord {
  uint64_t ticks;
  uint64_t offset;
  uint32_t bytes;
  bool write, sync;
  uint32_t task; // index into the task keys
};

// Windowing and scaling shared by the importers: times become ns from the first request
// ((ticks - first) * tick_ns), records outside [start, start + length) are dropped, the rest
// are rebased to the window's start and scaled; records are grouped per task in time order.
// Records out of time order are sorted, with one warning giving their count. No record at all,
// or none left in the window, is an InputError naming `path` (and the window).
TraceImport finish_trace(const std::string& path, std::vector<RawRecord>& raw, const std::vector<std::string>& keys,
                         uint64_t tick_ns, const TraceOptions& opt);

TraceImport import_blkparse(const std::string& path, const TraceOptions& opt);
TraceImport import_msr(const std::string& path, const TraceOptions& opt);
TraceImport import_iolog(const std::string& path, const TraceOptions& opt);

// Task keys in order of first appearance (the index is what RawRecord::task holds).
struct KeyTable {
  std::vector<std::string> keys;
  std::map<std::string, uint32_t> index;
  uint32_t of(const std::string& key);
};

// Shared line-level helpers: "FILE:LINE: what" errors and strict unsigned parsing.
[[noreturn]] void fail_line(const std::string& path, int line, const std::string& what);
bool parse_u64(const std::string& s, uint64_t& out);

// blkparse device numbers: "MAJ,MIN" (decimal) -> canonical "MAJ,MIN"; false if not one.
bool parse_blk_dev(const std::string& s, std::string& canonical);

} // namespace iosim::trace
