// Test support: building schedule sources and reading golden schedules.
#pragma once

#include <string>

namespace schedc::testing {

// The text of tests/golden/schedules/<stem>.sched (a failed read is a test failure).
std::string goldenSchedule(const std::string& stem);

// `algorithm` (complete lines) followed by `schedule s from <proc>:` with
// `directives` (one per line, indented by the caller's `    `).
std::string scheduled(const std::string& algorithm, const std::string& proc,
                      const std::string& directives);

// "test.sched:L:5: error: " for the k-th directive line (0-based) of a
// schedule built by scheduled().
std::string at(const std::string& algorithm, int k);

// The first line of a (diagnostic) text.
std::string firstLine(const std::string& text);

} // namespace schedc::testing
