// fio job file grammar (fio 3.33 init.c, docs/workloads.md): ini sections, `[global]` options
// applying to the jobs that follow it in the file, `;`/`#` comments (whole line or trailing),
// `key=value` or bare `key` lines. `include` and `${VAR}` substitution are rejected.
#pragma once
#include <string>
#include <vector>

namespace iosim::fio
{

struct Option {
  std::string key, value; // value empty for a bare key
  bool has_value = false;
  int line       = 0;
};

struct Job {
  std::string name;
  int line = 0;                // of its [name] header
  std::vector<Option> options; // global options first (in file order), then its own
};

// Throws InputError "FILE:LINE: ..." on malformed input.
std::vector<Job> parse_jobfile_text(const std::string& text, const std::string& file);
std::vector<Job> parse_jobfile(const std::string& path);


} // namespace iosim::fio
