// Typed, path-aware access to a JSON config: every rejection names the file, the JSON path, what
// was found and what was expected, e.g. "config.json: tasks[2].ioprio.level: 9 is out of range 0..7".
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace iosim
{

using json = nlohmann::json;

class JsonNode
{
 public:
  JsonNode(const json& value, std::string file, std::string path)
      : p_(&value), file_(std::move(file)), path_(std::move(path))
  {
  }

  const json& value() const { return *p_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  bool has(const std::string& key) const { return p_->is_object() && p_->contains(key); }

  JsonNode child(const std::string& key) const;              // must exist
  JsonNode element(size_t i) const;                          // v_ must be an array
  std::vector<JsonNode> array(const std::string& key) const; // absent -> empty
  void expect_object() const;
  // Rejects keys outside `known` (typos must not be silently ignored).
  void only_keys(const std::vector<std::string>& known) const;

  int64_t get_int(const std::string& key, int64_t lo, int64_t hi, std::optional<int64_t> dflt = {}) const;
  double get_double(const std::string& key, double lo, double hi, std::optional<double> dflt = {}) const;
  bool get_bool(const std::string& key, std::optional<bool> dflt = {}) const;
  std::string get_string(const std::string& key, std::optional<std::string> dflt = {}) const;
  std::string get_enum(const std::string& key, const std::vector<std::string>& choices,
                       std::optional<std::string> dflt = {}) const;
  // A byte count: an integer, or a string with a k/m/g/t suffix (powers of 1024, as fio reads them).
  uint64_t get_bytes(const std::string& key, uint64_t lo, uint64_t hi, std::optional<uint64_t> dflt = {}) const;

  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  [[noreturn]] void fail_here(const std::string& what) const;
  std::string key_path(const std::string& key) const;

 private:
  const json* p_;
  std::string file_;
  std::string path_;
};

// Short rendering of a JSON value for error messages ("9", "\"fast\"", "an object").
std::string describe(const json& v);

} // namespace iosim
