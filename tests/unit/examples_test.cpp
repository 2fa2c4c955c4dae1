// The scheduled examples run like their algorithms: Exo-style GEMV and
// blocked SGEMM schedules (divide, fission, reorder, unroll, simplify) on f32
// procs, compiled to C and run on random inputs.
#include "support/DiffRun.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using schedc::testing::printedProc;
using schedc::testing::runsLike;

namespace {

std::string example(const std::string& name) {
  std::ifstream in(std::string(SCHEDC_SOURCE_DIR) + "/examples/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST(Examples, GemvScheduleRunsLikeGemv) {
  std::string source = example("gemv_schedule.sched");
  EXPECT_TRUE(runsLike(source, "gemv_blocked", "gemv", {{"M", 16}, {"N", 12}}));
  EXPECT_TRUE(runsLike(source, "gemv_blocked", "gemv", {{"M", 8}, {"N", 4}}));
  // the schedule did what it says: blocked, fissioned, interchanged, unrolled
  std::string printed = printedProc(source, "gemv_blocked");
  EXPECT_NE(printed.find("        for ii in seq(0, 8):\n            y[8 * io + ii] = 0.0\n"
                         "        for jo in seq(0, N / 4):\n            for ii in seq(0, 8):\n"),
            std::string::npos)
      << printed;
  EXPECT_NE(printed.find("x[4 * jo + 3]"), std::string::npos) << printed;
}

TEST(Examples, BlockedSgemmRunsLikeSgemm) {
  std::string source = example("sgemm_blocked.sched");
  EXPECT_TRUE(runsLike(source, "sgemm_blocked", "sgemm", {{"M", 8}, {"N", 32}, {"K", 5}}));
  EXPECT_TRUE(runsLike(source, "sgemm_blocked", "sgemm", {{"M", 4}, {"N", 16}, {"K", 1}}));
  std::string printed = printedProc(source, "sgemm_blocked");
  EXPECT_NE(printed.find("        for jo in seq(0, N / 16):\n            for k in seq(0, K):\n"),
            std::string::npos)
      << printed;
}
