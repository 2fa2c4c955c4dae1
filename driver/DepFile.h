// Make dependency files (-MD, -MMD, -MF, -MT, -MP), laid out as GCC 12 lays
// them out (libcpp/mkdeps.cc): the rule on lines of at most 72 columns
// continued with " \", file names escaped for Make, one empty phony rule per
// dependency other than the input with -MP.
#pragma once

#include <string>
#include <vector>

namespace schedc::driver {

// GCC's munge(): a space or tab gets a backslash (and the backslashes just
// before it are doubled, as GNU Make reads 2N+1 backslashes before a space as
// N backslashes and a space), '#' gets a backslash, '$' becomes "$$".
std::string escapeForMake(const std::string& name);

struct DepFileRule {
  std::vector<std::string> targets;      // already escaped (-MT is used as given)
  std::vector<std::string> dependencies; // the input first; escaped on output
  bool phonyTargets = false;             // -MP
};

// The text of the depfile: "targets: deps" wrapped like GCC's, then with -MP
// "dep:" for every dependency but the first.
std::string formatDepFile(const DepFileRule& rule);

// True when `file` lies in directory `dir` (or below it), comparing
// canonical paths so that "stdlib/../stdlib/x.sched" still counts.
bool isInDirectory(const std::string& file, const std::string& dir);

} // namespace schedc::driver
