// Make dependency files (-MD, -MMD, -MF, -MT, -MP), laid out as GCC 12 lays
// them out (libcpp/mkdeps.cc): the rule on lines of at most 72 columns
// continued with " \", file names escaped for Make, one empty phony rule per
// dependency other than the input with -MP.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace schedc::driver {

// GCC's munge(): a space or tab gets a backslash (and the backslashes just
// before it are doubled, as GNU Make reads 2N+1 backslashes before a space as
// N backslashes and a space), '#' gets a backslash, '$' becomes "$$".
inline std::string escapeForMake(const std::string& name) {
  std::string out;
  size_t slashes = 0;
  for (char c : name) {
    switch (c) {
    case '\\':
      ++slashes;
      out += c;
      continue;
    case '$':
      out += '$';
      break;
    case ' ':
    case '\t':
      out.append(slashes, '\\');
      out += '\\';
      break;
    case '#':
      out += '\\';
      break;
    default:
      break;
    }
    slashes = 0;
    out += c;
  }
  return out;
}

struct DepFileRule {
  std::vector<std::string> targets;      // already escaped (-MT is used as given)
  std::vector<std::string> dependencies; // the input first; escaped on output
  bool phonyTargets = false;             // -MP
};

// The text of the depfile: "targets: deps" wrapped like GCC's, then with -MP
// "dep:" for every dependency but the first.
inline std::string formatDepFile(const DepFileRule& rule) {
  const size_t maxColumns = 72;
  std::string out;
  size_t column = 0;
  auto write = [&](const std::string& name) {
    if (column != 0) {
      if (column + name.size() > maxColumns) {
        out += " \\\n";
        column = 0;
      }
      ++column;
      out += ' ';
    }
    column += name.size();
    out += name;
  };
  for (const std::string& target : rule.targets)
    write(target);
  out += ':';
  ++column;
  for (const std::string& dep : rule.dependencies)
    write(escapeForMake(dep));
  out += '\n';
  if (rule.phonyTargets)
    for (size_t i = 1; i < rule.dependencies.size(); ++i)
      out += escapeForMake(rule.dependencies[i]) + ":\n";
  return out;
}

// True when `file` lies in directory `dir` (or below it), comparing
// canonical paths so that "stdlib/../stdlib/x.sched" still counts.
inline bool isInDirectory(const std::string& file, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path f = fs::weakly_canonical(fs::absolute(file), ec);
  if (ec)
    return false;
  fs::path d = fs::weakly_canonical(fs::absolute(dir), ec);
  if (ec)
    return false;
  fs::path relative = f.lexically_relative(d);
  return !relative.empty() && *relative.begin() != ".." && relative != ".";
}

} // namespace schedc::driver
