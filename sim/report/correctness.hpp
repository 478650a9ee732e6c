// The report's `correctness` section from the kernel model's oracle (architecture doc, The
// oracle): detectors that ran, a count for every kind of the table, the violation records.
#pragma once
#include "kernel/oracle.hpp"

#include <nlohmann/json.hpp>

namespace iosim
{

// At most this many violation records are kept in a report (the counts stay complete).
constexpr size_t kMaxViolationRecords = 200;

nlohmann::json correctness_json(const kernel::Oracle& oracle);
// The section before any detector ran: every count present, `checked` empty.
nlohmann::json correctness_unchecked();

} // namespace iosim
