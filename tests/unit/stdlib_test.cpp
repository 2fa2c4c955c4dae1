// The schedule helpers of stdlib/scheduling.sched, run like the algorithms
// they schedule.
#include "support/DiffRun.h"
#include "support/ScheduleText.h"

#include <gtest/gtest.h>

#include <fstream>

using schedc::testing::errorOf;
using schedc::testing::firstLine;
using schedc::testing::goldenSchedule;
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

// The stdlib location of the first line holding `text`: "FILE:LINE:COL:
// error: " with COL the column of `text` plus `offset`.
std::string stdlibAt(const std::string& text, size_t offset = 0) {
  std::ifstream in(std::string(SCHEDC_STDLIB_DIR) + "/scheduling.sched");
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    size_t at = line.find(text);
    if (at != std::string::npos)
      return std::string(SCHEDC_STDLIB_DIR) + "/scheduling.sched:" + std::to_string(number) + ":" +
             std::to_string(at + 1 + offset) + ": error: ";
  }
  ADD_FAILURE() << "'" << text << "' not in scheduling.sched";
  return "";
}

// A helper's own refusal (`_refuse(message)`, which calls fail()), located at
// fail's argument in the stdlib.
std::string helperRefusal(const std::string& message) {
  return stdlibAt("fail(message)", 5) + message;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
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
  EXPECT_EQ(firstLine(error),
            stdlibAt("reorder_loops(inner_loops[k])") +
                "reorder_loops: expected a single loop directly inside loop 'ji'");
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
  EXPECT_EQ(firstLine(error), stdlibAt("divide_loop(loop, tile, names, perfect=True)") +
                                  "divide_loop: cannot prove that 12 is divisible by 5");
}

// ------------------------------------------------------------ auto_stage_mem

TEST(AutoStageMem, WindowFromTheIndexRangesOfTheBlock) {
  std::string source = std::string(kMatmul) + R"(
schedule staged from matmul:
    auto_stage_mem(find_loop("k"), "A", "A_row")
    auto_stage_mem(find_loop("j"), "B", "B_all")
)";
  EXPECT_TRUE(runsLike(source, "staged", "matmul"));
  EXPECT_EQ(body(printedProc(source, "staged")), R"(    for i in seq(0, 16):
        B_all: i32[12, 8] @ DRAM
        for i0 in seq(0, 12):
            for i1 in seq(0, 8):
                B_all[i0, i1] = B[i0, i1]
        for j in seq(0, 8):
            A_row: i32[12] @ DRAM
            for i0 in seq(0, 12):
                A_row[i0] = A[i, i0]
            for k in seq(0, 12):
                C[i, j] += A_row[k] * B_all[k, j]
)");
}

TEST(AutoStageMem, RcReturnsTheAllocationLoadBlockAndStore) {
  std::string source = std::string(kMatmul) + R"(
schedule staged from matmul:
    alloc, load, block, store = auto_stage_mem(find_loop("k"), "C", "acc", accum=True, rc=True)
    assert alloc.is_alloc() and alloc.name() == "acc" and len(alloc.shape()) == 0
    assert load.is_assign() and len(block) == 1 and block[0].is_loop() and store.is_reduce()
    set_memory(alloc, DRAM_STATIC)
    divide_loop(block, 4, ["ko", "ki"], perfect=True)
)";
  EXPECT_TRUE(runsLike(source, "staged", "matmul"));
  EXPECT_EQ(body(printedProc(source, "staged")), R"(    for i in seq(0, 16):
        for j in seq(0, 8):
            acc: i32 @ DRAM_STATIC
            acc = 0
            for ko in seq(0, 3):
                for ki in seq(0, 4):
                    acc += A[i, 4 * ko + ki] * B[4 * ko + ki, j]
            C[i, j] += acc
)");
}

// A[i] and A[i + 2]: two candidates per side; is_legal rejects the window
// A[0:8] (it misses A[i + 2]) and the helper takes A[0:10].
TEST(AutoStageMem, TwoOffsetsPickTheWindowThatCoversBoth) {
  std::string source = R"(import "scheduling.sched"

proc smooth(A: i32[10], B: i32[8]):
    for i in seq(0, 8):
        B[i] = A[i] + A[i + 2]

schedule staged from smooth:
    auto_stage_mem(find_loop("i"), "A", "A_win")
)";
  EXPECT_TRUE(runsLike(source, "staged", "smooth"));
  EXPECT_EQ(body(printedProc(source, "staged")), R"(    A_win: i32[10] @ DRAM
    for i0 in seq(0, 10):
        A_win[i0] = A[i0]
    for i in seq(0, 8):
        B[i] = A_win[i] + A_win[i + 2]
)");
}

