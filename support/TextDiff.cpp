#include "support/TextDiff.h"

#include <algorithm>
#include <sstream>
#include <vector>

namespace schedc {

static std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    lines.push_back(line);
  return lines;
}

std::string unifiedDiff(const std::string& before, const std::string& after,
                        const std::string& beforeLabel, const std::string& afterLabel,
                        int context) {
  std::vector<std::string> a = splitLines(before), b = splitLines(after);
  size_t n = a.size(), m = b.size();
  // Longest common subsequence table; procs are small (hundreds of lines).
  std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);

  struct Line {
    char tag; // ' ', '-', '+'
    std::string text;
    size_t aLine, bLine; // 1-based positions after this line
  };
  std::vector<Line> script;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      script.push_back({' ', a[i], ++i, ++j});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      script.push_back({'-', a[i], ++i, j}); // removals first, as diff -u shows them
    } else {
      script.push_back({'+', b[j], i, ++j});
    }
  }
  bool changed =
      std::any_of(script.begin(), script.end(), [](const Line& l) { return l.tag != ' '; });
  if (!changed)
    return "";

  std::ostringstream out;
  out << "--- " << beforeLabel << "\n+++ " << afterLabel << "\n";
  size_t k = 0;
  while (k < script.size()) {
    if (script[k].tag == ' ') {
      ++k;
      continue;
    }
    // a hunk: from `context` lines before the change to `context` after the last nearby change
    size_t start = k >= static_cast<size_t>(context) ? k - context : 0;
    size_t end = k;
    size_t quiet = 0;
    for (size_t t = k; t < script.size(); ++t) {
      if (script[t].tag == ' ') {
        if (++quiet > static_cast<size_t>(2 * context))
          break;
      } else {
        quiet = 0;
        end = t;
      }
    }
    size_t stop = std::min(script.size(), end + 1 + context);
    size_t aStart = start == 0 ? 1 : script[start - 1].aLine + 1;
    size_t bStart = start == 0 ? 1 : script[start - 1].bLine + 1;
    size_t aCount = 0, bCount = 0;
    for (size_t t = start; t < stop; ++t) {
      aCount += script[t].tag != '+';
      bCount += script[t].tag != '-';
    }
    out << "@@ -" << (aCount ? aStart : aStart - 1) << "," << aCount << " +"
        << (bCount ? bStart : bStart - 1) << "," << bCount << " @@\n";
    for (size_t t = start; t < stop; ++t)
      out << script[t].tag << script[t].text << "\n";
    k = stop;
  }
  return out.str();
}

} // namespace schedc
