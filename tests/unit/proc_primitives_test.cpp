// The proc primitives (passes/primitives/ProcPrimitives.h): every accepted
// schedule of tests/golden/schedules/procs_*.sched computes what its
// algorithm computes (compiled and run on random inputs; RVM instrs under
// qemu-riscv64), and every refusal names the directive and the reason at
// the directive.
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

// The text of tests/golden/schedules/procs_<name>.sched.
std::string golden(const std::string& name) {
  return goldenSchedule("procs_" + name);
}

const std::string kShift = R"(proc shift(A: i32[16, 16], C: i32[16, 16]):
    for io in seq(0, 4):
        for ii in seq(0, 4):
            for j in seq(0, 15):
                C[4 * io + ii, j] = A[4 * io + ii, j + 1]
)";

// ------------------------------------------------------------ stage_mem

TEST(StageMem, StagedTilesComputeTheSame) {
  std::string src = golden("stage_mem");
  EXPECT_TRUE(runsLike(src, "matmul_staged", "matmul"));
  EXPECT_TRUE(runsLike(src, "matmul_accum", "matmul"));
  for (int64_t n : {1, 5})
    EXPECT_TRUE(runsLike(src, "rowsum_staged", "rowsum", {{"N", n}})) << "N = " << n;
}

TEST(StageMem, AWindowShiftedByOneCoversTheReads) {
  std::string src = scheduled(
      kShift, "shift",
      "    stage_mem(find(\"for ii in _:_\"), \"A[4 * io:4 * io + 4, 1:16]\", \"a_tile\")\n");
  EXPECT_TRUE(runsLike(src, "s", "shift"));
  // A is only read: loaded before the block, never stored back.
  std::string printed = printedProc(src, "s");
  EXPECT_NE(printed.find("a_tile[i0, i1] = A[4 * io + i0, i1 + 1]"), std::string::npos) << printed;
  EXPECT_NE(printed.find("C[4 * io + ii, j] = a_tile[ii, j]"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("A[4 * io + i0, i1 + 1] = "), std::string::npos) << printed;
}

const std::string kFillThenAccumulate = R"(proc fill(A: i32[8, 8], C: i32[8, 8]):
    for io in seq(0, 2):
        for ii in seq(0, 4):
            for j in seq(0, 8):
                C[4 * io + ii, j] = 0
        for ii in seq(0, 4):
            for j in seq(0, 8):
                C[4 * io + ii, j] += A[4 * io + ii, j] * 3
)";

TEST(StageMem, ABlockThatFirstOverwritesTheWindowNeedsNoLoad) {
  std::string src = scheduled(
      kFillThenAccumulate, "fill",
      "    stage_mem(find(\"for ii in _:_\").expand(0, 1), \"C[4 * io:4 * io + 4, 0:8]\", "
      "\"c_tile\")\n");
  EXPECT_TRUE(runsLike(src, "s", "fill"));
  std::string printed = printedProc(src, "s");
  EXPECT_EQ(printed.find("= C["), std::string::npos) << printed;
  EXPECT_NE(printed.find("C[4 * io + i0, i1] = c_tile[i0, i1]"), std::string::npos) << printed;
}

TEST(StageMem, APartialOverwriteKeepsTheLoad) {
  // the first nest writes only columns 0..3 of the 8 staged ones
  std::string partial = kFillThenAccumulate;
  partial.replace(partial.find("for j in seq(0, 8):\n                C[4 * io + ii, j] = 0"),
                  std::string("for j in seq(0, 8)").size(), "for j in seq(0, 4)");
  std::string src = scheduled(
      partial, "fill",
      "    stage_mem(find(\"for ii in _:_\").expand(0, 1), \"C[4 * io:4 * io + 4, 0:8]\", "
      "\"c_tile\")\n");
  EXPECT_TRUE(runsLike(src, "s", "fill"));
  std::string printed = printedProc(src, "s");
  EXPECT_NE(printed.find("c_tile[i0, i1] = C[4 * io + i0, i1]"), std::string::npos) << printed;
}

