// `--set KEY=VALUE` (architecture doc, Contracts): dotted keys, array indices as numbers
// (`tasks.0.ioprio.level=3`), the value as JSON when it parses, else as a bare string.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace iosim
{
void apply_override(nlohmann::json& doc, const std::string& assignment);
} // namespace iosim