TEST(AutoStageMem, AccumulatingARead) {
  std::string source = std::string(kMatmul) + R"(
schedule staged from matmul:
    auto_stage_mem(find_loop("k"), "A", "A_row", accum=True)
)";
  EXPECT_EQ(firstLine(errorOf(source)),
            stdlibAt("result = stage_mem(block, _window_text(buff, window)", 9) +
                "stage_mem: with accum=True the block may only reduce into 'A', but it reads "
                "'A[i, k]'");
}

namespace {

// S (an allocation) and B (an argument) are passed to RVM instrs.
const char* kTileSum = R"(import "scheduling.sched"
import "rvm.sched"

proc tile_sum(A: i32[16, 4], B: i32[16, 4], C: i32[16]):
    S: i32[16, 4]
    for r in seq(0, 16):
        for c in seq(0, 4):
            S[r, c] = A[r, c] + 1
    for io in seq(0, 4):
        t: i32[4, 4]
        for i in seq(0, 4):
            for j in seq(0, 4):
                t[i, j] = S[4 * io + i, j]
        for i in seq(0, 4):
            for j in seq(0, 4):
                B[4 * io + i, j] = t[i, j]
        for i in seq(0, 4):
            C[4 * io + i] = S[4 * io + i, 0]

schedule s from tile_sum:
    set_memory("t", RVM_TILE)
    replace_all([rvm_mld, rvm_mst])
)";

} // namespace

// A window passed to a call has no index list to bound: the whole buffer is
// staged (its shape from the allocation). This used to leave the call's
// window out, and stage_mem refused the smaller window.
TEST(AutoStageMem, AWindowPassedToACallStagesTheWholeAllocation) {
  std::string source =
      std::string(kTileSum) + "    auto_stage_mem(find_loop(\"io\"), \"S\", \"S_copy\")\n";
  EXPECT_TRUE(runsLike(source, "s", "tile_sum"));
  std::string printed = printedProc(source, "s");
  EXPECT_TRUE(contains(printed, R"(    S_copy: i32[16, 4] @ DRAM
    for i0 in seq(0, 16):
        for i1 in seq(0, 4):
            S_copy[i0, i1] = S[i0, i1]
    for io in seq(0, 4):
        t: i32[4, 4] @ RVM_TILE
        rvm_mld(t[0:4, 0:4], S_copy[4 * io:4 * io + 4, 0:4])
        rvm_mst(t[0:4, 0:4], B[4 * io:4 * io + 4, 0:4])
        for i in seq(0, 4):
            C[4 * io + i] = S_copy[4 * io + i, 0]
)")) << printed;
}

// An argument's shape is not known to the queries: refused with a reason.
TEST(AutoStageMem, AnArgumentPassedToACallIsRefused) {
  std::string source =
      std::string(kTileSum) + "    auto_stage_mem(find_loop(\"io\"), \"B\", \"B_copy\")\n";
  EXPECT_EQ(firstLine(errorOf(source)),
            helperRefusal("auto_stage_mem cannot bound the accesses to an argument that the block "
                          "passes to a call or binds to a window"));
}

// ------------------------------------------------------------ replace_all, replace_once

namespace {

// Two tile copies through a buffer: t (set to RVM_TILE by the schedules)
// and u, which stays in DRAM.
const char* kTwoCopies = R"(import "scheduling.sched"
import "rvm.sched"

proc two_copies(A: i32[16, 4], B: i32[16, 4], C: i32[16, 4]):
    for io in seq(0, 4):
        t: i32[4, 4]
        for i in seq(0, 4):
            for j in seq(0, 4):
                t[i, j] = A[4 * io + i, j]
        for i in seq(0, 4):
            for j in seq(0, 4):
                B[4 * io + i, j] = t[i, j]
        u: i32[4, 4]
        for i in seq(0, 4):
            for j in seq(0, 4):
                u[i, j] = A[4 * io + i, j]
        for i in seq(0, 4):
            for j in seq(0, 4):
                C[4 * io + i, j] = u[i, j]
)";

} // namespace

