#include "ScheduleText.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace schedc::testing {

std::string goldenSchedule(const std::string& stem) {
  std::string path = std::string(SCHEDC_SOURCE_DIR) + "/tests/golden/schedules/" + stem + ".sched";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string scheduled(const std::string& algorithm, const std::string& proc,
                      const std::string& directives) {
  return algorithm + "\nschedule s from " + proc + ":\n" + directives;
}

std::string at(const std::string& algorithm, int k) {
  int lines = 0;
  for (char c : algorithm)
    lines += c == '\n';
  return "test.sched:" + std::to_string(lines + 3 + k) + ":5: error: ";
}

std::string firstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

} // namespace schedc::testing
