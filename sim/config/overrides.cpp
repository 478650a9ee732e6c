// --set overrides, applied to the document before validation so that the usual checks (and
// their messages) apply to overridden values too.
#include "sim/config/overrides.hpp"

#include "sim/config/input_error.hpp"

#include <cctype>

namespace iosim
{

static bool is_index(const std::string& s)
{
  if (s.empty() || s.size() > 9) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

void apply_override(nlohmann::json& doc, const std::string& assignment)
{
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw InputError("--set " + assignment + ": expected KEY=VALUE (e.g. tasks.0.ioprio.level=3)");
  std::string key = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error&) {
    value = text; // a bare string, e.g. --set kernel.ioc_api=legacy
  } catch (const nlohmann::json::exception&) {
    throw InputError("--set " + assignment + ": the number is too large for a double");
  }
  nlohmann::json* cur = &doc;
  std::string walked;
  size_t pos = 0;
  while (true) {
    size_t dot       = key.find('.', pos);
    std::string part = key.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (part.empty()) throw InputError("--set " + assignment + ": empty component in key \"" + key + "\"");
    nlohmann::json* next;
    if (cur->is_array()) {
      if (!is_index(part))
        throw InputError("--set " + assignment + ": " + walked + " is an array; expected a numeric index, got \"" +
                         part + "\"");
      size_t i = std::stoul(part);
      if (i >= cur->size())
        throw InputError("--set " + assignment + ": index " + part + " is out of range (" + walked + " has " +
                         std::to_string(cur->size()) + " elements)");
      next = &(*cur)[i];
    } else {
      if (cur->is_null()) *cur = nlohmann::json::object();
      if (!cur->is_object()) throw InputError("--set " + assignment + ": " + walked + " is not an object or array");
      next = &(*cur)[part];
    }
    walked += (walked.empty() ? "" : ".") + part;
    if (dot == std::string::npos) {
      *next = value;
      return;
    }
    cur = next;
    pos = dot + 1;
  }
}

} // namespace iosim