TEST(ReplaceAll, ReplacesOnlyWhereTheMemoriesMatch) {
  std::string source = std::string(kTwoCopies) + R"(
schedule s from two_copies:
    set_memory("t", RVM_TILE)
    replace_all([rvm_mld, rvm_mst])
)";
  EXPECT_TRUE(runsLike(source, "s", "two_copies"));
  EXPECT_EQ(body(printedProc(source, "s")), R"(    for io in seq(0, 4):
        t: i32[4, 4] @ RVM_TILE
        rvm_mld(t[0:4, 0:4], A[4 * io:4 * io + 4, 0:4])
        rvm_mst(t[0:4, 0:4], B[4 * io:4 * io + 4, 0:4])
        u: i32[4, 4] @ DRAM
        for i in seq(0, 4):
            for j in seq(0, 4):
                u[i, j] = A[4 * io + i, j]
        for i in seq(0, 4):
            for j in seq(0, 4):
                C[4 * io + i, j] = u[i, j]
)");
}

TEST(ReplaceAll, RefusesSomethingThatIsNotAnInstr) {
  std::string source = std::string(kTwoCopies) + R"(
schedule s from two_copies:
    replace_all(["rvm_mld"])
)";
  EXPECT_EQ(firstLine(errorOf(source)), helperRefusal("replace_all expects procs or instrs"));
}

TEST(ReplaceOnce, ReplacesTheFirstMatchOfEachInstr) {
  std::string source = std::string(kTwoCopies) + R"(
schedule s from two_copies:
    set_memory("t", RVM_TILE)
    calls = replace_once([rvm_mst, rvm_mld])
    assert len(calls) == 2 and calls[0].name() == "rvm_mst" and calls[1].name() == "rvm_mld"
)";
  EXPECT_TRUE(runsLike(source, "s", "two_copies"));
  std::string printed = printedProc(source, "s");
  EXPECT_TRUE(contains(printed, "        rvm_mld(t[0:4, 0:4], A[4 * io:4 * io + 4, 0:4])\n"
                                "        rvm_mst(t[0:4, 0:4], B[4 * io:4 * io + 4, 0:4])\n"))
      << printed;
  EXPECT_TRUE(contains(printed, "                u[i, j] = A[4 * io + i, j]")) << printed;
}

// With both buffers in RVM_TILE, one call replaces only t's copies.
TEST(ReplaceOnce, OnlyTheFirstMatch) {
  std::string source = std::string(kTwoCopies) + R"(
schedule s from two_copies:
    set_memory("t", RVM_TILE)
    set_memory("u", RVM_TILE)
    replace_once(rvm_mld)
)";
  std::string printed = printedProc(source, "s");
  EXPECT_TRUE(contains(printed, "        rvm_mld(t[0:4, 0:4], A[4 * io:4 * io + 4, 0:4])\n"))
      << printed;
  EXPECT_TRUE(contains(printed, "                u[i, j] = A[4 * io + i, j]")) << printed;
}

TEST(ReplaceOnce, RepeatedItReplacesEverything) {
  std::string source = std::string(kTwoCopies) + R"(
schedule s from two_copies:
    set_memory("t", RVM_TILE)
    set_memory("u", RVM_TILE)
    assert repeat(replace_once, [rvm_mld, rvm_mst]) == 2
)";
  EXPECT_TRUE(runsLike(source, "s", "two_copies"));
  EXPECT_EQ(body(printedProc(source, "s")), R"(    for io in seq(0, 4):
        t: i32[4, 4] @ RVM_TILE
        rvm_mld(t[0:4, 0:4], A[4 * io:4 * io + 4, 0:4])
        rvm_mst(t[0:4, 0:4], B[4 * io:4 * io + 4, 0:4])
        u: i32[4, 4] @ RVM_TILE
        rvm_mld(u[0:4, 0:4], A[4 * io:4 * io + 4, 0:4])
        rvm_mst(u[0:4, 0:4], C[4 * io:4 * io + 4, 0:4])
)");
}

