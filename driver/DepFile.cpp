#include "driver/DepFile.h"

#include <filesystem>

namespace schedc::driver {

std::string escapeForMake(const std::string& name) {
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

std::string formatDepFile(const DepFileRule& rule) {
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

bool isInDirectory(const std::string& file, const std::string& dir) {
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
