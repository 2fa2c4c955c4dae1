// The schedule helpers of stdlib/scheduling.sched, run like the algorithms
// they schedule.
#include "support/DiffRun.h"

#include <gtest/gtest.h>

using schedc::testing::errorOf;
using schedc::testing::printedProc;
using schedc::testing::runsLike;

namespace {

const char* kMatmul = R"(import "scheduling.sched"

proc matmul(A: i32[16, 12], B: i32[12, 8], C: i32[16, 8]):
    for i in seq(0, 16):
        for j in seq(0, 8):
            for k in seq(0, 12):
                C[i, j] += A[i, k] * B[k, j]
)";

std::string body(const std::string& printed) {
  return printed.substr(printed.find(":\n") + 2);
}

} // namespace

TEST(TileLoops, TilesTwoLoopsAndInterleavesThem) {
  std::string source = std::string(kMatmul) + R"(
schedule tiled from matmul:
    tile_loops([(find_loop("i"), 4), (find_loop("j"), 4)], perfect=True)
)";
  EXPECT_TRUE(runsLike(source, "tiled", "matmul"));
  EXPECT_EQ(body(printedProc(source, "tiled")), R"(    for io in seq(0, 4):
        for jo in seq(0, 2):
            for ii in seq(0, 4):
                for ji in seq(0, 4):
                    for k in seq(0, 12):
                        C[4 * io + ii, 4 * jo + ji] += A[4 * io + ii, k] * B[k, 4 * jo + ji]
)");
}

TEST(TileLoops, ThreeLoopsAndACutTail) {
  std::string source = std::string(kMatmul) + R"(
schedule tiled from matmul:
    inner = tile_loops([(find_loop("i"), 8), (find_loop("j"), 4), (find_loop("k"), 5)])
    print(inner[0].name(), inner[1].name(), inner[2].name())
)";
  // k (12) is not a multiple of 5: its tail is cut, and reorder_loops then
  // refuses to move ji below the cut k loop (not a perfect nest)
  std::string error = errorOf(source);
  EXPECT_EQ(error.substr(0, error.find('\n')),
            std::string(SCHEDC_STDLIB_DIR) + "/scheduling.sched:27:13: error: reorder_loops: "
                                             "expected a single loop directly inside loop 'ji'");
  // the note leads back to the user's call
  EXPECT_NE(error.find("test.sched:10:13: note: in helper 'tile_loops' called here"),
            std::string::npos)
      << error;
  std::string perfectSource = std::string(kMatmul) + R"(
schedule tiled from matmul:
    tile_loops([(find_loop("i"), 8), (find_loop("j"), 4), (find_loop("k"), 4)])
)";
  EXPECT_TRUE(runsLike(perfectSource, "tiled", "matmul"));
  EXPECT_NE(printedProc(perfectSource, "tiled")
                .find("for io in seq(0, 2):\n        for jo in seq(0, 2):\n            for ko in "
                      "seq(0, 3):\n                for ii in seq(0, 8):"),
            std::string::npos)
      << printedProc(perfectSource, "tiled");
}

TEST(TileLoops, PerfectNeedsDivisibility) {
  std::string source = std::string(kMatmul) + R"(
schedule tiled from matmul:
    tile_loops([(find_loop("k"), 5)], perfect=True)
)";
  std::string error = errorOf(source);
  EXPECT_EQ(error.substr(0, error.find('\n')),
            std::string(SCHEDC_STDLIB_DIR) +
                "/scheduling.sched:19:13: error: divide_loop: cannot prove that 12 is divisible by "
                "5");
}