TEST(ReplaceOnce, RefusedWhenNothingMatches) {
  // the buffers are still in DRAM: no statement matches rvm_mld or rvm_mst
  std::string source = std::string(kTwoCopies) + R"(
schedule s from two_copies:
    replace_once([rvm_mld, rvm_mst])
)";
  std::string error = errorOf(source);
  EXPECT_EQ(firstLine(error),
            helperRefusal("replace_once found no statement that one of its instrs matches"));
  EXPECT_TRUE(contains(error, "test.sched:22:5: note: in helper 'replace_once' called here"))
      << error;
}

// ------------------------------------------------------------ repeat

namespace {

const char* kScale = R"(import "scheduling.sched"

proc scale(N: size, A: i32[N, 8], B: i32[N, 8], c: i32[1], x: i32[8]):
    for i in seq(0, N):
        for j in seq(0, 8):
            B[i, j] = A[i, j] * 2
            x[0] = c[0] + 1
            B[i, j] += x[j]

def move_up(s):
    reorder_stmts(s.expand(1, 0))
)";

} // namespace

TEST(Repeat, AppliesUntilRefused) {
  std::string source = std::string(kScale) + R"(
schedule s from scale:
    assert repeat(move_up, find("x[_] = _")) == 1
)";
  EXPECT_TRUE(runsLike(source, "s", "scale"));
  EXPECT_EQ(body(printedProc(source, "s")), R"(    for i in seq(0, N):
        for j in seq(0, 8):
            x[0] = c[0] + 1
            B[i, j] = A[i, j] * 2
            B[i, j] += x[j]
)");
}

TEST(Repeat, NTimesPropagatesTheRefusal) {
  std::string source = std::string(kScale) + R"(
schedule s from scale:
    repeat(move_up, find("x[_] = _"), n_times=2)
)";
  EXPECT_EQ(firstLine(errorOf(source)),
            "test.sched:11:21: error: expand: the block has no statements that far");
  std::string zero = std::string(kScale) + R"(
schedule s from scale:
    repeat(move_up, find("x[_] = _"), n_times=0)
)";
  EXPECT_EQ(firstLine(errorOf(zero)),
            helperRefusal("repeat expected n_times to be None or a positive int"));
}

// ------------------------------------------------------------ lift_if

namespace {

const char* kGuarded = R"(import "scheduling.sched"

proc guarded(N: size, A: i32[N, 8], B: i32[N, 8]):
    for i in seq(0, N):
        for j in seq(0, 8):
            if N > 4:
                B[i, j] = A[i, j]
            else:
                B[i, j] = 0
)";

} // namespace

TEST(LiftIf, LiftsThroughTwoLoops) {
  std::string source = std::string(kGuarded) + R"(
schedule s from guarded:
    lift_if("if _:_", n_lifts=2)
)";
  for (int64_t n : {2, 6})
    EXPECT_TRUE(runsLike(source, "s", "guarded", {{"N", n}})) << "N = " << n;
  EXPECT_EQ(body(printedProc(source, "s")), R"(    if N > 4:
        for i in seq(0, N):
            for j in seq(0, 8):
                B[i, j] = A[i, j]
    else:
        for i in seq(0, N):
            for j in seq(0, 8):
                B[i, j] = 0
)");
}

TEST(LiftIf, RefusesALiftPastTheTop) {
  std::string source = std::string(kGuarded) + R"(
schedule s from guarded:
    lift_if(find("if _:_"), n_lifts=3)
)";
  EXPECT_EQ(firstLine(errorOf(source)), stdlibAt("lift_scope(if_cursor)") +
                                            "lift_scope: cannot lift a statement of the proc body");
  std::string notIf = std::string(kGuarded) + R"(
schedule s from guarded:
    lift_if(find_loop("j"))
)";
  EXPECT_EQ(firstLine(errorOf(notIf)), helperRefusal("lift_if expects an if statement"));
}

// ------------------------------------------------------------ hoist_stmt

namespace {

const char* kInvariant = R"(import "scheduling.sched"

proc invariant(N: size, A: i32[N, 8], B: i32[N, 8], c: i32[2], x: i32[N]):
    for i in seq(0, N):
        x[i] = c[1]
        for j in seq(0, 8):
            B[i, j] = A[i, j] * 2
            x[0] = c[0] + 1
)";

} // namespace

