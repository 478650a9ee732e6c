// Path-aware typed accessors used by the config parser (sim/config/parse_config.cpp).
#include "sim/config/json_path.hpp"

#include "sim/config/input_error.hpp"
#include "sim/config/units.hpp"

#include <algorithm>
#include <cmath>

namespace iosim
{

std::string describe(const json& v)
{
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_null()) return "null";
  std::string s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

static std::string join(const std::vector<std::string>& xs, const char* sep)
{
  std::string out;
  for (size_t i = 0; i < xs.size(); ++i)
    out += (i ? sep : "") + xs[i];
  return out;
}

std::string JsonNode::key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

void JsonNode::fail(const std::string& key, const std::string& what) const
{
  throw InputError(file_ + ": " + key_path(key) + ": " + what);
}

void JsonNode::fail_here(const std::string& what) const
{
  throw InputError(file_ + ": " + (path_.empty() ? std::string("top level") : path_) + ": " + what);
}

void JsonNode::expect_object() const
{
  if (!p_->is_object()) fail_here(describe((*p_)) + " is not an object");
}

JsonNode JsonNode::child(const std::string& key) const
{
  expect_object();
  if (!p_->contains(key)) fail(key, "missing (required)");
  return JsonNode(p_->at(key), file_, key_path(key));
}

JsonNode JsonNode::element(size_t i) const { return JsonNode(p_->at(i), file_, path_ + "[" + std::to_string(i) + "]"); }

std::vector<JsonNode> JsonNode::array(const std::string& key) const
{
  std::vector<JsonNode> out;
  if (!has(key)) return out;
  const json& a = p_->at(key);
  if (!a.is_array()) fail(key, describe(a) + " is not an array");
  JsonNode arr(a, file_, key_path(key));
  for (size_t i = 0; i < a.size(); ++i)
    out.push_back(arr.element(i));
  return out;
}

void JsonNode::only_keys(const std::vector<std::string>& known) const
{
  expect_object();
  for (const auto& [k, _] : p_->items())
    if (std::find(known.begin(), known.end(), k) == known.end())
      fail(k, known.empty() ? std::string("unknown key; this object takes no keys")
                            : "unknown key; expected one of: " + join(known, ", "));
}

int64_t JsonNode::get_int(const std::string& key, int64_t lo, int64_t hi, std::optional<int64_t> dflt) const
{
  if (!has(key)) {
    if (dflt) return *dflt;
    fail(key, "missing (required integer " + std::to_string(lo) + ".." + std::to_string(hi) + ")");
  }
  const json& x = p_->at(key);
  int64_t n;
  if (x.is_number_integer()) {
    if (x.is_number_unsigned() && x.get<uint64_t>() > uint64_t(INT64_MAX))
      fail(key, describe(x) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    n = x.get<int64_t>();
  } else if (x.is_number_float() && std::isfinite(x.get<double>()) && std::floor(x.get<double>()) == x.get<double>() &&
             std::fabs(x.get<double>()) < 9e15) {
    n = int64_t(x.get<double>());
  } else {
    fail(key, describe(x) + " is not an integer (expected " + std::to_string(lo) + ".." + std::to_string(hi) + ")");
  }
  if (n < lo || n > hi)
    fail(key, std::to_string(n) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
  return n;
}

double JsonNode::get_double(const std::string& key, double lo, double hi, std::optional<double> dflt) const
{
  if (!has(key)) {
    if (dflt) return *dflt;
    fail(key, "missing (required number)");
  }
  const json& x = p_->at(key);
  if (!x.is_number()) fail(key, describe(x) + " is not a number");
  double d = x.get<double>();
  if (!(d >= lo && d <= hi)) fail(key, describe(x) + " is out of range " + json(lo).dump() + ".." + json(hi).dump());
  return d;
}

bool JsonNode::get_bool(const std::string& key, std::optional<bool> dflt) const
{
  if (!has(key)) {
    if (dflt) return *dflt;
    fail(key, "missing (required true or false)");
  }
  const json& x = p_->at(key);
  if (!x.is_boolean()) fail(key, describe(x) + " is not true or false");
  return x.get<bool>();
}

std::string JsonNode::get_string(const std::string& key, std::optional<std::string> dflt) const
{
  if (!has(key)) {
    if (dflt) return *dflt;
    fail(key, "missing (required string)");
  }
  const json& x = p_->at(key);
  if (!x.is_string()) fail(key, describe(x) + " is not a string");
  return x.get<std::string>();
}

std::string JsonNode::get_enum(const std::string& key, const std::vector<std::string>& choices,
                               std::optional<std::string> dflt) const
{
  if (!has(key) && !dflt) fail(key, "missing (expected one of: " + join(choices, ", ") + ")");
  std::string s = get_string(key, dflt);
  if (std::find(choices.begin(), choices.end(), s) == choices.end())
    fail(key, describe(p_->at(key)) + " is not one of: " + join(choices, ", "));
  return s;
}

uint64_t JsonNode::get_bytes(const std::string& key, uint64_t lo, uint64_t hi, std::optional<uint64_t> dflt) const
{
  if (!has(key)) {
    if (dflt) return *dflt;
    fail(key, "missing (required byte count)");
  }
  const json& x = p_->at(key);
  std::optional<uint64_t> n;
  if (x.is_number_unsigned())
    n = x.get<uint64_t>();
  else if (x.is_string())
    n = parse_bytes(x.get<std::string>());
  if (!n) fail(key, describe(x) + " is not a byte count (expected an integer or a string like \"4k\", \"1m\", \"2g\")");
  if (*n < lo || *n > hi) fail(key, describe(x) + " is out of range " + format_bytes(lo) + ".." + format_bytes(hi));
  return *n;
}

} // namespace iosim
