// The loop primitives (passes/primitives/LoopPrimitives.h): every accepted
// schedule of tests/golden/schedules/loops_*.sched computes what its
// algorithm computes (compiled and run on random inputs, with sizes that
// exercise tails and branches), every refusal names the directive and the
// reason at the directive, and cursors follow statements as documented.
#include "support/DiffRun.h"
#include "support/ScheduleText.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

using schedc::testing::at;
using schedc::testing::errorOf;
using schedc::testing::firstLine;
using schedc::testing::goldenSchedule;
using schedc::testing::printedProc;
using schedc::testing::runsLike;
using schedc::testing::scheduled;

namespace {

// The text of tests/golden/schedules/loops_<name>.sched.
std::string golden(const std::string& name) {
  return goldenSchedule("loops_" + name);
}

const std::string kScale = R"(proc scale(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        y[i] = 2.0 * x[i]
)";

const std::string kSum = R"(proc sum(N: size, x: f32[N], s: f32):
    s = 0.0
    for i in seq(0, N):
        s += x[i]
)";

// ------------------------------------------------------------ divide_loop

TEST(DivideLoop, EveryTailStrategyComputesTheSame) {
  std::string src = golden("divide_loop");
  for (int64_t n : {10, 8, 3}) {
    EXPECT_TRUE(runsLike(src, "scale_guard", "scale", {{"N", n}})) << "N = " << n;
    EXPECT_TRUE(runsLike(src, "scale_cut", "scale", {{"N", n}})) << "N = " << n;
    EXPECT_TRUE(runsLike(src, "scale_cut_and_guard", "scale", {{"N", n}})) << "N = " << n;
  }
}

TEST(DivideLoop, PerfectAndNestedDivisionsComputeTheSame) {
  std::string src = golden("divide_loop");
  EXPECT_TRUE(runsLike(src, "gemv_divided", "gemv", {{"N", 5}, {"M", 32}}));
  EXPECT_TRUE(runsLike(src, "gemv_divided", "gemv", {{"N", 4}, {"M", 48}}));
}

TEST(DivideLoop, RefusesAPerfectDivisionItCannotProve) {
  std::string src =
      scheduled(kScale, "scale", "    divide_loop(\"i\", 8, [\"io\", \"ii\"], perfect=True)\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(kScale, 0) + "divide_loop: cannot prove that N is divisible by 8");
}

TEST(DivideLoop, RefusesANonZeroLowerBoundAndUnknownTails) {
  const std::string shifted = R"(proc f(N: size, x: f32[N + 2]):
    for i in seq(2, N + 2):
        x[i] = 1.0
)";
  EXPECT_EQ(
      firstLine(errorOf(scheduled(shifted, "f", "    divide_loop(\"i\", 4, [\"a\", \"b\"])\n"))),
      at(shifted, 0) + "divide_loop: expected the lower bound of the loop to be zero, got 2");
  EXPECT_EQ(
      firstLine(errorOf(scheduled(kScale, "scale",
                                  "    divide_loop(\"i\", 4, [\"a\", \"b\"], tail=\"peel\")\n"))),
      "test.sched:6:42: error: divide_loop: tail must be 'guard', 'cut' or 'cut_and_guard', not "
      "'peel'");
}

TEST(DivideLoop, ARefusalLeavesTheProcForTheNextDirective) {
  std::string src = scheduled(kScale, "scale",
                              "    try:\n"
                              "        divide_loop(\"i\", 8, [\"io\", \"ii\"], perfect=True)\n"
                              "    except:\n"
                              "        divide_loop(\"i\", 8, [\"io\", \"ii\"], tail=\"cut\")\n");
  EXPECT_TRUE(runsLike(src, "s", "scale", {{"N", 13}}));
  EXPECT_NE(printedProc(src, "s").find("for ii in seq(0, N % 8):"), std::string::npos)
      << printedProc(src, "s");
}

// ------------------------------------------------ divide_with_recompute

TEST(DivideWithRecompute, OverlappingBlocksComputeTheSame) {
  std::string src = golden("divide_with_recompute");
  for (int64_t n : {4, 10, 13})
    EXPECT_TRUE(runsLike(src, "blur_recompute", "blur", {{"N", n}})) << "N = " << n;
  EXPECT_TRUE(runsLike(src, "triple_recompute", "triple"));
}

