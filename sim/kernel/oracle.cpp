// The oracle's kind table and violation records (architecture.md "The oracle").
#include "oracle.hpp"

#include <algorithm>
#include <sstream>

namespace iosim::kernel {

namespace {
const std::array<KindRow, kNumKinds> kTable = {{
    {Kind::ioc_overwritten, "ioc_overwritten", "D.1, D.2", "on every commit of task->io_context",
     "task->io_context only changes NULL -> ioc, or ioc -> NULL on the exit path"},
    {Kind::ioc_after_exit, "ioc_after_exit", "D.3, D.3b",
     "on every commit of task->io_context and when a task is reaped",
     "once a task's exit_io_context ran (or the task was reaped) its io_context stays NULL"},
    {Kind::ioc_leaked, "ioc_leaked", "D.1, D.2, D.3", "at quiescence",
     "every allocated ioc and cic is freed; refcount = holders (C.11)"},
    {Kind::duplicate_sync_queue, "duplicate_sync_queue", "D.2",
     "when a sync cfqq is installed in a cic, and when settled",
     "at most one live sync cfqq per (task, device)"},
    {Kind::ioprio_lost, "ioprio_lost", "D.1, D.5, D.6", "when settled (no I/O in flight)",
     "each queue's priority derives from the latest ioprio version"},
    {Kind::cgroup_change_lost, "cgroup_change_lost", "D.6", "when settled (no I/O in flight)",
     "each sync queue's group derives from its task's latest cgroup"},
    {Kind::uninit_read, "uninit_read", "D.4", "on every shared load",
     "no read returns poison (never-initialised memory)"},
    {Kind::use_after_free, "use_after_free", "D.4(b), D.9", "on every access and pointer dereference",
     "no access to a freed object"},
    {Kind::refcount_underflow, "refcount_underflow", "B.4, D.4(b)",
     "on every get/put, final put, and lost atomic update",
     "get/put never sees refcount <= 0; no final put with a live-key cic"},
    {Kind::double_free, "double_free", "D.8", "on every free and list/radix unlink",
     "an object is freed or unlinked once"},
    {Kind::cic_link_failed, "cic_link_failed", "D.7", "on every cfq_cic_link",
     "cic insertion does not fail without injected allocation failure"},
    {Kind::request_setup_failed, "request_setup_failed", "D.7, G.5", "on every cfq_set_request",
     "request setup does not fail without injected allocation failure"},
    {Kind::livelock, "livelock", "D.10", "on every retry loop iteration",
     "retry loops end within a bound"},
}};
} // namespace

const std::array<KindRow, kNumKinds>& kind_table() { return kTable; }
const KindRow& kind_row(Kind k) { return kTable[static_cast<std::size_t>(k)]; }
const char* kind_name(Kind k) { return kind_row(k).name; }

bool parse_kind(const std::string& s, Kind& out)
{
  for (const KindRow& r : kTable)
    if (s == r.name) {
      out = r.kind;
      return true;
    }
  return false;
}

void Oracle::record_step(int pid, const StepId& id, std::uint64_t now)
{
  auto& ring = traces_[pid];
  ring.push_back({++seq_, now, pid, id.label, id.func, id.kind});
  if (ring.size() > trace_len_)
    ring.pop_front();
}

bool Oracle::report(Kind kind, std::string spec, std::uint64_t now, std::vector<int> tasks,
                    std::vector<std::uint64_t> objects, std::string detail)
{
  const std::uint64_t key = objects.empty() ? 0 : objects.front();
  if (!fired_.insert({kind, key}).second)
    return false;
  Violation v{kind, std::move(spec), now, {}, std::move(objects), std::move(detail), {}};
  for (int pid : tasks)
    if (pid != 0 && std::find(v.tasks.begin(), v.tasks.end(), pid) == v.tasks.end())
      v.tasks.push_back(pid);
  for (int pid : v.tasks) {
    auto it = traces_.find(pid);
    if (it != traces_.end())
      v.trace.insert(v.trace.end(), it->second.begin(), it->second.end());
  }
  std::sort(v.trace.begin(), v.trace.end(), [](const TraceEntry& a, const TraceEntry& b) { return a.seq < b.seq; });
  counts_[static_cast<std::size_t>(kind)]++;
  violations_.push_back(std::move(v));
  return true;
}

std::uint64_t Oracle::total() const
{
  std::uint64_t n = 0;
  for (std::uint64_t c : counts_)
    n += c;
  return n;
}

std::vector<Kind> Oracle::checked() const
{
  std::vector<Kind> out;
  for (const KindRow& r : kTable)
    if (checked_.count(r.kind))
      out.push_back(r.kind);
  return out;
}

std::size_t Oracle::count_for(Kind kind, std::uint64_t object) const
{
  std::size_t n = 0;
  for (const Violation& v : violations_)
    if (v.kind == kind && std::find(v.objects.begin(), v.objects.end(), object) != v.objects.end())
      ++n;
  return n;
}

std::string Oracle::format(const Violation& v)
{
  std::ostringstream os;
  os << kind_name(v.kind) << " [" << v.spec << "] at " << v.time_ns << " ns: " << v.detail << "\n  tasks:";
  for (int pid : v.tasks)
    os << ' ' << pid;
  os << "\n  objects:";
  for (std::uint64_t id : v.objects)
    os << ' ' << id;
  os << '\n';
  for (const TraceEntry& e : v.trace)
    os << "  #" << e.seq << " t=" << e.time_ns << " pid " << e.pid << ' ' << e.func << ' ' << e.label << " ("
       << step_kind_name(e.kind) << ")\n";
  return os.str();
}

} // namespace iosim::kernel
