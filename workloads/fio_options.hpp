// The fio options iosim reads (fio 3.33 names and aliases, docs/workloads.md): one table row per
// option, each parsing its value into FioValues. Options outside the table are accepted and
// named in one warning line (they do not change what iosim simulates).
#pragma once
#include "workloads/fio_jobfile.hpp"
#include "workloads/fio_units.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace iosim::fio
{

// What fio's options say about one job, before it becomes an iosim task. [0] = read, [1] = write.
struct FioValues {
  unsigned kb_base       = 1024;
  std::string rw         = "read";
  bool rw_modifier       = false; // rw=MODE:N given
  uint64_t rw_skip       = 0;     // N of a sequential mode: bytes skipped after each I/O
  int rwmixread          = 50;
  uint64_t bs[2]         = {4096, 4096};
  uint64_t bsrange[2][2] = {{0, 0}, {0, 0}};
  struct Split {
    uint64_t bs;
    int percent; // -1: not given (shares the remainder)
  };
  std::vector<Split> bssplit[2];
  FioSize size, offset;
  bool has_size        = false;
  uint64_t io_size     = 0;
  uint64_t numjobs     = 1;
  uint64_t iodepth     = 1;
  bool iodepth_set     = false;
  bool direct          = false;
  bool sync            = false;
  std::string ioengine = "psync"; // fio's default on Linux
  int prio = -1, prioclass = -1;  // -1: not set
  int cmdprio_percentage[2] = {0, 0};
  int cmdprio_class[2]      = {1, 1}; // default: the highest class (RT), as fio documents
  int cmdprio_level[2]      = {0, 0};
  std::string cmdprio_bssplit[2];
  int cmdprio_line = 0; // first line of a cmdprio_* option (for the warning)
  std::string cgroup;
  int cgroup_weight         = 0;
  uint64_t thinktime_us     = 0;
  uint64_t thinktime_blocks = 1;
  uint64_t rate[2]          = {0, 0};
  uint64_t rate_iops[2]     = {0, 0};
  uint64_t runtime_us       = 0;
  bool time_based           = false;
  uint64_t startdelay_us    = 0;
  bool stonewall            = false;
  std::string filename;
};

struct Warnings {
  std::vector<std::string> lines;                   // one-off warnings (file:line: ...)
  std::vector<std::pair<std::string, int>> ignored; // options not modelled: (name, line)
  void add(const std::string& w);
  void ignore(const std::string& name, int line);
};

// Applies one job's options in file order (global ones first). Throws InputError
// "FILE:LINE: key=value: what was expected" on a bad value.
FioValues apply_options(const Job& job, const std::string& file, Warnings& warn);

} // namespace iosim::fio
