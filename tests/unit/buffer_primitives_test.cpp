// The buffer primitives (passes/primitives/BufferPrimitives.h): every
// accepted schedule of tests/golden/schedules/buffers_*.sched computes what
// its algorithm computes (compiled and run on random inputs), and every
// refusal names the directive and the reason at the directive.
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

// The text of tests/golden/schedules/buffers_<name>.sched.
std::string golden(const std::string& name) {
  return goldenSchedule("buffers_" + name);
}

const std::string kCopy = R"(import "rvm.sched"

proc copy(N: size, x: i32[4, N], y: i32[4, N]):
    assert N >= 4
    t: i32[4, 4]
    for i in seq(0, 4):
        for j in seq(0, 4):
            t[i, j] = x[i, j]
    for i in seq(0, 4):
        for j in seq(0, 4):
            y[i, j] = t[i, j]
    u: i32[4, N]
    for i in seq(0, 4):
        for j in seq(0, N):
            u[i, j] = x[i, j]
            y[i, j] += u[i, j]
)";

// ------------------------------------------------------------ set_memory

TEST(SetMemory, StaticAndRegisterBuffersComputeTheSame) {
  std::string src = golden("set_memory");
  EXPECT_TRUE(runsLike(src, "copy_static", "copy_tile"));
  for (int64_t n : {1, 6})
    EXPECT_TRUE(runsLike(src, "sum_dram", "sum_static", {{"N", n}})) << "N = " << n;
}

TEST(SetMemory, AStaticStagingBufferComputesTheSame) {
  std::string src = scheduled(kCopy, "copy", "    set_memory(\"t : _\", DRAM_STATIC)\n");
  EXPECT_TRUE(runsLike(src, "s", "copy", {{"N", 6}}));
  EXPECT_NE(printedProc(src, "s").find("t: i32[4, 4] @ DRAM_STATIC"), std::string::npos)
      << printedProc(src, "s");
}

TEST(SetMemory, LeavesElementAccessesForALaterReplace) {
  // As in conv1d_rvm: a tile moves to RVM_TILE while its staging loops still
  // access it element by element; replace turns them into instrs later, and
  // the C backend refuses any that remain.
  std::string src = scheduled(kCopy, "copy", "    set_memory(\"t : _\", RVM_TILE)\n");
  EXPECT_NE(printedProc(src, "s").find("t: i32[4, 4] @ RVM_TILE"), std::string::npos)
      << printedProc(src, "s");
}

TEST(SetMemory, RefusesShapesTheMemoryCannotHold) {
  EXPECT_EQ(
      firstLine(errorOf(scheduled(kCopy, "copy", "    set_memory(\"u : _\", DRAM_STATIC)\n"))),
      at(kCopy, 0) +
          "set_memory: memory DRAM_STATIC needs a constant shape, but 'u' has extent `N` in "
          "dimension 1");
  const std::string wide = R"(import "rvm.sched"

proc load(x: i32[4, 8]):
    t: i32[4, 8]
    pass
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(wide, "load", "    set_memory(\"t : _\", RVM_TILE)\n"))),
            at(wide, 0) +
                "set_memory: 't: i32[4, 8]' does not fit memory RVM_TILE, which holds [4, 4] "
                "32-bit words");
}

