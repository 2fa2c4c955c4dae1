// The primitives that reorder statements and loops (reorder_loops,
// parallelize_loop, fission, autofission, fuse, reorder_stmts, lift_scope,
// remove_loop): every accepted schedule of tests/golden/schedules/order_*.sched
// runs like its algorithm on random inputs, refusals name the directive and
// the dependence at the directive's location, refusals are caught by a
// schedule's try/except and leave the proc as it was, and cursors follow the
// statements they name across these rewrites.
#include "tests/unit/support/DiffRun.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

using schedc::testing::errorOf;
using schedc::testing::printedProc;
using schedc::testing::runsLike;

namespace {

std::string golden(const std::string& name) {
  std::ifstream in(std::string(SCHEDC_SOURCE_DIR) + "/tests/golden/schedules/" + name + ".sched");
  EXPECT_TRUE(in) << "no golden schedule " << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string firstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

// "test.sched:LINE:COL" of the first occurrence of `what` in `source`.
std::string at(const std::string& source, const std::string& what) {
  size_t offset = source.find(what);
  EXPECT_NE(offset, std::string::npos) << what;
  size_t lineStart = source.rfind('\n', offset);
  lineStart = lineStart == std::string::npos ? 0 : lineStart + 1;
  size_t line = 1 + static_cast<size_t>(std::count(source.begin(), source.begin() + offset, '\n'));
  return std::string(schedc::testing::kTestFile) + ":" + std::to_string(line) + ":" +
         std::to_string(offset - lineStart + 1);
}

// The first line of the error of `source`, expected at the first `directive(`.
void expectRefusal(const std::string& source, const std::string& directive,
                   const std::string& reason) {
  EXPECT_EQ(firstLine(errorOf(source)),
            at(source, directive + "(") + ": error: " + directive + ": " + reason);
}

// =========================================================== reorder_loops

TEST(ReorderLoops, GoldenSchedulesRunLikeTheirAlgorithms) {
  std::string source = golden("order_reorder_loops");
  EXPECT_TRUE(runsLike(source, "scale_ji", "scale"));
  EXPECT_TRUE(runsLike(source, "gemv_ji", "gemv"));
  EXPECT_TRUE(runsLike(source, "stencil_ji", "stencil"));
  EXPECT_NE(
      printedProc(source, "gemv_ji").find("    for j in seq(0, M):\n        for i in seq(0, N):\n"),
      std::string::npos)
      << printedProc(source, "gemv_ji");
}

const std::string kCarried = R"(
proc carried(N: size, x: f32[N], y: f32[N + 1]):
    for i in seq(0, N):
        for j in seq(0, N):
            y[i + 1] = y[i] + x[j]
)";

TEST(ReorderLoops, RefusesToReverseADependence) {
  std::string source = kCarried + R"(
schedule s from carried:
    reorder_loops("i j")
)";
  expectRefusal(source, "reorder_loops",
                "'y[i + 1] = y[i] + x[j]' depends on an earlier iteration of i (a dependence "
                "would be reversed)");
}

TEST(ReorderLoops, RefusesLoopsThatAreNotPerfectlyNested) {
  std::string source = R"(
proc p(N: size, x: f32[N], y: f32[N, N]):
    for i in seq(0, N):
        x[i] = 0.0
        for j in seq(0, N):
            y[i, j] = 1.0
    for k in seq(0, N):
        for l in seq(0, k):
            y[k, l] = 2.0
schedule s from p:
    reorder_loops(find("for i in _:_"))
schedule t from p:
    reorder_loops("k l")
)";
  expectRefusal(source, "reorder_loops", "expected a single loop directly inside loop 'i'");
  std::string triangular =
      source.substr(0, source.find("schedule s")) + source.substr(source.find("schedule t"));
  expectRefusal(triangular, "reorder_loops", "the bounds of loop 'l' depend on 'k'");
}

TEST(ReorderLoops, CursorsFollowTheLoopsTheyName) {
  std::string source = golden("order_reorder_loops") + R"(
schedule scale_ji_par from scale:
    i_loop = find("for i in _:_")
    reorder_loops(i_loop)
    parallelize_loop(i_loop)
)";
  EXPECT_NE(printedProc(source, "scale_ji_par")
                .find("    for j in seq(0, M):\n        for i in par(0, N):\n"),
            std::string::npos)
      << printedProc(source, "scale_ji_par");
  EXPECT_TRUE(runsLike(source, "scale_ji_par", "scale"));
}