TEST(DivideWithRecompute, RefusesBodiesThatAreNotIdempotent) {
  std::string src =
      scheduled(kSum, "sum", "    divide_with_recompute(\"i\", \"N / 4\", 4, [\"io\", \"ii\"])\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(kSum, 0) + "divide_with_recompute: the loop is not idempotent: it reduces "
                          "into 's' (`+=`), so running it again adds again");
  const std::string inPlace = R"(proc bump(N: size, y: f32[N]):
    for i in seq(0, N):
        y[i] = y[i] + 1.0
)";
  EXPECT_EQ(
      firstLine(errorOf(scheduled(
          inPlace, "bump", "    divide_with_recompute(\"i\", \"N / 4\", 4, [\"io\", \"ii\"])\n"))),
      at(inPlace, 0) + "divide_with_recompute: the loop is not idempotent: it writes "
                       "'y' and also reads it, so running it again may read what the first "
                       "run wrote");
}

TEST(DivideWithRecompute, RefusesReadsAcrossIterations) {
  // Each iteration alone is idempotent, but a recomputed iteration would read
  // y[i + 1] after the next iteration overwrote it.
  const std::string ahead = R"(proc ahead(N: size, y: f32[N + 1]):
    for i in seq(0, N):
        y[i] = y[i + 1] * 2.0
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(ahead, "ahead",
                                        "    divide_with_recompute(\"i\", \"N / 4\", 4, "
                                        "[\"io\", \"ii\"])\n"))),
            at(ahead, 0) + "divide_with_recompute: the loop is not idempotent: it writes 'y' and "
                           "also reads it, so running it again may read what the first run wrote");
}

TEST(DivideWithRecompute, RefusesOuterBlocksBeyondTheLoop) {
  std::string src = scheduled(kScale, "scale",
                              "    divide_with_recompute(\"i\", \"N / 2\", 4, [\"io\", \"ii\"])\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(kScale, 0) + "divide_with_recompute: outer_hi * outer_stride may exceed the "
                            "loop's upper bound N");
}

// ------------------------------------------------------------ mult_loops

TEST(MultLoops, ProductLoopsComputeTheSame) {
  std::string src = golden("mult_loops");
  EXPECT_TRUE(runsLike(src, "tiles_flat", "tiles", {{"N", 5}}));
  EXPECT_TRUE(runsLike(src, "rows_roundtrip", "rows", {{"N", 12}}));
}

TEST(MultLoops, RefusesANonConstantInnerBoundAndAMissingNest) {
  const std::string grid = R"(proc grid(N: size, M: size, x: f32[N, M]):
    for i in seq(0, N):
        for j in seq(0, M):
            x[i, j] = 0.0
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(grid, "grid", "    mult_loops(\"i j\", \"k\")\n"))),
            at(grid, 0) + "mult_loops: expected the inner loop to have a constant bound, got M");
  EXPECT_EQ(firstLine(errorOf(scheduled(kScale, "scale", "    mult_loops(\"i\", \"k\")\n"))),
            "test.sched:6:16: error: mult_loops: expected the body of loop 'i' to be a single "
            "loop");
}

// ------------------------------------------------------------ join_loops

TEST(JoinLoops, JoinedLoopsComputeTheSame) {
  std::string src = golden("join_loops");
  EXPECT_TRUE(runsLike(src, "halves_joined", "halves", {{"N", 9}}));
  EXPECT_TRUE(runsLike(src, "scale_cut_and_joined", "scale", {{"N", 9}}));
}