TEST(SetMemory, AcceptsAnArrayOfTilesThatUnrollBufferSplits) {
  // conv1d_rvm moves out_tile: i32[4, 4, 4] into RVM_TILE and only later
  // unrolls it into four registers; left unsplit, the backend refuses it.
  const std::string tiles = R"(import "rvm.sched"

proc load(x: i32[2, 4, 4]):
    t: i32[2, 4, 4]
    for k in seq(0, 2):
        for i in seq(0, 4):
            for j in seq(0, 4):
                t[k, i, j] = 0
        for i in seq(0, 4):
            for j in seq(0, 4):
                x[k, i, j] = t[k, i, j]
)";
  const std::string toTiles = "    set_memory(\"t : _\", RVM_TILE)\n"
                              "    replace(find(\"for i in _:_\"), rvm_mzero)\n"
                              "    replace(find(\"for i in _:_\"), rvm_mst)\n";
  std::string kept = scheduled(tiles, "load", toTiles);
  EXPECT_NE(printedProc(kept, "s").find("t: i32[2, 4, 4] @ RVM_TILE"), std::string::npos)
      << printedProc(kept, "s");
  ::testing::AssertionResult unsplit = runsLike(kept, "s", "load");
  EXPECT_FALSE(unsplit);
  EXPECT_NE(std::string(unsplit.message()).find("'t: i32[2, 4, 4]' does not fit memory RVM_TILE"),
            std::string::npos)
      << unsplit.message();
  std::string split = scheduled(
      tiles, "load", toTiles + "    unroll_loop(\"k\")\n    unroll_buffer(\"t : _\", 0)\n");
  EXPECT_TRUE(runsLike(split, "s", "load"));
  EXPECT_EQ(errorOf(split), "no error") << errorOf(split);
}

// ------------------------------------------------------------ set_precision

TEST(SetPrecision, ChangesThatKeepEveryValueComputeTheSame) {
  std::string src = golden("set_precision");
  for (int64_t n : {1, 7})
    EXPECT_TRUE(runsLike(src, "scale_f32", "scale_r", {{"N", n}})) << "N = " << n;
  EXPECT_TRUE(runsLike(src, "acc_same", "acc", {{"N", 9}}));
  EXPECT_NE(printedProc(src, "scale_f32").find("t: f32"), std::string::npos)
      << printedProc(src, "scale_f32");
}

TEST(SetPrecision, RefusesChangesThatMayChangeValues) {
  const std::string acc = R"(proc acc(N: size, x: i32[N], s: i32):
    a: i32
    a = 0
    for i in seq(0, N):
        a += x[i]
    s = a
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(acc, "acc", "    set_precision(\"a : _\", \"i8\")\n"))),
            at(acc, 0) + "set_precision: changing 'a' from i32 to i8 could change the values it "
                         "holds");
  EXPECT_EQ(firstLine(errorOf(scheduled(acc, "acc", "    set_precision(\"a : _\", \"f64\")\n"))),
            at(acc, 0) + "set_precision: changing 'a' from i32 to f64 could change the values it "
                         "holds");
}

// ------------------------------------------------------------ expand_dim

TEST(ExpandDim, ExpandedTemporariesComputeTheSame) {
  std::string src = golden("expand_dim");
  for (int64_t n : {1, 6})
    EXPECT_TRUE(runsLike(src, "blur_expanded", "blur", {{"N", n}})) << "N = " << n;
  EXPECT_TRUE(runsLike(src, "tiles_expanded", "tiles"));
}

TEST(ExpandDim, RefusesAnIndexThatMayLeaveTheNewDimension) {
  const std::string blur = R"(proc blur(N: size, x: i32[N + 2], y: i32[N]):
    for i in seq(0, N):
        t: i32
        t = x[i] + x[i + 1]
        y[i] = t + x[i + 2]
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(blur, "blur", "    expand_dim(\"t : _\", 4, \"i\")\n"))),
            at(blur, 0) + "expand_dim: cannot prove that 0 <= i < 4 where 't' is allocated");
  EXPECT_EQ(
      firstLine(errorOf(scheduled(blur, "blur", "    expand_dim(\"t : _\", \"N\", \"i - 1\")\n"))),
      at(blur, 0) + "expand_dim: cannot prove that 0 <= i - 1 < N where 't' is allocated");
}

} // namespace

namespace {

// ------------------------------------------------------------ lift_alloc

TEST(LiftAlloc, TemporariesWrittenBeforeReadComputeTheSame) {
  std::string src = golden("lift_alloc");
  for (auto [n, w] : {std::pair<int64_t, int64_t>{8, 3}, {2, 5}})
    EXPECT_TRUE(runsLike(src, "conv_lifted", "conv", {{"N", n}, {"W", w}}))
        << "N = " << n << ", W = " << w;
  EXPECT_TRUE(runsLike(src, "rows_lifted", "rows"));
}

const std::string kRunning = R"(proc running(N: size, x: i32[N], y: i32[N]):
    for i in seq(0, N):
        v: i32
        v = 0
        for k in seq(0, 4):
            if k < 2:
                v = x[i]
            v += 1
        y[i] = v
)";