TEST(HoistStmt, StopsAtTheFirstLoopItCannotLeave) {
  std::string source = std::string(kInvariant) + R"(
schedule s from invariant:
    assert hoist_stmt(find("x[0] = _")) == 1
)";
  // x[0] = c[0] + 1 leaves j, then stops in i: it may not move before
  // x[i] = c[1], which writes x[0] too when i is 0
  for (int64_t n : {1, 3})
    EXPECT_TRUE(runsLike(source, "s", "invariant", {{"N", n}})) << "N = " << n;
  EXPECT_EQ(body(printedProc(source, "s")), R"(    for i in seq(0, N):
        x[i] = c[1]
        x[0] = c[0] + 1
        for j in seq(0, 8):
            B[i, j] = A[i, j] * 2
)");
}

TEST(HoistStmt, LeavesEveryLoopWhenLegal) {
  std::string source = R"(import "scheduling.sched"

proc invariant(N: size, A: i32[N, 8], B: i32[N, 8], c: i32[1], x: i32[1]):
    for i in seq(0, N):
        for j in seq(0, 8):
            B[i, j] = A[i, j] * 2
            x[0] = c[0] + 1

schedule s from invariant:
    assert hoist_stmt(find("x[0] = _")) == 2
)";
  EXPECT_TRUE(runsLike(source, "s", "invariant"));
  EXPECT_EQ(body(printedProc(source, "s")), R"(    x[0] = c[0] + 1
    for i in seq(0, N):
        for j in seq(0, 8):
            B[i, j] = A[i, j] * 2
)");
}

TEST(HoistStmt, RefusesAStatementThatUsesItsLoop) {
  std::string source = std::string(kInvariant) + R"(
schedule s from invariant:
    hoist_stmt("B[_] = _")
)";
  EXPECT_EQ(
      firstLine(errorOf(source)),
      helperRefusal("hoist_stmt cannot hoist a statement that depends on its enclosing loop"));
  std::string top = std::string(kInvariant) + R"(
schedule s from invariant:
    hoist_stmt(find_loop("i"))
)";
  EXPECT_EQ(firstLine(errorOf(top)), helperRefusal("hoist_stmt expects a statement inside a loop"));
}

// ------------------------------------------------------------ fission_into_singles

TEST(FissionIntoSingles, EveryStatementGetsItsOwnNest) {
  std::string source = R"(import "scheduling.sched"

proc steps(N: size, A: i32[N, 4], B: i32[N, 4], C: i32[N, 4]):
    for i in seq(0, N):
        for j in seq(0, 4):
            t: i32
            t = A[i, j] * 3
            B[i, j] = t + 1
            if j > 1:
                C[i, j] = t
            else:
                C[i, j] = 0

schedule s from steps:
    fission_into_singles(find_loop("i"))
)";
  EXPECT_TRUE(runsLike(source, "s", "steps"));
  EXPECT_EQ(body(printedProc(source, "s")), R"(    t: i32[N, 4] @ DRAM
    for i in seq(0, N):
        for j in seq(0, 4):
            t[i, j] = A[i, j] * 3
    for i in seq(0, N):
        for j in seq(0, 4):
            B[i, j] = t[i, j] + 1
    for i in seq(0, N):
        for j in seq(0, 4):
            if j > 1:
                C[i, j] = t[i, j]
            else:
                C[i, j] = 0
)");
}

TEST(FissionIntoSingles, RefusesToReverseADependence) {
  std::string source = R"(import "scheduling.sched"

proc carried(A: i32[8], B: i32[8], x: i32[1]):
    for i in seq(0, 8):
        x[0] = A[i]
        B[i] = x[0]

schedule s from carried:
    fission_into_singles(find_loop("i"))
)";
  EXPECT_EQ(firstLine(errorOf(source)),
            stdlibAt("fission(s.after(), n_lifts=n_lifts)") +
                "fission: 'x[0] = A[i]' depends on 'B[i] = x[0]' in an earlier iteration of i (a "
                "dependence would be reversed)");
  std::string notLoop = R"(import "scheduling.sched"

proc carried(A: i32[8], B: i32[8], x: i32[1]):
    x[0] = A[0]

schedule s from carried:
    fission_into_singles("x[_] = _")
)";
  EXPECT_EQ(firstLine(errorOf(notLoop)),
            helperRefusal("fission_into_singles expects a loop or an if"));
}

// ------------------------------------------------------------ unroll_and_jam

namespace {

const char* kMatVec = R"(import "scheduling.sched"

proc mv(N: size, A: i32[8, N], x: i32[N], y: i32[8]):
    for i in seq(0, 8):
        y[i] = 0
        for j in seq(0, N):
            y[i] += A[i, j] * x[j]
        y[i] = y[i] * 2
)";

} // namespace