TEST(ReorderLoops, ARefusalIsCaughtAndLeavesTheProcAsItWas) {
  std::string source = kCarried + R"(
schedule s from carried:
    try:
        reorder_loops("i j")
    except:
        pass
    try:
        parallelize_loop("j")
    except:
        pass
)";
  std::string printed = printedProc(source, "s");
  std::string original = printedProc(source, "carried");
  EXPECT_EQ(printed.substr(printed.find(":\n")), original.substr(original.find(":\n")));
  EXPECT_TRUE(runsLike(source, "s", "carried"));
}

// ======================================================== parallelize_loop

TEST(ParallelizeLoop, GoldenSchedulesRunLikeTheirAlgorithms) {
  std::string source = golden("order_parallelize_loop");
  EXPECT_TRUE(runsLike(source, "saxpy_par", "saxpy"));
  EXPECT_TRUE(runsLike(source, "rowsum_par", "rowsum"));
  EXPECT_NE(printedProc(source, "rowsum_par").find("for i in par(0, N):"), std::string::npos);
}

TEST(ParallelizeLoop, RefusesACarriedDependence) {
  std::string source = R"(
proc p(N: size, y: f32[N + 1]):
    for i in seq(0, N):
        y[i + 1] = y[i] + 1.0
schedule s from p:
    parallelize_loop("i")
)";
  expectRefusal(source, "parallelize_loop",
                "'y[i + 1] = y[i] + 1.0' depends on an earlier iteration of i (a loop-carried "
                "dependence)");
}

TEST(ParallelizeLoop, RefusesReductionsIntoOnePlace) {
  std::string source = R"(
proc p(N: size, x: f32[N], s: f32[1]):
    for i in seq(0, N):
        s[0] += x[i]
schedule t from p:
    parallelize_loop("i")
)";
  expectRefusal(source, "parallelize_loop",
                "'s[0] += x[i]' depends on an earlier iteration of i (a loop-carried dependence)");
}

// ================================================================= fission

TEST(Fission, GoldenSchedulesRunLikeTheirAlgorithms) {
  std::string source = golden("order_fission");
  EXPECT_TRUE(runsLike(source, "gemv_split", "gemv"));
  EXPECT_TRUE(runsLike(source, "blur_split", "blur"));
  EXPECT_TRUE(runsLike(source, "clamp_split", "clamp"));
  EXPECT_TRUE(runsLike(source, "blocks_split", "blocks"));
}

TEST(Fission, SplitsAsManyLevelsAsAsked) {
  std::string printed = printedProc(golden("order_fission"), "blur_split");
  EXPECT_EQ(printed.substr(printed.find(":\n") + 2), R"(    for i in seq(0, N):
        for j in seq(0, 4):
            for k in seq(0, 4):
                tmp[i, j, k] = x[i] + x[i + 1]
        for j in seq(0, 4):
            for k in seq(0, 4):
                out[i, j, k] = tmp[i, j, k] * 0.5
)");
}

TEST(Fission, TheHelperLoopsStopAtTheFirstRefusal) {
  // fission_as_much_as_possible: z moved first, split off the j loop, and
  // the split of the i loop refused (and caught).
  std::string printed = printedProc(golden("order_fission"), "blocks_split");
  EXPECT_EQ(printed.substr(printed.find(":\n") + 2), R"(    for i in seq(0, 4):
        for j in seq(0, 4):
            z[i, j] = x[i, j] + 1
        for j in seq(0, 4):
            y[i, j] = x[i, j] * 2
        x[i + 1, 0] = z[i, 3]
)");
}

TEST(Fission, RefusesToSeparateAnAllocationFromItsUse) {
  std::string source = R"(
proc p(N: size, x: f32[N], z: f32[N]):
    for i in seq(0, N):
        y: f32
        y = x[i]
        z[i] = y
schedule s from p:
    fission(find("y = _").after())
)";
  expectRefusal(source, "fission", "'y' is allocated before the gap and used after it");
}

TEST(Fission, RefusesToReverseADependence) {
  std::string source = R"(
proc p(N: size, x: f32[N + 1], y: f32[N]):
    for i in seq(0, N):
        x[i] = 1.0
        y[i] = x[i + 1]
schedule s from p:
    fission(find("x[_] = _").after())
)";
  expectRefusal(source, "fission",
                "'x[i] = 1.0' depends on 'y[i] = x[i + 1]' in an earlier iteration of i (a "
                "dependence would be reversed)");
}