TEST(JoinLoops, RefusesDifferentBodiesAndAGapBetweenRanges) {
  const std::string two = R"(proc two(N: size, x: f32[N], y: f32[N]):
    assert N >= 5
    for i in seq(0, 4):
        y[i] = x[i]
    for j in seq(4, N):
        y[j] = x[j] + 1.0
    for k in seq(5, N):
        y[k] = x[k] + 1.0
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(two, "two", "    join_loops(\"i\", \"j\")\n"))),
            at(two, 0) + "join_loops: expected the two loops to have identical bodies");
  const std::string gap = R"(proc gap(N: size, x: f32[N], y: f32[N]):
    assert N >= 5
    for i in seq(0, 4):
        y[i] = x[i]
    for j in seq(5, N):
        y[j] = x[j]
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(gap, "gap", "    join_loops(\"i\", \"j\")\n"))),
            at(gap, 0) + "join_loops: expected the first loop's upper bound 4 to be the same as "
                         "the second loop's lower bound 5");
}

// ------------------------------------------------------------ cut_loop

TEST(CutLoop, CutLoopsComputeTheSame) {
  std::string src = golden("cut_loop");
  for (int64_t n : {1, 9})
    EXPECT_TRUE(runsLike(src, "scale_cut_half", "scale", {{"N", n}})) << "N = " << n;
  for (int64_t n : {3, 7})
    EXPECT_TRUE(runsLike(src, "squares_peeled", "squares", {{"N", n}})) << "N = " << n;
}

TEST(CutLoop, RefusesACutPointOutsideTheRange) {
  EXPECT_EQ(firstLine(errorOf(scheduled(kScale, "scale", "    cut_loop(\"i\", \"N + 1\")\n"))),
            at(kScale, 0) +
                "cut_loop: cannot prove that the cut point N + 1 is at most the loop's upper "
                "bound N");
  EXPECT_EQ(firstLine(errorOf(scheduled(kScale, "scale", "    cut_loop(\"i\", -1)\n"))),
            at(kScale, 0) +
                "cut_loop: cannot prove that the cut point -1 is at least the loop's lower "
                "bound 0");
}

TEST(CutLoop, RefusesNamesNotInScope) {
  EXPECT_EQ(firstLine(errorOf(scheduled(kScale, "scale", "    cut_loop(\"i\", \"K\")\n"))),
            "test.sched:6:20: error: cut_loop: unknown name 'K' (expected a loop variable, a "
            "control argument or a constant in scope here)");
  EXPECT_EQ(firstLine(errorOf(scheduled(kScale, "scale", "    cut_loop(\"i\", \"i\")\n"))),
            "test.sched:6:20: error: cut_loop: unknown name 'i' (expected a loop variable, a "
            "control argument or a constant in scope here)");
}

// ------------------------------------------------------------ shift_loop

TEST(ShiftLoop, ShiftedLoopsComputeTheSame) {
  std::string src = golden("shift_loop");
  EXPECT_TRUE(runsLike(src, "offset_from_zero", "offset", {{"N", 6}}));
  EXPECT_TRUE(runsLike(src, "offset_from_n", "offset", {{"N", 6}}));
}

TEST(ShiftLoop, RefusesANewLowerBoundThatMayBeNegative) {
  EXPECT_EQ(firstLine(errorOf(scheduled(kScale, "scale", "    shift_loop(\"i\", \"N - 5\")\n"))),
            at(kScale, 0) + "shift_loop: cannot prove that the new lower bound N - 5 is "
                            "non-negative");
}

// ------------------------------------------------------------ unroll_loop

TEST(UnrollLoop, UnrolledLoopsComputeTheSame) {
  std::string src = golden("unroll_loop");
  EXPECT_TRUE(runsLike(src, "small_unrolled", "small", {{"N", 5}}));
  EXPECT_TRUE(runsLike(src, "rows_unrolled_inner", "rows", {{"N", 12}}));
}

TEST(UnrollLoop, UnrollsAConstantTripCountWithVariableBounds) {
  const std::string window = R"(proc window(N: size, x: f32[N + 3], y: f32[N]):
    for i in seq(0, N):
        y[i] = 0.0
        for k in seq(i, i + 3):
            y[i] += x[k]
)";
  std::string src = scheduled(window, "window", "    unroll_loop(\"k\")\n");
  EXPECT_TRUE(runsLike(src, "s", "window", {{"N", 7}}));
  EXPECT_NE(printedProc(src, "s").find("y[i] += x[i + 2]"), std::string::npos)
      << printedProc(src, "s");
}