TEST(LiftAlloc, AReadAfterAWriteInAnEarlierStatementComputesTheSame) {
  // `v += 1` may read what iteration k - 1 left, but within one iteration
  // of i, `v = 0` always came first.
  std::string src = scheduled(kRunning, "running", "    lift_alloc(\"v : _\")\n");
  EXPECT_TRUE(runsLike(src, "s", "running", {{"N", 5}}));
}

TEST(LiftAlloc, RefusesAReadOfAnEarlierIterationsValue) {
  const std::string prefix = R"(proc prefix(N: size, x: i32[N], y: i32[N]):
    for i in seq(0, N):
        acc: i32[1]
        if i == 0:
            acc[0] = 0
        acc[0] += x[i]
        y[i] = acc[0]
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(prefix, "prefix", "    lift_alloc(\"acc : _\")\n"))),
            at(prefix, 0) +
                "lift_alloc: 'acc' would carry a value from one iteration of 'i' to the next");
  const std::string shaped = R"(proc shaped(N: size, x: i32[N], y: i32[N]):
    for i in seq(0, N):
        t: i32[i + 1]
        t[i] = x[i]
        y[i] = t[i]
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(shaped, "shaped", "    lift_alloc(\"t : _\")\n"))),
            at(shaped, 0) + "lift_alloc: the shape of 't' depends on 'i'");
}

} // namespace

namespace {

// ------------------------------------------------------------ delete_buffer

TEST(DeleteBuffer, UnusedBuffersGoAndTheProcComputesTheSame) {
  std::string src = golden("delete_buffer");
  EXPECT_TRUE(runsLike(src, "copy_clean", "copy", {{"N", 7}}));
  EXPECT_EQ(printedProc(src, "copy_clean").find("unused"), std::string::npos)
      << printedProc(src, "copy_clean");
}

TEST(DeleteBuffer, RefusesABufferInUse) {
  EXPECT_EQ(firstLine(errorOf(scheduled(kRunning, "running", "    delete_buffer(\"v : _\")\n"))),
            at(kRunning, 0) + "delete_buffer: 'v' is used");
}

// ------------------------------------------------------------ unroll_buffer

TEST(UnrollBuffer, ConstantIndexedDimensionsComputeTheSame) {
  std::string src = golden("unroll_buffer");
  EXPECT_TRUE(runsLike(src, "pair_unrolled", "pair", {{"N", 6}}));
  EXPECT_TRUE(runsLike(src, "rowsum_unrolled", "rowsum"));
  std::string printed = printedProc(src, "rowsum_unrolled");
  EXPECT_NE(printed.find("acc_1: i32[4]"), std::string::npos) << printed;
}

TEST(UnrollBuffer, RefusesAVariableIndex) {
  std::string src = golden("unroll_buffer");
  std::string refused = src + "\nschedule s from rowsum:\n    unroll_buffer(\"acc : _\", 1)\n";
  int lines = 0;
  for (char c : src)
    lines += c == '\n';
  EXPECT_EQ(firstLine(errorOf(refused)),
            "test.sched:" + std::to_string(lines + 3) +
                ":5: error: unroll_buffer: 'acc' is indexed with `r` in dimension 1, which is "
                "not a constant");
}

// ------------------------------------------------------------ reuse_buffer

TEST(ReuseBuffer, ADeadBufferTakesTheSecondsPlaceAndComputesTheSame) {
  std::string src = golden("reuse_buffer");
  for (int64_t n : {1, 9})
    EXPECT_TRUE(runsLike(src, "twice_reused", "twice", {{"N", n}})) << "N = " << n;
  EXPECT_TRUE(runsLike(src, "scalars_reused", "scalars", {{"N", 5}}));
}

TEST(ReuseBuffer, RefusesABufferStillLive) {
  const std::string live = R"(proc live(N: size, x: i32[N], y: i32[N]):
    for i in seq(0, N):
        s: i32
        u: i32
        s = x[i] * 2
        u = x[i] + 1
        y[i] = s + u
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(live, "live", "    reuse_buffer(\"s : _\", \"u : _\")\n"))),
            at(live, 0) + "reuse_buffer: 's' is still used after 'u' is first used");
  const std::string shapes = R"(proc shapes(x: i32[4], y: i32[4]):
    a: i32[4]
    b: i32[2]
    a[0] = x[0]
    y[0] = a[0]
    b[1] = x[1]
    y[1] = b[1]
)";
  EXPECT_EQ(
      firstLine(errorOf(scheduled(shapes, "shapes", "    reuse_buffer(\"a : _\", \"b : _\")\n"))),
      at(shapes, 0) + "reuse_buffer: cannot prove that 'a' and 'b' have the same shape");
}

} // namespace

