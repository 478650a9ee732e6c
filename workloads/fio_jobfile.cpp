// fio job file grammar (see fio_jobfile.hpp).
#include "workloads/fio_jobfile.hpp"

#include "sim/config/input_file.hpp"

#include "sim/config/input_error.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace iosim::fio
{

static std::string trim(const std::string& s)
{
  size_t a = s.find_first_not_of(" \t\r\n\f\v");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(a, b - a + 1);
}

// fio cuts a line at its first ';' or '#' (strip_blank_end), so comments may trail options.
static std::string strip_comment(const std::string& s)
{
  size_t c = s.find_first_of(";#");
  return c == std::string::npos ? s : s.substr(0, c);
}

std::vector<Job> parse_jobfile_text(const std::string& text, const std::string& file)
{
  std::vector<Job> jobs;
  std::vector<Option> global;
  enum { none, in_global, in_job } where = none;
  std::istringstream in(text);
  std::string raw;
  int lineno = 0;
  auto fail  = [&](const std::string& what) { throw InputError(file + ":" + std::to_string(lineno) + ": " + what); };
  while (std::getline(in, raw)) {
    ++lineno;
    std::string line = trim(strip_comment(raw));
    if (line.empty()) continue;
    if (line[0] == '[') {
      if (line.back() != ']') fail("section header \"" + line + "\" has no closing ']'");
      std::string name = trim(line.substr(1, line.size() - 2));
      if (name.empty()) fail("empty section name \"[]\" (expected [global] or [jobname])");
      if (name == "global") {
        where = in_global;
      } else {
        where = in_job;
        jobs.push_back({name, lineno, global});
      }
      continue;
    }
    if (line.rfind("include", 0) == 0 && (line.size() == 7 || std::isspace(static_cast<unsigned char>(line[7]))))
      fail("'include' of other job files is not supported by iosim; merge the files into one");
    if (line.find("${") != std::string::npos)
      fail("environment variable substitution (${...}) is not supported by iosim; write the value");
    if (where == none) fail("option \"" + line + "\" outside of a [global] or [job] section");
    Option o;
    o.line  = lineno;
    auto eq = line.find('=');
    o.key   = trim(line.substr(0, eq));
    if (eq != std::string::npos) {
      o.value     = trim(line.substr(eq + 1));
      o.has_value = true;
    }
    if (o.key.empty()) fail("\"" + line + "\" has no option name before '='");
    for (char c : o.key)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
        fail("\"" + o.key + "\" is not an option name (letters, digits and '_')");
    if (where == in_global)
      global.push_back(o);
    else
      jobs.back().options.push_back(o);
  }
  if (jobs.empty()) throw InputError(file + ": no job section (expected at least one [jobname] after [global])");
  return jobs;
}

std::vector<Job> parse_jobfile(const std::string& path)
{
  return parse_jobfile_text(read_text_input(path, "a fio job file", kMaxJobFileBytes), path);
}

} // namespace iosim::fio