TEST(UnrollLoop, RefusesAVariableTripCount) {
  EXPECT_EQ(firstLine(errorOf(scheduled(kScale, "scale", "    unroll_loop(\"i\")\n"))),
            at(kScale, 0) +
                "unroll_loop: expected loop 'i' to have a constant trip count, got seq(0, N)");
}

TEST(UnrollLoop, TheLoopCursorDiesAndTheFirstCopyKeepsTheBodyCursors) {
  const std::string pairs = R"(proc pairs(x: f32[2], y: f32[2]):
    for j in seq(0, 2):
        y[j] = x[j]
)";
  std::string src = scheduled(pairs, "pairs",
                              "    body = find(\"y[_] = _\")\n"
                              "    loop = find_loop(\"j\")\n"
                              "    unroll_loop(loop)\n"
                              "    add_loop(body, \"k\", 3)\n");
  EXPECT_TRUE(runsLike(src, "s", "pairs"));
  std::string printed = printedProc(src, "s");
  EXPECT_NE(printed.find("    for k in seq(0, 3):\n        y[0] = x[0]\n    y[1] = x[1]\n"),
            std::string::npos)
      << printed;
  std::string stale = scheduled(pairs, "pairs",
                                "    loop = find_loop(\"j\")\n"
                                "    unroll_loop(loop)\n"
                                "    unroll_loop(loop)\n");
  EXPECT_EQ(firstLine(errorOf(stale)),
            "test.sched:8:17: error: unroll_loop: the cursor no longer points into the proc (an "
            "earlier directive removed or split what it pointed to)");
}

// ------------------------------------------------------------ add_loop

TEST(AddLoop, AddedLoopsComputeTheSame) {
  std::string src = golden("add_loop");
  EXPECT_TRUE(runsLike(src, "first_repeated", "first", {{"N", 6}}));
  EXPECT_TRUE(runsLike(src, "total_guarded", "total", {{"N", 6}}));
}

TEST(AddLoop, RefusesStatementsThatAreNotIdempotent) {
  EXPECT_EQ(
      firstLine(errorOf(scheduled(kSum, "sum", "    add_loop(\"for i in _:_\", \"k\", 2)\n"))),
      at(kSum, 0) + "add_loop: the statements are not idempotent: it reduces into 's' "
                    "(`+=`), so running it again adds again");
}

TEST(AddLoop, RefusesABoundThatMayBeZero) {
  EXPECT_EQ(firstLine(errorOf(scheduled(
                kScale, "scale", "    add_loop(\"y[_] = _\", \"k\", \"N - 1\", guard=True)\n"))),
            at(kScale, 0) + "add_loop: cannot prove that the loop bound N - 1 is at least 1 (the "
                            "statements would not run)");
}

TEST(AddLoop, SeesWritesThroughCallsAndWindows) {
  const std::string calls = R"(proc set_one(n: size, z: f32[n]):
    for i in seq(0, n):
        z[i] = 1.0

proc add_one(n: size, z: f32[n]):
    for i in seq(0, n):
        z[i] += 1.0

proc both(N: size, y: f32[N], w: f32[N]):
    set_one(N, y)
    add_one(N, w)
)";
  std::string assigning = scheduled(calls, "both", "    add_loop(\"set_one(_)\", \"k\", 3)\n");
  EXPECT_TRUE(runsLike(assigning, "s", "both", {{"N", 5}}));
  EXPECT_EQ(
      firstLine(errorOf(scheduled(calls, "both", "    add_loop(\"add_one(_)\", \"k\", 3)\n"))),
      at(calls, 0) + "add_loop: the statements are not idempotent: it reduces into 'w' "
                     "(`+=`), so running it again adds again");
  const std::string window = R"(proc shift(y: f32[8]):
    w = y[0:4]
    for i in seq(0, 4):
        w[i] = y[i + 4]
    for j in seq(0, 4):
        w[j] = y[j] * 2.0
)";
  EXPECT_TRUE(runsLike(scheduled(window, "shift", "    add_loop(\"for i in _:_\", \"k\", 2)\n"),
                       "s", "shift"));
  EXPECT_EQ(
      firstLine(errorOf(scheduled(window, "shift", "    add_loop(\"for j in _:_\", \"k\", 2)\n"))),
      at(window, 0) + "add_loop: the statements are not idempotent: it writes 'y' and also "
                      "reads it, so running it again may read what the first run wrote");
}