namespace {

// ------------------------------------------------------------ sink_alloc

TEST(SinkAlloc, TemporariesMovedIntoTheirScopeComputeTheSame) {
  std::string src = golden("sink_alloc");
  for (auto [n, w] : {std::pair<int64_t, int64_t>{8, 3}, {2, 5}})
    EXPECT_TRUE(runsLike(src, "conv_sunk", "conv", {{"N", n}, {"W", w}}))
        << "N = " << n << ", W = " << w;
  EXPECT_TRUE(runsLike(src, "clamp_sunk", "clamp", {{"N", 7}}));
}

TEST(SinkAlloc, RefusesLosingAValueAnIterationLeaves) {
  const std::string sum = R"(proc sum(N: size, x: i32[N], y: i32[N]):
    acc: i32
    acc = 0
    for i in seq(0, N):
        acc += x[i]
        y[i] = acc
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(sum, "sum", "    sink_alloc(\"acc : _\")\n"))),
            at(sum, 0) +
                "sink_alloc: the statement after 'acc' must be a loop or an if to sink it into");
  const std::string carried = R"(proc carried(N: size, x: i32[N], y: i32[N]):
    acc: i32
    for i in seq(0, N):
        if i == 0:
            acc = 0
        acc += x[i]
        y[i] = acc
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(carried, "carried", "    sink_alloc(\"acc : _\")\n"))),
            at(carried, 0) +
                "sink_alloc: 'acc' would lose the value one iteration of 'i' leaves for the next");
}

} // namespace

namespace {

// ------------------------------------------------ divide_dim, mult_dim, rearrange_dim

TEST(DivideDim, BlockedLayoutsComputeTheSame) {
  std::string src = golden("divide_dim");
  EXPECT_TRUE(runsLike(src, "stage_blocks", "stage"));
  for (int64_t n : {2, 6})
    EXPECT_TRUE(runsLike(src, "rows_pairs", "rows", {{"N", n}})) << "N = " << n;
}

const std::string kRows = R"(proc rows(N: size, x: i32[N, 3], y: i32[N, 3]):
    t: i32[N, 3]
    for i in seq(0, N):
        for j in seq(0, 3):
            t[i, j] = x[i, j] * 2
    for i in seq(0, N):
        for j in seq(0, 3):
            y[i, j] = t[i, j]
)";

TEST(DivideDim, RefusesADimensionItCannotProveDivisible) {
  EXPECT_EQ(firstLine(errorOf(scheduled(kRows, "rows", "    divide_dim(\"t : _\", 0, 2)\n"))),
            at(kRows, 0) +
                "divide_dim: cannot prove that N (dimension 0 of 't') is divisible by 2");
}

TEST(MultDim, MergedDimensionsComputeTheSame) {
  std::string src = golden("mult_dim");
  EXPECT_TRUE(runsLike(src, "tile_flat", "tile"));
  EXPECT_TRUE(runsLike(src, "tile_flat_by_columns", "tile"));
}

