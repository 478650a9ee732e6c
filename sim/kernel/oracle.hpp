// The oracle (architecture.md "The oracle"): one table row per violation kind, violation records
// with the interleaving that produced them, and the list of detectors that ran. The checks
// themselves are generic invariants (invariants.cpp); nothing here knows a scenario.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "exec.hpp"

namespace iosim::kernel {

enum class Kind {
  ioc_overwritten,
  ioc_after_exit,
  ioc_leaked,
  duplicate_sync_queue,
  ioprio_lost,
  cgroup_change_lost,
  uninit_read,
  use_after_free,
  refcount_underflow,
  double_free,
  cic_link_failed,
  request_setup_failed,
  livelock,
};
constexpr std::size_t kNumKinds = 13;

/// fio-style row: the kind, the spec rows it catches, when it is checked, what it means.
struct KindRow {
  Kind kind;
  const char* name;
  const char* spec;
  const char* check;
  const char* description;
};
const std::array<KindRow, kNumKinds>& kind_table();
const KindRow& kind_row(Kind k);
const char* kind_name(Kind k);
bool parse_kind(const std::string& s, Kind& out);

struct TraceEntry {
  std::uint64_t seq = 0;
  std::uint64_t time_ns = 0;
  int pid = 0;
  const char* label = "";
  const char* func = "";
  StepKind kind = StepKind::compute;
};

struct Violation {
  Kind kind;
  std::string spec;
  std::uint64_t time_ns = 0;
  std::vector<int> tasks;
  std::vector<std::uint64_t> objects;
  std::string detail;
  std::vector<TraceEntry> trace; ///< last steps of each involved task, in global order
};

class Oracle {
public:
  explicit Oracle(std::size_t trace_len = 32) : trace_len_(trace_len) {}

  void record_step(int pid, const StepId& id, std::uint64_t now);
  /// Record a violation; one firing per (kind, first object). Returns false if already fired.
  bool report(Kind kind, std::string spec, std::uint64_t now, std::vector<int> tasks,
              std::vector<std::uint64_t> objects, std::string detail);
  void mark_checked(Kind kind) { checked_.insert(kind); }

  const std::vector<Violation>& violations() const { return violations_; }
  std::uint64_t count(Kind kind) const { return counts_[static_cast<std::size_t>(kind)]; }
  std::uint64_t total() const;
  /// Kinds whose detector actually ran, in table order.
  std::vector<Kind> checked() const;
  bool was_checked(Kind kind) const { return checked_.count(kind) != 0; }
  /// Violations of @kind whose object list contains @object.
  std::size_t count_for(Kind kind, std::uint64_t object) const;
  /// Human-readable dump of one violation with its trace (for `iosim explain`).
  static std::string format(const Violation& v);

private:
  std::size_t trace_len_;
  std::uint64_t seq_ = 0;
  std::map<int, std::deque<TraceEntry>> traces_;
  std::vector<Violation> violations_;
  std::array<std::uint64_t, kNumKinds> counts_{};
  std::set<std::pair<Kind, std::uint64_t>> fired_;
  std::set<Kind> checked_;
};

} // namespace iosim::kernel