TEST(Fission, RefusesAGapAtTheEdgeOfABlockAndLiftsPastTheProc) {
  std::string source = R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        x[i] = 1.0
        y[i] = 2.0
schedule s from p:
    fission(find("y[_] = _").after())
)";
  expectRefusal(source, "fission",
                "expected a gap between two statements, not at the edge of a block");
  std::string twoLevels = source.substr(0, source.find("    fission")) +
                          "    fission(find(\"x[_] = _\").after(), n_lifts=2)\n";
  expectRefusal(twoLevels, "fission",
                "can only split a loop or an if, but the gap is inside 1 of them (n_lifts=2)");
}

// ============================================================= autofission

TEST(Autofission, GoldenSchedulesRunLikeTheirAlgorithms) {
  std::string source = golden("order_autofission");
  EXPECT_TRUE(runsLike(source, "fill_scale_auto", "fill_scale"));
  EXPECT_TRUE(runsLike(source, "two_passes_auto", "two_passes"));
  std::string printed = printedProc(source, "fill_scale_auto");
  EXPECT_EQ(printed.substr(printed.find(":\n") + 2), R"(    t: f32 @ DRAM
    t = 2.0
    for i in seq(0, N):
        y[i] = x[i] * t
)");
}

TEST(Autofission, RefusesToReverseADependence) {
  std::string source = R"(
proc p(N: size, x: f32[N + 1], y: f32[N]):
    for i in seq(0, N):
        x[i] = 1.0
        y[i] = x[i + 1]
schedule s from p:
    autofission(find("x[_] = _").after())
)";
  expectRefusal(source, "autofission",
                "'x[i] = 1.0' depends on 'y[i] = x[i + 1]' in an earlier iteration of i (a "
                "dependence would be reversed)");
}

// ==================================================================== fuse

TEST(Fuse, GoldenSchedulesRunLikeTheirAlgorithms) {
  std::string source = golden("order_fuse");
  EXPECT_TRUE(runsLike(source, "two_loops_fused", "two_loops"));
  EXPECT_TRUE(runsLike(source, "equal_sizes_fused", "equal_sizes"));
  EXPECT_TRUE(runsLike(source, "guarded_fused", "guarded"));
  std::string printed = printedProc(source, "two_loops_fused");
  EXPECT_EQ(printed.substr(printed.find(":\n") + 2), R"(    for i in seq(0, N):
        y[i] = x[i] * 2.0
        z[i] = y[i] + 1.0
)");
}

TEST(Fuse, RefusesLoopsWithDifferentBounds) {
  std::string source = R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        x[i] = 1.0
    for j in seq(0, N - 1):
        y[j] = 2.0
schedule s from p:
    fuse(find("for i in _:_"), find("for j in _:_"))
)";
  expectRefusal(source, "fuse",
                "the loops have different bounds: 'i' in seq(0, N), 'j' in seq(0, N - 1)");
}

TEST(Fuse, RefusesToReverseADependence) {
  // Fused, y[i] would read x[i + 1] before the next iteration writes it.
  std::string source = R"(
proc p(N: size, x: f32[N + 1], y: f32[N]):
    for i in seq(0, N):
        x[i] = 1.0
    for j in seq(0, N):
        y[j] = x[j + 1]
schedule s from p:
    fuse(find("for i in _:_"), find("for j in _:_"))
)";
  expectRefusal(source, "fuse",
                "'y[j] = x[j + 1]' depends on 'x[i] = 1.0' from a later iteration of i (a "
                "dependence would be reversed)");
}

TEST(Fuse, RefusesIfsWithDifferentConditions) {
  std::string source = R"(
proc p(N: size, x: f32[N]):
    for i in seq(0, N):
        if i < 4:
            x[i] = 1.0
        if i < 5:
            x[i] += 1.0
schedule s from p:
    fuse(find("if _:_"), find("if _:_ #1"))
)";
  expectRefusal(source, "fuse", "the conditions differ: 'i < 4' and 'i < 5'");
}

TEST(Fuse, ReturnsACursorToTheFusedLoop) {
  std::string source = golden("order_fuse") + R"(
schedule two_loops_par from two_loops:
    fused = fuse(find("for i in _:_"), find("for j in _:_"))
    parallelize_loop(fused)
)";
  EXPECT_NE(printedProc(source, "two_loops_par").find("for i in par(0, N):"), std::string::npos);
  EXPECT_TRUE(runsLike(source, "two_loops_par", "two_loops"));
}

// =========================================================== reorder_stmts