TEST(MultDim, RefusesANonConstantLowDimension) {
  EXPECT_EQ(firstLine(errorOf(scheduled(kRows, "rows", "    mult_dim(\"t : _\", 1, 0)\n"))),
            at(kRows, 0) + "mult_dim: dimension 0 of 't' has extent `N`, which is not a constant");
}

TEST(RearrangeDim, PermutedLayoutsComputeTheSame) {
  std::string src = golden("rearrange_dim");
  EXPECT_TRUE(runsLike(src, "cube_rotated", "cube"));
  EXPECT_TRUE(runsLike(src, "cube_swapped", "cube"));
}

TEST(RearrangeDim, RefusesAVectorThatIsNotAPermutation) {
  EXPECT_EQ(firstLine(errorOf(scheduled(kRows, "rows", "    rearrange_dim(\"t : _\", [0, 0])\n"))),
            "test.sched:11:28: error: rearrange_dim: permute_vector must list each of the 2 "
            "dimension(s) of 't' once, got [0, 0]");
}

} // namespace

namespace {

// ------------------------------------------------------------ resize_dim

TEST(ResizeDim, ShrunkAndShiftedBuffersComputeTheSame) {
  std::string src = golden("resize_dim");
  EXPECT_TRUE(runsLike(src, "window_small", "window"));
  for (int64_t n : {1, 5})
    EXPECT_TRUE(runsLike(src, "rows_small", "rows", {{"N", n}})) << "N = " << n;
}

TEST(ResizeDim, RefusesASizeTheAccessesDoNotFit) {
  const std::string window = R"(proc window(x: i32[16], y: i32[4]):
    t: i32[16]
    for i in seq(0, 4):
        t[i + 8] = x[i + 8] * 2
    for i in seq(0, 4):
        y[i] = t[i + 8]
)";
  EXPECT_EQ(
      firstLine(errorOf(scheduled(window, "window", "    resize_dim(\"t : _\", 0, 3, 8)\n"))),
      at(window, 0) +
          "resize_dim: the result would not be provably in bounds: out-of-bounds access: index "
          "'i + 8 - 8' of 't' (dimension 0, extent 3) may be out of bounds, e.g. when i = 3");
  EXPECT_EQ(firstLine(errorOf(
                scheduled(window, "window", "    resize_dim(\"t : _\", 0, 4, 8, fold=True)\n"))),
            "test.sched:9:39: error: resize_dim: fold=True is not supported (it would reuse "
            "elements)");
}

} // namespace

namespace {

// ------------------------------------------------------------ bound_alloc

TEST(BoundAlloc, ShrunkBuffersComputeTheSame) {
  std::string src = golden("bound_alloc");
  for (int64_t n : {4, 9}) {
    EXPECT_TRUE(runsLike(src, "head_small", "head", {{"N", n}})) << "N = " << n;
    EXPECT_TRUE(runsLike(src, "head_smaller", "head", {{"N", n}})) << "N = " << n;
  }
}

TEST(BoundAlloc, RefusesBoundsTheAccessesDoNotFit) {
  const std::string head = R"(proc head(x: i32[8], y: i32[8]):
    t: i32[8, 3]
    for i in seq(0, 4):
        t[i, 0] = x[i] * 2
    for i in seq(0, 4):
        y[i] = t[i, 0]
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(head, "head", "    bound_alloc(\"t : _\", [3, 1])\n"))),
            at(head, 0) +
                "bound_alloc: the result would not be provably in bounds: out-of-bounds access: "
                "index 'i' of 't' (dimension 0, extent 3) may be out of bounds, e.g. when i = 3");
  EXPECT_EQ(firstLine(errorOf(scheduled(head, "head", "    bound_alloc(\"t : _\", [3])\n"))),
            "test.sched:9:26: error: bound_alloc: bounds must be a list of 2 extent(s) or None, "
            "one per dimension of 't'");
}

} // namespace
