// `iosim explain REPORT [--violation K]`: one violation of a report, step by step: the
// interleaving of the tasks involved in global order, with times, and the step at which the
// oracle's invariant broke (architecture doc, The oracle).
#include "kernel/oracle.hpp"
#include "sim/cli/commands.hpp"
#include "sim/config/input_error.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace iosim
{

using json = nlohmann::json;

// nlohmann's message without its "[json.exception.type_error.305] " tag.
static std::string json_why(const nlohmann::json::exception& e)
{
  std::string m = e.what();
  size_t close  = m.rfind("] ", m.find(' ') == std::string::npos ? 0 : m.find(' '));
  return m.rfind("[json.exception.", 0) == 0 && close != std::string::npos ? m.substr(close + 2) : m;
}

static json load_report(const std::string& path)
{
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw InputError(path + ": is a directory, expected a report");
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open report: " + std::strerror(errno));
  try {
    json r = json::parse(in);
    if (!r.is_object() || r.value("schema", "") != "iosim-report/1" || !r.contains("correctness"))
      throw InputError(path + ": not an iosim report (expected schema iosim-report/1)");
    return r;
  } catch (const json::exception& e) {
    throw InputError(path + ": not an iosim report (expected JSON): " + json_why(e));
  }
}

static std::string task_name(const json& r, int pid)
{
  const json& names = r.value("pids", json::object());
  auto it           = names.find(std::to_string(pid));
  return it == names.end() ? "?" : it->get<std::string>();
}

// printf into a string (the whole explanation is built before anything is printed).
static void appendf(std::string& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static void appendf(std::string& out, const char* fmt, ...)
{
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  out += buf;
}

static std::string explain(const std::string& path, long k)
{
  std::string out;
  json r          = load_report(path);
  const json& all = r["correctness"]["violations"];
  uint64_t total  = r["correctness"].value("violations_total", uint64_t(0));
  if (all.empty() && total > 0)
    throw InputError(path + ": the report counts " + std::to_string(total) + " violations but keeps no record of them");
  if (all.empty() && k == 0) {
    appendf(out, "%s: no violations (detectors that ran: %zu of %zu)\n", path.c_str(),
            r["correctness"]["checked"].size(), kernel::kind_table().size());
    return out;
  }
  if (k < 0 || size_t(k) >= all.size())
    throw InputError("--violation " + std::to_string(k) + ": " +
                     (all.empty() ? path + " has no violations"
                                  : "out of range 0.." + std::to_string(all.size() - 1) + " (" + path + " keeps " +
                                        std::to_string(all.size()) + " violation records)"));
  const json& v    = all[size_t(k)];
  std::string kind = v.at("kind").get<std::string>();
  kernel::Kind kk;
  appendf(out, "%s: violation %ld of %zu (%llu counted in all)\n", path.c_str(), k, all.size(),
          (unsigned long long)total);
  appendf(out, "  %s  [spec %s]\n", kind.c_str(), v.at("spec").get<std::string>().c_str());
  if (kernel::parse_kind(kind, kk)) appendf(out, "  invariant: %s\n", kernel::kind_row(kk).description);
  appendf(out, "  at %.6f ms: %s\n", v.at("time_ns").get<double>() / 1e6, v.at("detail").get<std::string>().c_str());
  appendf(out, "  tasks:");
  for (const auto& pid : v.at("tasks"))
    appendf(out, " %d (%s)", pid.get<int>(), task_name(r, pid.get<int>()).c_str());
  appendf(out, "\n  objects:");
  for (const auto& id : v.at("objects"))
    appendf(out, " #%llu", (unsigned long long)id.get<uint64_t>());
  appendf(out, "\n\n  interleaving (last steps of each task involved, in global order):\n");
  appendf(out, "  %8s %13s  %-18s %-6s %-28s %s\n", "seq", "time (ms)", "task", "step", "function", "kind");
  const json& trace = v.at("trace");
  for (size_t i = 0; i < trace.size(); ++i) {
    const json& e   = trace[i];
    int pid         = e.at("pid").get<int>();
    std::string who = std::to_string(pid) + " " + task_name(r, pid);
    appendf(out, "  %8llu %13.6f  %-18s %-6s %-28s %s%s\n", (unsigned long long)e.at("seq").get<uint64_t>(),
            e.at("time_ns").get<double>() / 1e6, who.c_str(), e.at("step").get<std::string>().c_str(),
            e.at("func").get<std::string>().c_str(), e.at("kind").get<std::string>().c_str(),
            i + 1 == trace.size() ? ("   <- " + kind + " detected after this step").c_str() : "");
  }
  return out;
}

int cmd_explain(const std::string& path, long k)
{
  std::string text;
  try {
    text = explain(path, k);
  } catch (const nlohmann::json::exception& e) {
    // The JSON parsed and has the schema, but a field explain reads is missing or mistyped.
    throw InputError(path + ": correctness.violations[" + std::to_string(k) +
                     "] or pids is not as iosim writes it (docs/report.md): " + json_why(e));
  }
  std::fputs(text.c_str(), stdout); // all or nothing: no partial output on bad input
  return 0;
}

} // namespace iosim