TEST(UnrollAndJam, JamsTheCopiesIntoTheInnerLoop) {
  std::string source = std::string(kMatVec) + R"(
schedule s from mv:
    unroll_and_jam(find_loop("i"), 2)
)";
  EXPECT_TRUE(runsLike(source, "s", "mv"));
  EXPECT_EQ(body(printedProc(source, "s")), R"(    for io in seq(0, 4):
        y[2 * io] = 0
        y[2 * io + 1] = 0
        for j in seq(0, N):
            y[2 * io] += A[2 * io, j] * x[j]
            y[2 * io + 1] += A[2 * io + 1, j] * x[j]
        y[2 * io] = y[2 * io] * 2
        y[2 * io + 1] = y[2 * io + 1] * 2
)");
}

TEST(UnrollAndJam, ACutTailAndPartialUnrolling) {
  std::string source = std::string(kMatVec) + R"(
schedule s from mv:
    unroll_and_jam("i", 3, unroll=(False, True, False))
)";
  for (int64_t n : {1, 5})
    EXPECT_TRUE(runsLike(source, "s", "mv", {{"N", n}})) << "N = " << n;
  EXPECT_EQ(body(printedProc(source, "s")), R"(    for io in seq(0, 2):
        for ii in seq(0, 3):
            y[3 * io + ii] = 0
        for j in seq(0, N):
            y[3 * io] += A[3 * io, j] * x[j]
            y[3 * io + 1] += A[3 * io + 1, j] * x[j]
            y[3 * io + 2] += A[3 * io + 2, j] * x[j]
        for ii in seq(0, 3):
            y[3 * io + ii] = y[3 * io + ii] * 2
    for ii in seq(0, 2):
        y[ii + 6] = 0
        for j in seq(0, N):
            y[ii + 6] += A[ii + 6, j] * x[j]
        y[ii + 6] = y[ii + 6] * 2
)");
}

// An allocation of the unrolled body gets one slot per copy.
TEST(UnrollAndJam, AnAllocationGetsASlotPerCopy) {
  std::string source = R"(import "scheduling.sched"

proc mv(N: size, A: i32[8, N], x: i32[N], y: i32[8]):
    for i in seq(0, 8):
        acc: i32
        acc = 0
        for j in seq(0, N):
            acc += A[i, j] * x[j]
        y[i] = acc

schedule s from mv:
    unroll_and_jam(find_loop("i"), 2)
)";
  EXPECT_TRUE(runsLike(source, "s", "mv"));
  EXPECT_EQ(body(printedProc(source, "s")), R"(    for io in seq(0, 4):
        acc: i32[2] @ DRAM
        acc[0] = 0
        acc[1] = 0
        for j in seq(0, N):
            acc[0] += A[2 * io, j] * x[j]
            acc[1] += A[2 * io + 1, j] * x[j]
        y[2 * io] = acc[0]
        y[2 * io + 1] = acc[1]
)");
}

TEST(UnrollAndJam, NeedsExactlyOneInnerLoop) {
  std::string source = std::string(kMatVec) + R"(
schedule s from mv:
    unroll_and_jam(find_loop("j"), 2)
)";
  EXPECT_EQ(firstLine(errorOf(source)), helperRefusal("unroll_and_jam found no loop in the body"));
}

// ------------------------------------------------------------ vectorize