TEST(StageMem, RefusesAWindowThatMissesAnAccess) {
  std::string src = scheduled(
      kShift, "shift",
      "    stage_mem(find(\"for ii in _:_\"), \"A[4 * io:4 * io + 4, 0:15]\", \"a_tile\")\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(kShift, 0) + "stage_mem: the window 'A[4 * io:4 * io + 4, 0:15]' does not cover "
                            "'A[4 * io + ii, j + 1]' (e.g. when j = 14)");
}

TEST(StageMem, RefusesAccumulatingWhatTheBlockAssigns) {
  std::string src = scheduled(kShift, "shift",
                              "    stage_mem(find(\"for ii in _:_\"), \"C[4 * io:4 * io + 4, "
                              "0:15]\", \"c\", accum=True)\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(kShift, 0) + "stage_mem: with accum=True the block may only reduce into 'C', but "
                            "it writes 'C[4 * io + ii, j]'");
}

TEST(StageMem, RefusesAWindowOutsideTheBuffer) {
  std::string src = scheduled(
      kShift, "shift",
      "    stage_mem(find(\"for ii in _:_\"), \"A[4 * io:4 * io + 4, 1:17]\", \"a_tile\")\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(kShift, 0) + "stage_mem: the result would not be provably in bounds: out-of-bounds "
                            "access: index 'i1 + 1' of 'A' (dimension 1, extent 16) may be out of "
                            "bounds, e.g. when i1 = 15");
}

// ------------------------------------------------------------ replace

TEST(Replace, CallsComputeTheSame) {
  std::string src = golden("replace");
  EXPECT_TRUE(runsLike(src, "gather_tiles", "gather"));
  for (int64_t n : {1, 6})
    EXPECT_TRUE(runsLike(src, "accumulate_rows", "accumulate", {{"N", n}})) << "N = " << n;
}

const std::string kTileCopy = R"(import "rvm.sched"

proc tile_copy(A: i32[16, 4], B: i32[16, 4]):
    for io in seq(0, 4):
        t: i32[4, 4]
        for i in seq(0, 4):
            for j in seq(0, 4):
                t[i, j] = A[4 * io + i, j]
        for i in seq(0, 4):
            for j in seq(0, 4):
                B[4 * io + i, j] = t[i, j]
)";

TEST(Replace, RvmTileLoadAndStoreRunUnderTheEmulator) {
  std::string src = scheduled(kTileCopy, "tile_copy",
                              "    set_memory(\"t\", RVM_TILE)\n"
                              "    replace(find(\"for i in _:_\"), rvm_mld)\n"
                              "    replace(find(\"for i in _:_\"), rvm_mst)\n");
  EXPECT_TRUE(runsLike(src, "s", "tile_copy"));
  std::string printed = printedProc(src, "s");
  EXPECT_NE(printed.find("rvm_mld(t[0:4, 0:4], A[4 * io:4 * io + 4, 0:4])"), std::string::npos)
      << printed;
}

TEST(Replace, TheReturnedCallCanBeInlinedBack) {
  std::string src = golden("replace") + R"src(
schedule s from gather:
    c = replace(find("for i in _:_"), copy_tile)
    inline(c)
)src";
  EXPECT_TRUE(runsLike(src, "s", "gather"));
  std::string printed = printedProc(src, "s");
  EXPECT_NE(printed.find("B[k, 4 * io + i, j] = A[4 * io + i, j]"), std::string::npos) << printed;
}

TEST(Replace, StagedRvmMatmulRunsUnderTheEmulator) {
  EXPECT_TRUE(runsLike(golden("rvm_matmul"), "mm_rvm", "mm"));
}

