// Oracle -> report JSON (see correctness.hpp).
#include "sim/report/correctness.hpp"

namespace iosim
{

using json = nlohmann::json;

static json trace_json(const std::vector<kernel::TraceEntry>& trace)
{
  json out = json::array();
  for (const auto& e : trace)
    out.push_back({{"seq", e.seq},
                   {"time_ns", e.time_ns},
                   {"pid", e.pid},
                   {"func", e.func},
                   {"step", e.label},
                   {"kind", kernel::step_kind_name(e.kind)}});
  return out;
}

json correctness_json(const kernel::Oracle& oracle)
{
  json checked = json::array(), counts = json::object();
  for (const auto& row : kernel::kind_table()) {
    counts[row.name] = oracle.count(row.kind);
    if (oracle.was_checked(row.kind)) checked.push_back(row.name);
  }
  json viol = json::array();
  for (const auto& v : oracle.violations()) {
    if (viol.size() == kMaxViolationRecords) break;
    viol.push_back({{"kind", kernel::kind_name(v.kind)},
                    {"spec", v.spec},
                    {"time_ns", v.time_ns},
                    {"tasks", v.tasks},
                    {"objects", v.objects},
                    {"detail", v.detail},
                    {"trace", trace_json(v.trace)}});
  }
  return {{"checked", checked},
          {"violations_total", oracle.total()},
          {"counts", counts},
          {"violations", viol},
          {"violations_omitted", oracle.violations().size() - viol.size()}};
}

json correctness_unchecked()
{
  json counts = json::object();
  for (const auto& row : kernel::kind_table())
    counts[row.name] = 0;
  return {{"checked", json::array()},
          {"violations_total", 0},
          {"counts", counts},
          {"violations", json::array()},
          {"violations_omitted", 0}};
}

} // namespace iosim