namespace {

// A 4-wide vector unit in a memory of its own, with C loops for templates
// so that the result runs on the host.
const char* kVectorUnit = R"(import "scheduling.sched"

memory VEC extends DRAM:
    alloc: '{type} {name}[{size}];'
    free: ''

instr vld(dst: [i32][4] @ VEC, src: [i32][4] @ DRAM):
    c: 'for (int k = 0; k < 4; k++) (&{dst_data})[k * {dst}.strides[0]] = (&{src_data})[k * {src}.strides[0]];'
    for i in seq(0, 4):
        dst[i] = src[i]

instr vst(dst: [i32][4] @ DRAM, src: [i32][4] @ VEC):
    c: 'for (int k = 0; k < 4; k++) (&{dst_data})[k * {dst}.strides[0]] = (&{src_data})[k * {src}.strides[0]];'
    for i in seq(0, 4):
        dst[i] = src[i]

instr vmul(dst: [i32][4] @ VEC, a: [i32][4] @ VEC, b: [i32][4] @ VEC):
    c: 'for (int k = 0; k < 4; k++) (&{dst_data})[k * {dst}.strides[0]] = (&{a_data})[k * {a}.strides[0]] * (&{b_data})[k * {b}.strides[0]];'
    for i in seq(0, 4):
        dst[i] = a[i] * b[i]

instr vadd(dst: [i32][4] @ VEC, a: [i32][4] @ VEC, b: [i32][4] @ VEC):
    c: 'for (int k = 0; k < 4; k++) (&{dst_data})[k * {dst}.strides[0]] = (&{a_data})[k * {a}.strides[0]] + (&{b_data})[k * {b}.strides[0]];'
    for i in seq(0, 4):
        dst[i] = a[i] + b[i]

proc axpy(N: size, a: i32[N], x: i32[N], y: i32[N]):
    for i in seq(0, N):
        y[i] = a[i] * x[i] + y[i]

proc axpy16(a: i32[16], x: i32[16], y: i32[16]):
    for i in seq(0, 16):
        y[i] = a[i] * x[i] + y[i]

proc axpy_reduce(a: i32[16], x: i32[16], y: i32[16]):
    for i in seq(0, 16):
        y[i] += a[i] * x[i]

instr vfma(dst: [i32][4] @ VEC, a: [i32][4] @ VEC, b: [i32][4] @ VEC, c: [i32][4] @ VEC):
    c: 'for (int k = 0; k < 4; k++) (&{dst_data})[k * {dst}.strides[0]] = (&{a_data})[k * {a}.strides[0]] * (&{b_data})[k * {b}.strides[0]] + (&{c_data})[k * {c}.strides[0]];'
    for i in seq(0, 4):
        dst[i] = a[i] * b[i] + c[i]

# Exo's fma_rule: a * b + c is staged as three operands
def fma_rule(e):
    if e.is_binop() and e.op() == "+" and e.lhs().is_binop() and e.lhs().op() == "*":
        return [e.lhs().lhs(), e.lhs().rhs(), e.rhs()]
    return None
)";

} // namespace

TEST(Vectorize, AnExactLoopBecomesVectorInstructions) {
  std::string source = std::string(kVectorUnit) + R"(
schedule s from axpy16:
    vectorize(find_loop("i"), 4, "i32", VEC, instructions=[vmul, vadd, vld, vst])
)";
  EXPECT_TRUE(runsLike(source, "s", "axpy16"));
  EXPECT_EQ(body(printedProc(source, "s")), R"(    for io in seq(0, 4):
        i_vec0: i32[4] @ VEC
        i_vec1: i32[4] @ VEC
        i_vec2: i32[4] @ VEC
        i_vec3: i32[4] @ VEC
        i_vec4: i32[4] @ VEC
        vld(i_vec2[0:4], a[4 * io:4 * io + 4])
        vld(i_vec3[0:4], x[4 * io:4 * io + 4])
        vmul(i_vec1[0:4], i_vec2[0:4], i_vec3[0:4])
        vld(i_vec4[0:4], y[4 * io:4 * io + 4])
        vadd(i_vec0[0:4], i_vec1[0:4], i_vec4[0:4])
        vst(y[4 * io:4 * io + 4], i_vec0[0:4])
)");
}

TEST(Vectorize, AReductionIsUnfoldedFirst) {
  std::string source = std::string(kVectorUnit) + R"(
schedule s from axpy_reduce:
    vectorize(find_loop("i"), 4, "i32", VEC, instructions=[vmul, vadd, vld, vst])
)";
  EXPECT_TRUE(runsLike(source, "s", "axpy_reduce"));
  EXPECT_EQ(body(printedProc(source, "s")), R"(    for io in seq(0, 4):
        i_vec0: i32[4] @ VEC
        i_vec1: i32[4] @ VEC
        i_vec2: i32[4] @ VEC
        i_vec3: i32[4] @ VEC
        i_vec4: i32[4] @ VEC
        vld(i_vec1[0:4], y[4 * io:4 * io + 4])
        vld(i_vec3[0:4], a[4 * io:4 * io + 4])
        vld(i_vec4[0:4], x[4 * io:4 * io + 4])
        vmul(i_vec2[0:4], i_vec3[0:4], i_vec4[0:4])
        vadd(i_vec0[0:4], i_vec1[0:4], i_vec2[0:4])
        vst(y[4 * io:4 * io + 4], i_vec0[0:4])
)");
}

