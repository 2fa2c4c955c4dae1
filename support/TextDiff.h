// Line-based unified diff, for --trace and golden failures.
#pragma once

#include <string>

namespace schedc {

// `diff -u`-style hunks (with `context` lines around each change) turning
// `before` into `after`; empty when the texts are equal. Labels head the
// diff as "--- <before>" / "+++ <after>".
std::string unifiedDiff(const std::string& before, const std::string& after,
                        const std::string& beforeLabel, const std::string& afterLabel,
                        int context = 3);

} // namespace schedc
