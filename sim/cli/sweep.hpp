// `iosim sweep` and `iosim merge` (architecture doc, "Sweep lines"; docs/sweeps.md). A sweep is
// every grid point x seed in a fixed order: grid points in the order of the --grid flags as given
// (first flag slowest, last flag fastest, values in the order listed), seeds ascending inside each
// point, so run = point_index * seeds + (seed - first_seed). --shard I/N takes run % N == I.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace iosim
{

struct GridAxis {
  std::string key;
  std::vector<std::string> texts;             // each value as written (for --list commands)
  std::vector<nlohmann::ordered_json> values; // each value as --set reads it (JSON, else a string)
};

struct SweepArgs {
  std::string argv0; // how iosim was invoked (for --list commands)
  std::string config;
  std::vector<std::string> sets; // fixed --set overrides applied to every run
  std::vector<GridAxis> grid;
  uint64_t seed_first = 0, seed_last = 0;
  unsigned jobs  = 1;
  uint64_t shard = 0, shards = 1;
  double timeout_s = 600; // per run; 0 = none
  bool summary     = false;
  bool list        = false;
  std::string out;
};

// Flag parsers: each throws InputError naming the flag on bad input.
GridAxis parse_grid(const std::string& flag);
void parse_seeds(const std::string& flag, SweepArgs& a);
void parse_shard(const std::string& flag, SweepArgs& a);
unsigned parse_jobs(const std::string& flag);
double parse_timeout(const std::string& flag);

// The fixed run order.
struct SweepPlan {
  const SweepArgs* args = nullptr;
  uint64_t points = 1, seeds = 1, total = 1;
  size_t point_index(uint64_t run) const { return size_t(run / seeds); }
  uint64_t seed(uint64_t run) const { return args->seed_first + run % seeds; }
  nlohmann::ordered_json point(size_t p) const;  // {KEY: VALUE...} in --grid order
  std::vector<std::string> sets(size_t p) const; // the fixed --set flags, then KEY=VALUE of the point
  bool mine(uint64_t run) const { return run % args->shards == args->shard; }
  // Identifies the sweep beyond its grid and seeds: a hash of every point's normalised config
  // without its seed (config file, --set flags and grid values). Every line carries it, so
  // resume and merge refuse lines of another sweep of the same shape.
  std::string fingerprint;
};
SweepPlan make_plan(const SweepArgs& a);

// The compact summary that --summary stores instead of the report (docs/sweeps.md).
nlohmann::json report_summary(const nlohmann::json& report);

// Resume (sweep_file.cpp): reads an existing output, truncates a partial last line, checks every
// line belongs to this sweep and shard (else InputError) and returns the runs already done.
struct ResumeState {
  std::vector<uint64_t> done;  // run indices with a complete line
  uint64_t failed     = 0;     // of those, failed lines
  uint64_t violations = 0;     // sum of violations_total over the ok lines
  bool truncated      = false; // a partial last line was cut off
};
ResumeState scan_existing(const std::string& path, const SweepPlan& plan);
// Opens (creates) the output O_APPEND and takes an exclusive flock: a second sweep on the same
// file is refused. Appends one line (plus '\n') with a single write and fdatasync.
int open_for_append(const std::string& path);
void append_line(int fd, const std::string& path, const std::string& line);

// Live/periodic progress on stderr (sweep_progress.cpp).
class Progress
{
 public:
  Progress(uint64_t total, uint64_t already_done, uint64_t violations);
  void finished(bool ok, uint64_t violations); // one run done
  void tick(bool force = false);               // redraw if due
  void end();                                  // final newline on a terminal
  uint64_t failed() const { return failed_; }
  uint64_t ran() const { return ran_; }

 private:
  uint64_t total_, done_, ran_ = 0, failed_ = 0, violations_;
  bool tty_;
  double start_, last_ = -1e9;
};

int cmd_sweep(const SweepArgs& a);
int cmd_merge(const std::string& out, const std::vector<std::string>& inputs);

} // namespace iosim