TEST(Vectorize, RulesChooseTheOperands) {
  std::string source = std::string(kVectorUnit) + R"(
schedule s from axpy16:
    vectorize(find_loop("i"), 4, "i32", VEC, [vfma, vld, vst], rules=[fma_rule])
)";
  EXPECT_TRUE(runsLike(source, "s", "axpy16"));
  EXPECT_EQ(body(printedProc(source, "s")), R"(    for io in seq(0, 4):
        i_vec0: i32[4] @ VEC
        i_vec1: i32[4] @ VEC
        i_vec2: i32[4] @ VEC
        i_vec3: i32[4] @ VEC
        vld(i_vec1[0:4], a[4 * io:4 * io + 4])
        vld(i_vec2[0:4], x[4 * io:4 * io + 4])
        vld(i_vec3[0:4], y[4 * io:4 * io + 4])
        vfma(i_vec0[0:4], i_vec1[0:4], i_vec2[0:4], i_vec3[0:4])
        vst(y[4 * io:4 * io + 4], i_vec0[0:4])
)");
}

TEST(Vectorize, ACutTailStaysScalar) {
  std::string source = std::string(kVectorUnit) + R"(
schedule s from axpy:
    vectorize(find_loop("i"), 4, "i32", VEC, [vmul, vadd, vld, vst], tail="cut")
)";
  for (int64_t n : {3, 8, 11})
    EXPECT_TRUE(runsLike(source, "s", "axpy", {{"N", n}})) << "N = " << n;
  std::string printed = printedProc(source, "s");
  EXPECT_TRUE(contains(printed, "    for io in seq(0, N / 4):\n")) << printed;
  EXPECT_TRUE(contains(printed, "        vst(y[4 * io:4 * io + 4], i_vec0[0:4])\n"
                                "    for ii in seq(0, N % 4):\n"
                                "        y[4 * (N / 4) + ii] = a[4 * (N / 4) + ii] * x[4 * (N / "
                                "4) + ii] + y[4 * (N / 4) + ii]\n"))
      << printed;
}

TEST(Vectorize, RefusesAPredicatedTail) {
  std::string source = std::string(kVectorUnit) + R"(
schedule s from axpy:
    vectorize(find_loop("i"), 4, "i32", VEC, [vmul, vadd, vld, vst])
)";
  EXPECT_EQ(firstLine(errorOf(source)),
            helperRefusal("vectorize supports only the tails cut and cut_and_guard unless the "
                          "extent is provably a multiple of vec_width"));
}

TEST(Vectorize, AProvablyExactLoopTakesTheDefaultTail) {
  std::string source = std::string(kVectorUnit) + R"(
proc axpy4(N: size, a: i32[N], x: i32[N], y: i32[N]):
    assert N % 4 == 0
    for i in seq(0, N):
        y[i] = a[i] * x[i] + y[i]

schedule s from axpy4:
    vectorize(find_loop("i"), 4, "i32", VEC, [vmul, vadd, vld, vst])
)";
  EXPECT_TRUE(runsLike(source, "s", "axpy4", {{"N", 12}}));
  std::string printed = printedProc(source, "s");
  EXPECT_TRUE(contains(printed, "    for io in seq(0, N / 4):\n")) << printed;
  EXPECT_FALSE(contains(printed, "N % 4)")) << printed;
}

// ------------------------------------------------------------ the golden

// tests/golden/schedules/stdlib_helpers.sched: its --print output is the
// golden; here its schedules run like their algorithms.
TEST(StdlibGolden, SchedulesRunLikeTheirAlgorithms) {
  std::string source = goldenSchedule("stdlib_helpers");
  for (int64_t m : {4, 12})
    EXPECT_TRUE(runsLike(source, "gemv_jammed", "gemv", {{"M", m}, {"N", 3}})) << "M = " << m;
  EXPECT_TRUE(runsLike(source, "gemv_singles", "gemv", {{"M", 12}, {"N", 3}}));
  for (int64_t n : {3, 9})
    EXPECT_TRUE(runsLike(source, "axpy_vec", "axpy", {{"N", n}})) << "N = " << n;
}