TEST(Replace, RefusesAnArgumentInTheWrongMemory) {
  std::string src =
      scheduled(kTileCopy, "tile_copy", "    replace(find(\"for i in _:_\"), rvm_mld)\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(kTileCopy, 0) + "replace: rvm_mld wants 'dst' in RVM_TILE, but 't' is in DRAM");
}

const std::string kRows = R"(instr add_row(dst: [i32][4] @ DRAM, src: [i32][4] @ DRAM):
    c: 'for (int schedc_k = 0; schedc_k < 4; schedc_k++) (&{dst_data})[schedc_k * {dst}.strides[0]] += (&{src_data})[schedc_k * {src}.strides[0]];'
    assert stride(dst, 0) == 1
    for i in seq(0, 4):
        dst[i] += src[i]

proc columns(x: i32[4, 4], y: i32[4, 3]):
    for c in seq(0, 3):
        for i in seq(0, 4):
            y[i, c] += x[c, i]

proc three(x: i32[4], y: i32[4]):
    for i in seq(0, 3):
        y[i] += x[i]

proc twice(y: i32[4]):
    for i in seq(0, 4):
        y[i] += y[i]
)";

TEST(Replace, RefusesACallWhosePreconditionMayFail) {
  std::string src = scheduled(kRows, "columns", "    replace(find(\"for i in _:_\"), add_row)\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(kRows, 0) + "replace: the call would break a precondition: call to add_row: "
                           "precondition stride(dst, 0) == 1 may not hold (e.g. when stride(y, 0) "
                           "= 3)");
}

TEST(Replace, RefusesADifferentLoopBound) {
  std::string src = scheduled(kRows, "three", "    replace(find(\"for i in _:_\"), add_row)\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(kRows, 0) + "replace: cannot unify the block with 'add_row': the upper bound of "
                           "loop i is '3', not provably '4'");
}

TEST(Replace, RefusesAliasedInstrOperandsAndMismatchedCode) {
  std::string src = scheduled(kRows, "twice", "    replace(find(\"for i in _:_\"), add_row)\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(kRows, 0) + "replace: arguments 'dst' and 'src' of instr 'add_row' would alias "
                           "the same buffer 'y' (the instruction updates its operands in place)");
  std::string shifted =
      scheduled(kShift, "shift", "    replace(find(\"for ii in _:_\"), add_row)\n");
  EXPECT_EQ(firstLine(errorOf(kRows + shifted)),
            at(kRows + kShift, 0) + "replace: cannot unify the block with 'add_row': a loop where "
                                    "the body of 'add_row' has a reduction");
}

} // namespace

namespace {

// ------------------------------------------------------------ inline, call_eqv

TEST(Inline, InlinedAndSwitchedCallsComputeTheSame) {
  std::string src = golden("inline");
  for (int64_t n : {1, 4}) {
    EXPECT_TRUE(runsLike(src, "scale_rows_inlined", "scale_rows", {{"N", n}})) << "N = " << n;
    EXPECT_TRUE(runsLike(src, "scale_rows_switched", "scale_rows", {{"N", n}})) << "N = " << n;
  }
}

TEST(Inline, RefusesAnInstr) {
  const std::string rows = kRows + R"src(
proc rows(x: i32[4], y: i32[4]):
    add_row(y, x)
)src";
  std::string src = scheduled(rows, "rows", "    inline(find(\"add_row(_)\"))\n");
  EXPECT_EQ(firstLine(errorOf(src)),
            at(rows, 0) + "inline: cannot inline instr 'add_row' (its body only specifies the "
                          "instruction)");
}

TEST(CallEqv, RefusesAProcWithAnotherBody) {
  std::string src = golden("inline") + R"src(
proc scale_row_plus(n: size, k: i32, dst: [i32][n], src: [i32][n]):
    assert stride(dst, 0) == 1
    for j in seq(0, n):
        tmp: i32
        tmp = k + src[j]
        dst[j] = tmp

schedule s from scale_rows:
    call_eqv(find("scale_row(_)"), scale_row_plus)
)src";
  EXPECT_EQ(firstLine(errorOf(src)),
            "test.sched:36:5: error: call_eqv: 'scale_row_plus' is not equivalent to 'scale_row': "
            "their bodies differ: block[0].body[1]: right-hand side differs");
}

} // namespace