TEST(ReorderStmts, GoldenSchedulesRunLikeTheirAlgorithms) {
  std::string source = golden("order_reorder_stmts");
  EXPECT_TRUE(runsLike(source, "two_rows_swapped", "two_rows"));
  EXPECT_TRUE(runsLike(source, "accumulate_swapped", "accumulate"));
  EXPECT_TRUE(runsLike(source, "accumulate_f32_swapped", "accumulate_f32"));
  EXPECT_TRUE(runsLike(source, "staged_swapped", "staged"));
  std::string printed = printedProc(source, "two_rows_swapped");
  EXPECT_EQ(printed.substr(printed.find(":\n") + 2), R"(    for i in seq(0, 8):
        z[i] = x[i] * 2.0
        y[i] = x[i]
)");
}

TEST(ReorderStmts, RefusesDependentStatements) {
  std::string source = R"(
proc p(x: f32[4], y: f32[4]):
    x[0] = 1.0
    y[0] = x[0]
schedule s from p:
    reorder_stmts(find("x[_] = _").expand(0, 1))
)";
  expectRefusal(source, "reorder_stmts", "'y[0] = x[0]' depends on 'x[0] = 1.0' (both access 'x')");
}

TEST(ReorderStmts, RefusesToReorderFloatReductionsWithoutFastMath) {
  std::string source = R"(
proc p(x: f32[4], s: f32):
    s += x[0]
    s += x[1]
schedule q from p:
    reorder_stmts(find("s += x[0]").expand(0, 1))
)";
  expectRefusal(source, "reorder_stmts",
                "'s += x[1]' depends on 's += x[0]' (both access 's'); float sums round "
                "differently in another order (pass fast_math=True to allow)");
}

TEST(ReorderStmts, RefusesToMoveAUseAboveItsAllocation) {
  std::string source = R"(
proc p(x: f32[4]):
    t: f32
    t = x[0]
schedule s from p:
    reorder_stmts(find("t : _").expand(0, 1))
)";
  expectRefusal(source, "reorder_stmts", "'t = x[0]' uses 't', which 't: f32 @ DRAM' allocates");
}

// ============================================================== lift_scope

TEST(LiftScope, GoldenSchedulesRunLikeTheirAlgorithms) {
  std::string source = golden("order_lift_scope");
  EXPECT_TRUE(runsLike(source, "hoist_if", "hoist"));
  EXPECT_TRUE(runsLike(source, "sink_if", "sink"));
  EXPECT_TRUE(runsLike(source, "nested_ifs_lifted", "nested_ifs"));
  EXPECT_TRUE(runsLike(source, "scale_ji", "scale"));
  std::string printed = printedProc(source, "hoist_if");
  EXPECT_EQ(printed.substr(printed.find(":\n") + 2), R"(    if K > 4:
        for i in seq(0, N):
            y[i] = x[i]
    else:
        for i in seq(0, N):
            y[i] = 0.0
)");
}

TEST(LiftScope, KeepsTheOuterElseUnderBothBranches) {
  std::string printed = printedProc(golden("order_lift_scope"), "nested_ifs_lifted");
  EXPECT_EQ(printed.substr(printed.find(":\n") + 2), R"(    for i in seq(0, N):
        if i > 1:
            if i < 6:
                y[i] = x[i]
            else:
                y[i] = 2.0
        elif i < 6:
            y[i] = 1.0
        else:
            y[i] = 2.0
)");
}

TEST(LiftScope, RefusesAConditionOnTheLoopVariable) {
  std::string source = R"(
proc p(N: size, x: f32[N]):
    for i in seq(0, N):
        if i < 4:
            x[i] = 1.0
schedule s from p:
    lift_scope(find("if _:_"))
)";
  expectRefusal(source, "lift_scope", "the condition 'i < 4' depends on 'i'");
}

TEST(LiftScope, RefusesALoopOutOfAnIfWithAnElse) {
  std::string source = R"(
proc p(N: size, x: f32[N]):
    if N > 4:
        for i in seq(0, N):
            x[i] = 1.0
    else:
        x[0] = 2.0
schedule s from p:
    lift_scope(find("for i in _:_"))
)";
  expectRefusal(source, "lift_scope", "cannot lift a loop out of an if that has an else");
}

// ============================================================= remove_loop

TEST(RemoveLoop, GoldenSchedulesRunLikeTheirAlgorithms) {
  std::string source = golden("order_remove_loop");
  EXPECT_TRUE(runsLike(source, "broadcast_once", "broadcast"));
  EXPECT_TRUE(runsLike(source, "bcast_removed", "bcast"));
  std::string printed = printedProc(source, "bcast_removed");
  EXPECT_EQ(printed.substr(printed.find(":\n") + 2), R"(    for i in seq(0, 4):
        y[i, 0] = x[i]
)");
}

