// `iosim merge OUT SHARD...`: the shards' lines in run order, written atomically. Every line
// carries `runs_total`, so a run missing anywhere in 0..runs_total-1 (even the last ones) and a
// run present twice are both caught (exit 2, naming the run and the files).
#include "sim/cli/sweep.hpp"
#include "sim/config/input_error.hpp"
#include "sim/report/report.hpp"

#include <fstream>
#include <sys/stat.h>
#include <map>
#include <sstream>

namespace iosim
{

int cmd_merge(const std::string& out, const std::vector<std::string>& inputs)
{
  if (inputs.empty()) throw InputError("merge: expected OUT.jsonl SHARD.jsonl...");
  std::map<uint64_t, std::pair<std::string, std::string>> lines; // run -> (line, where)
  uint64_t total = 0;
  std::string total_where, sweep_id, kind_where;
  int kind = 0; // 1: full reports, 2: summaries (0: not seen yet)
  for (size_t i = 0; i < inputs.size(); ++i)
    for (size_t k = 0; k < i; ++k)
      if (inputs[i] == inputs[k]) throw InputError("merge: " + inputs[i] + " is given twice");
  for (const auto& path : inputs) {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      throw InputError(path + ": is a directory, expected a sweep file (JSONL)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open sweep file");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    size_t pos = 0, n = 0;
    while (pos < text.size()) {
      size_t nl         = text.find('\n', pos);
      const bool cut    = nl == std::string::npos; // a last line without its newline
      std::string line  = text.substr(pos, cut ? std::string::npos : nl - pos);
      pos               = cut ? text.size() : nl + 1;
      std::string where = path + ":" + std::to_string(++n);
      nlohmann::json j;
      bool parsed = true;
      try {
        j = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception&) {
        parsed = false;
      }
      const bool sweep_line = parsed && j.is_object() && j.contains("run") && j["run"].is_number_unsigned() &&
                              j.contains("runs_total") && j["runs_total"].is_number_unsigned();
      // A sweep writes each line with its newline: a cut last line is a sweep killed mid-write,
      // unless it is not a sweep line at all (a config or report given by mistake).
      if (cut && (!parsed || sweep_line))
        throw InputError(where + ": partial last line (the sweep was interrupted); rerun that sweep to complete it");
      if (!parsed) throw InputError(where + ": not a sweep line (JSON)");
      if (!sweep_line) throw InputError(where + ": not a sweep line (expected \"run\" and \"runs_total\")");
      uint64_t r = j["run"], t = j["runs_total"];
      std::string id = j.contains("sweep") ? j["sweep"].dump() : "none";
      int body       = j.contains("report") ? 1 : j.contains("summary") ? 2 : 0; // 0: a failed run
      if (total_where.empty()) {
        total       = t;
        total_where = where;
        sweep_id    = id;
      } else if (t != total) {
        throw InputError(where + ": from a sweep of " + std::to_string(t) + " runs, but " + total_where + " has " +
                         std::to_string(total) + "; these files are not shards of one sweep");
      } else if (id != sweep_id) {
        throw InputError(where + ": from sweep " + id + ", but " + total_where + " is from sweep " + sweep_id +
                         " (another config or other --set flags); these files are not shards of one sweep");
      }
      if (body && kind && body != kind)
        throw InputError(where + ": has a " + (body == 1 ? "full report" : "summary") + " but " + kind_where +
                         " has a " + (kind == 1 ? "full report" : "summary") + " (one shard run with --summary, " +
                         "one without)");
      if (body && !kind) {
        kind       = body;
        kind_where = where;
      }
      if (r >= total)
        throw InputError(where + ": run " + std::to_string(r) + " is beyond runs_total " + std::to_string(t));
      auto [it, fresh] = lines.emplace(r, std::make_pair(line, where));
      if (!fresh)
        throw InputError("merge: run " + std::to_string(r) + " is duplicated: " + it->second.second + " and " + where);
    }
  }
  if (lines.empty()) throw InputError("merge: no runs in " + inputs.front() + (inputs.size() > 1 ? " ..." : ""));
  std::string files;
  for (const auto& p : inputs)
    files += (files.empty() ? "" : ", ") + p;
  uint64_t expect = 0;
  std::string body;
  for (const auto& [r, lw] : lines) {
    if (r != expect) break;
    body += lw.first + "\n";
    ++expect;
  }
  if (expect != total)
    throw InputError("merge: run " + std::to_string(expect) + " of " + std::to_string(total) + " is missing from " +
                     files +
                     (lines.size() < total ? " (" + std::to_string(total - lines.size()) + " missing in all)" : ""));
  write_file_atomically(out, body);
  std::fprintf(stderr, "merge: %s: %llu runs from %zu files\n", out.c_str(), (unsigned long long)total, inputs.size());
  return 0;
}

} // namespace iosim