// ------------------------------------------------------------ specialize

TEST(Specialize, EveryBranchComputesTheSame) {
  std::string src = golden("specialize");
  for (int64_t n : {8, 10})
    EXPECT_TRUE(runsLike(src, "scale_special8", "scale", {{"N", n}})) << "N = " << n;
  for (int64_t n : {2, 8, 10})
    EXPECT_TRUE(runsLike(src, "scale_special_sizes", "scale", {{"N", n}})) << "N = " << n;
  EXPECT_TRUE(runsLike(src, "squares_first", "squares", {{"N", 5}}));
}

TEST(Specialize, RefusesNonConditionsAndAllocationsUsedAfterTheBlock) {
  EXPECT_EQ(firstLine(errorOf(
                scheduled(kScale, "scale", "    specialize(\"for i in _:_\", \"N + 1\")\n"))),
            "test.sched:6:32: error: specialize: expected a condition, not N + 1");
  const std::string staged = R"(proc staged(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        t: f32
        t = x[i]
        y[i] = t
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(
                staged, "staged", "    specialize(find(\"t : _\").expand(0, 1), \"i == 0\")\n"))),
            at(staged, 0) + "specialize: the block defines 't', which is used after it");
}

// ------------------------------------------------------------ insert_pass

TEST(InsertPass, PassesChangeNothing) {
  std::string src = golden("insert_pass");
  EXPECT_TRUE(runsLike(src, "scale_pass_inside", "scale"));
  EXPECT_TRUE(runsLike(src, "scale_passes_around", "scale"));
}

TEST(InsertPass, RefusesAPlaceThatIsNotAGap) {
  EXPECT_EQ(firstLine(errorOf(scheduled(kScale, "scale", "    insert_pass(\"y[_] = _\")\n"))),
            "test.sched:6:17: error: insert_pass: expected a gap between statements (a cursor's "
            ".before() or .after()), got str");
}

// ------------------------------------------------------------ delete_pass

TEST(DeletePass, DeletingPassesChangesNothing) {
  std::string src = golden("delete_pass");
  EXPECT_TRUE(runsLike(src, "padded_clean", "padded"));
  EXPECT_TRUE(runsLike(src, "padded_one", "padded"));
  EXPECT_EQ(printedProc(src, "padded_clean"),
            "proc padded_clean(N: size, x: f32[N] @ DRAM, y: f32[N] @ DRAM):\n"
            "    for i in seq(0, N):\n"
            "        y[i] = x[i]\n");
}

TEST(DeletePass, RefusesAStatementThatIsNotAPass) {
  EXPECT_EQ(firstLine(errorOf(scheduled(kScale, "scale", "    delete_pass(find(\"y[_] = _\"))\n"))),
            "test.sched:6:17: error: delete_pass: expected a pass statement, got:");
}

// ---------------------------------------------------- eliminate_dead_code

TEST(EliminateDeadCode, DecidedBranchesAndEmptyLoopsGo) {
  std::string src = golden("eliminate_dead_code");
  EXPECT_TRUE(runsLike(src, "guarded_clean", "guarded", {{"N", 6}}));
  EXPECT_TRUE(runsLike(src, "fixed_no_tail", "fixed"));
}

TEST(EliminateDeadCode, RefusesUndecidedConditionsAndLoopsThatMayRun) {
  const std::string half = R"(proc half(N: size, x: f32[N]):
    for i in seq(0, N):
        if i < 4:
            x[i] = 0.0
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(half, "half", "    eliminate_dead_code(\"if _: _\")\n"))),
            at(half, 0) + "eliminate_dead_code: cannot prove that the condition i < 4 is always "
                          "true or always false");
  EXPECT_EQ(firstLine(errorOf(scheduled(kScale, "scale", "    eliminate_dead_code(\"i\")\n"))),
            at(kScale, 0) +
                "eliminate_dead_code: cannot prove that loop 'i' never runs (that N <= 0)");
}

} // namespace
