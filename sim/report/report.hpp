// The report JSON of the contract (architecture doc, "Report keys"): schema iosim-report/1.
#pragma once
#include "sim/config/scenario.hpp"
#include "sim/report/run_result.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace iosim
{

nlohmann::json build_report(const Scenario& sc, const RunResult& r);
// The report as written: 2-space indented, trailing newline, deterministic key order.
std::string render_report(const nlohmann::json& report);
// SHA-256 of the normalised config (OpenSSL libcrypto), lowercase hex.
std::string sha256_hex(const std::string& data);
// Writes `content` to `path` atomically (temporary file in the same folder, then rename).
void write_file_atomically(const std::string& path, const std::string& content);
// Short human summary table (stderr).
std::string summary_table(const nlohmann::json& report);

} // namespace iosim