// Exo wraps the body in `if lo < hi:`; schedc refuses rather than add control flow.
TEST(RemoveLoop, RefusesALoopThatMayNotRun) {
  std::string source = R"(
proc maybe_empty(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N - 1):
        y[0] = x[0]
schedule s from maybe_empty:
    remove_loop("i")
)";
  expectRefusal(source, "remove_loop", "cannot prove the loop runs at least once");
}

TEST(RemoveLoop, RefusesANonIdempotentBody) {
  std::string source = R"(
proc p(N: size, x: f32[4]):
    for i in seq(0, N):
        x[0] += 1.0
schedule s from p:
    remove_loop("i")
)";
  expectRefusal(source, "remove_loop",
                "the loop body is not idempotent: 'x[0] += 1.0' accumulates into 'x'");
}

TEST(RemoveLoop, RefusesABodyThatUsesTheVariable) {
  std::string source = R"(
proc p(x: f32[4]):
    for i in seq(0, 4):
        x[i] = 1.0
schedule s from p:
    remove_loop("i")
)";
  expectRefusal(source, "remove_loop", "the loop body uses 'i'");
}

// ================================================================== conv1d

// The opening of conv1d_rvm.sched's schedule on the same algorithm: tiling
// by reorder_loops, then its helpers, whose try/except loops run until a
// refusal: the zeroing splits off every loop, and the c loop (a cursor taken
// before any rewrite) is lifted over three loops.
TEST(Conv1d, TheExamplesHelpersScheduleTheAlgorithm) {
  std::string source = R"(
const N = 16
const IC = 4
const W = 4
const OC = 16

proc generic_conv1d(data: i32[IC, N], kernels: i32[OC, IC, W], out: i32[OC, N]):
    for i in seq(0, OC):
        for j in seq(0, N):
            out[i, j] = 0
            for c in seq(0, IC):
                for r in seq(0, W):
                    y: i32
                    if j + r < N:
                        y = data[c, j + r]
                    else:
                        y = 0
                    out[i, j] += kernels[i, c, r] * y

def fission_as_much_as_possible(stmt):
    while True:
        try:
            reorder_stmts(stmt.expand(1, 0))
        except:
            break
    gap = stmt.after()
    while True:
        try:
            fission(gap)
            gap = gap.parent().after()
        except:
            break

def lift_scope_n(stmt, n):
    for _ in range(n):
        lift_scope(stmt)

schedule tiled from generic_conv1d:
    c_loop = find("for c in _:_")
    divide_loop("for i in _:_", 4, ["io", "ii"], perfect=True)
    divide_loop("for j in _:_", 4, ["jo", "ji"], perfect=True)
    reorder_loops("ii jo")
    divide_loop("io", 4, ["ioo", "ioi"], perfect=True)
    reorder_loops(find("for ioi in _:_"))
    fission_as_much_as_possible(find("out[_] = 0"))
    lift_scope_n(c_loop, 3)
)";
  std::string printed = printedProc(source, "tiled");
  EXPECT_NE(printed.find(R"(
    for ioo in seq(0, 1):
        for jo in seq(0, 4):
            for c in seq(0, 4):
                for ioi in seq(0, 4):
                    for ii in seq(0, 4):
                        for ji in seq(0, 4):
                            for r in seq(0, 4):
)"),
            std::string::npos)
      << printed;
  EXPECT_TRUE(runsLike(source, "tiled", "generic_conv1d"));
}

// ================================================================== timing

// Refusals are cheap: a schedule that tries every loop order of a 3-deep
// nest with a dependence, refused again and again, stays fast.
TEST(Refusals, AreCheapEnoughToTryInLoops) {
  std::string source = R"(
proc p(N: size, x: f32[N, N, N + 1]):
    for i in seq(0, N):
        for j in seq(0, N):
            for k in seq(0, N):
                x[i, j, k + 1] = x[i, j, k] * 2.0
schedule s from p:
    for _ in range(20):
        try:
            reorder_loops("j k")
        except:
            pass
        try:
            parallelize_loop("k")
        except:
            pass
)";
  auto start = std::chrono::steady_clock::now();
  std::string printed = printedProc(source, "s");
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(printed.find("for k in seq(0, N):"), std::string::npos) << printed;
  EXPECT_LT(ms, 2000) << "40 refused directives took " << ms << " ms";
  std::printf("[timing] 40 refused directives: %.1f ms\n", ms);
}

} // namespace
