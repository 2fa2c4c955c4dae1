// set_window, inline_window, autolift_alloc, extract_subproc and make_instr:
// every accepted schedule of tests/golden/schedules/ (buffers_set_window,
// buffers_inline_window, buffers_autolift_alloc, procs_extract_subproc,
// procs_make_instr) computes what its algorithm computes (compiled and run
// on random inputs), and every refusal names the directive and the reason
// at the directive.
#include "support/DiffRun.h"
#include "support/ScheduleText.h"

#include <gtest/gtest.h>

#include <string>

using schedc::testing::at;
using schedc::testing::errorOf;
using schedc::testing::firstLine;
using schedc::testing::goldenSchedule;
using schedc::testing::printedProc;
using schedc::testing::runsLike;
using schedc::testing::scheduled;

namespace {

// "test.sched:L:C: error: " for column `col` of the k-th directive line.
std::string atColumn(const std::string& algorithm, int k, int col) {
  std::string prefix = at(algorithm, k);
  return prefix.substr(0, prefix.rfind(":5:")) + ":" + std::to_string(col) + ": error: ";
}

// ------------------------------------------------------------ set_window

const std::string kScale = R"(proc scale(N: size, x: i32[N, 4], y: i32[N, 4]):
    for i in seq(0, N):
        for j in seq(0, 4):
            y[i, j] = 2 * x[i, j]
)";

TEST(SetWindow, WindowAndDenseArgumentsComputeTheSame) {
  // The result takes the other kind of argument than its algorithm, so it
  // runs against the algorithm written with that annotation.
  std::string src = goldenSchedule("buffers_set_window");
  for (int64_t n : {1, 5})
    EXPECT_TRUE(runsLike(src, "scale_window", "scale_w", {{"N", n}})) << "N = " << n;
  EXPECT_TRUE(runsLike(src, "add_rows_dense", "add_rows_d"));
  EXPECT_TRUE(runsLike(src, "add_all_dense", "add_rows_d"));
}

TEST(SetWindow, ThereAndBackComputesTheSame) {
  std::string src =
      scheduled(kScale, "scale",
                "    set_window(\"x\")\n"
                "    divide_loop(\"for j in _:_\", 2, [\"jo\", \"ji\"], perfect=True)\n"
                "    set_window(\"x\", False)\n");
  EXPECT_TRUE(runsLike(src, "s", "scale", {{"N", 3}}));
  EXPECT_NE(printedProc(src, "s").find("x: i32[N, 4] @ DRAM"), std::string::npos)
      << printedProc(src, "s");
}

TEST(SetWindow, RefusesAWindowWhereADenseTensorIsNeeded) {
  const std::string calls = R"(proc inner(a: i32[4]):
    for k in seq(0, 4):
        a[k] = 0

proc outer(x: i32[4], t: i32[4]):
    inner(x)
    tmp: i32[4]
    inner(tmp)
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(calls, "outer", "    set_window(\"x\")\n"))),
            at(calls, 0) +
                "set_window: 'x' is passed to the dense tensor parameter 'a' of 'inner'; a window "
                "cannot be");
  EXPECT_EQ(firstLine(errorOf(scheduled(calls, "outer", "    set_window(\"tmp\")\n"))),
            atColumn(calls, 0, 16) + "set_window: 'tmp' is allocated in the proc, not an argument "
                                     "of it");
  const std::string strided = R"(proc strided(a: [i32][4]):
    assert stride(a, 0) == 2
    for k in seq(0, 4):
        a[k] = 0
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(strided, "strided", "    set_window(\"a\", False)\n"))),
            at(strided, 0) + "set_window: the asserts of 's' rule out a dense 'a'");
}

// ------------------------------------------------------------ inline_window

TEST(InlineWindow, InlinedWindowsComputeTheSame) {
  std::string src = goldenSchedule("buffers_inline_window");
  for (int64_t n : {1, 4})
    EXPECT_TRUE(runsLike(src, "pairs_inlined", "pairs", {{"N", n}})) << "N = " << n;
  EXPECT_TRUE(runsLike(src, "tiles_inlined", "tiles"));
}

TEST(InlineWindow, AWindowOfAWindowArgumentComputesTheSame) {
  const std::string sums = R"(proc sums(N: size, x: [i32][N, 4], y: i32[N]):
    for i in seq(0, N):
        row = x[i, 0:4]
        part = row[1:3]
        y[i] = part[0] + part[1] + stride(part, 0)
)";
  std::string src = scheduled(sums, "sums",
                              "    inline_window(\"row = _\")\n"
                              "    inline_window(\"part = _\")\n");
  EXPECT_TRUE(runsLike(src, "s", "sums", {{"N", 6}}));
  EXPECT_NE(printedProc(src, "s").find("y[i] = x[i, 1] + x[i, 2] + stride(x, 1)"),
            std::string::npos)
      << printedProc(src, "s");
}

TEST(InlineWindow, RefusesAStatementThatBindsNoWindow) {
  const std::string copy = R"(proc copy(x: i32[4], y: i32[4]):
    for k in seq(0, 4):
        y[k] = x[k]
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(copy, "copy", "    inline_window(\"y[_] = _\")\n"))),
            atColumn(copy, 0, 19) + "inline_window: expected a window statement, got y[k] = x[k]");
}

// ------------------------------------------------------------ autolift_alloc

TEST(AutoliftAlloc, LiftedAndExpandedTemporariesComputeTheSame) {
  std::string src = goldenSchedule("buffers_autolift_alloc");
  EXPECT_TRUE(runsLike(src, "rowsum_lifted", "rowsum"));
  EXPECT_TRUE(runsLike(src, "rowsum_row", "rowsum"));
  for (int64_t n : {1, 5})
    EXPECT_TRUE(runsLike(src, "stage_col", "stage", {{"N", n}})) << "N = " << n;
  EXPECT_TRUE(runsLike(src, "blocks_sized", "blocks"));
}

TEST(AutoliftAlloc, OnlyLoopsTheContentsDependOnAddDimensions) {
  // t's contents depend on i and k, not on r: lifting out of all three
  // loops gives t two dimensions.
  const std::string bias = R"(proc bias(x: i32[4, 3], y: i32[4, 3]):
    for r in seq(0, 2):
        for i in seq(0, 4):
            for k in seq(0, 3):
                t: i32
                t = x[i, k] + 1
                y[i, k] += t
)";
  std::string src = scheduled(bias, "bias", "    autolift_alloc(\"t : _\", 3, keep_dims=True)\n");
  EXPECT_TRUE(runsLike(src, "s", "bias"));
  EXPECT_NE(printedProc(src, "s").find("t: i32[4, 3] @ DRAM"), std::string::npos)
      << printedProc(src, "s");
}

TEST(AutoliftAlloc, RefusesWhatLiftAllocAndExpandDimRefuse) {
  const std::string rows = R"(proc rows(x: i32[8, 4], y: i32[8]):
    for i in seq(0, 8):
        for k in seq(0, 4):
            t: i32
            t = x[i, k]
            y[i] += t
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(rows, "rows", "    autolift_alloc(\"t : _\", 3)\n"))),
            at(rows, 0) + "autolift_alloc: cannot lift 't' out of 3 scope(s): it is in 2 loop(s) "
                          "and if(s)");
  EXPECT_EQ(firstLine(errorOf(scheduled(
                rows, "rows", "    autolift_alloc(\"t : _\", 1, size=2, keep_dims=True)\n"))),
            at(rows, 0) + "autolift_alloc: size 2 is less than the bound of loop 'k'");
  const std::string prefix = R"(proc prefix(N: size, x: i32[N], y: i32[N]):
    for i in seq(0, N):
        acc: i32[1]
        if i == 0:
            acc[0] = 0
        acc[0] += x[i]
        y[i] = acc[0]
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(prefix, "prefix", "    autolift_alloc(\"acc : _\")\n"))),
            at(prefix, 0) +
                "autolift_alloc: 'acc' would carry a value from one iteration of 'i' to the next");
}

// ------------------------------------------------------------ extract_subproc

TEST(ExtractSubproc, ExtractedBlocksComputeTheSame) {
  std::string src = goldenSchedule("procs_extract_subproc");
  for (int64_t n : {1, 6}) {
    EXPECT_TRUE(runsLike(src, "rowsum_split", "rowsum", {{"N", n}})) << "N = " << n;
    EXPECT_TRUE(runsLike(src, "shifted_split", "shifted", {{"N", n}})) << "N = " << n;
  }
}

TEST(ExtractSubproc, ACallCursorComesBackAndTheSubprocIsEmitted) {
  const std::string blur = R"(proc blur(N: size, x: i32[N + 2], y: i32[N]):
    assert N % 2 == 0
    for i in seq(0, N):
        y[i] = x[i] + x[i + 1] + x[i + 2]
)";
  std::string src = scheduled(blur, "blur",
                              "    c = extract_subproc(\"for i in _:_\", \"blur_all\")\n"
                              "    inline(c)\n"
                              "    extract_subproc(\"for i in _:_\", \"blur_all_2\")\n");
  EXPECT_TRUE(runsLike(src, "s", "blur", {{"N", 4}}));
  std::string sub = printedProc(src, "blur_all_2");
  EXPECT_NE(sub.find("proc blur_all_2(N: size, x: i32[N + 2] @ DRAM, y: i32[N] @ DRAM):\n"
                     "    assert N % 2 == 0\n"),
            std::string::npos)
      << sub;
}

TEST(ExtractSubproc, RefusesABlockThatCannotStandAlone) {
  const std::string rowsum = R"(proc rowsum(N: size, x: i32[N, 8], y: i32[N]):
    for i in seq(0, N):
        y[i] = 0
        for j in seq(0, 8):
            y[i] += x[i, j]
)";
  EXPECT_EQ(firstLine(errorOf(scheduled(rowsum, "rowsum",
                                        "    extract_subproc(\"for j in _:_\", \"row\", "
                                        "include_asserts=False)\n"))),
            at(rowsum, 0) + "extract_subproc: the new proc 'row' cannot be proved in bounds on "
                            "its own: out-of-bounds access: index 'i' of 'x' (dimension 0, extent "
                            "N) may be out of bounds, e.g. when i = -1, N = 1");
  EXPECT_EQ(firstLine(errorOf(scheduled(rowsum, "rowsum",
                                        "    extract_subproc(\"for j in _:_\", \"rowsum\")\n"))),
            atColumn(rowsum, 0, 37) +
                "extract_subproc: there is already a proc or instr named 'rowsum'");
  EXPECT_EQ(firstLine(errorOf(scheduled(rowsum, "rowsum",
                                        "    extract_subproc(\"y[_] = _\", \"zero\")\n"
                                        "    extract_subproc(\"y[_] += _\", \"zero\")\n"))),
            atColumn(rowsum, 1, 34) +
                "extract_subproc: there is already a proc or instr named 'zero'");
  EXPECT_EQ(firstLine(errorOf(
                scheduled(rowsum, "rowsum", "    extract_subproc(\"for j in _:_\", \"later\")\n") +
                "\nschedule later from rowsum:\n    pass\n")),
            atColumn(rowsum, 0, 37) + "extract_subproc: a schedule defines a proc named 'later'");
  const std::string smooth = R"(proc smooth(x: i32[9]):
    for i in seq(0, 8):
        w = x[i:i + 2]
        x[i] = w[0] + w[1]
)";
  EXPECT_EQ(firstLine(errorOf(
                scheduled(smooth, "smooth", "    extract_subproc(\"x[_] = _\", \"step\")\n"))),
            at(smooth, 0) + "extract_subproc: 'x' and 'w' view the same buffer; as arguments of "
                            "the new proc they would alias");
  EXPECT_EQ(
      firstLine(errorOf(scheduled(smooth, "smooth", "    extract_subproc(\"w = _\", \"bind\")\n"))),
      at(smooth, 0) + "extract_subproc: 'w' is bound in the block and used after it");
}

// ------------------------------------------------------------ make_instr

TEST(MakeInstr, CodeReplacedByTheNewInstrComputesTheSame) {
  std::string src = goldenSchedule("procs_make_instr");
  for (int64_t n : {1, 3})
    EXPECT_TRUE(runsLike(src, "accumulate_instr", "accumulate", {{"N", n}})) << "N = " << n;
  EXPECT_TRUE(runsLike(src, "transpose_instr", "transpose"));
  // The instr keeps the proc's body as its meaning, with the templates.
  std::string instr = printedProc(src, "vadd4");
  EXPECT_NE(instr.find("instr vadd4(dst: [i32][4] @ DRAM, src: [i32][4] @ DRAM):\n    c: 'for "),
            std::string::npos)
      << instr;
  EXPECT_NE(instr.find("\n    global: '#define VADD4_STEP(d, s) ((d) += (s))'\n"),
            std::string::npos)
      << instr;
}

TEST(MakeInstr, RefusesTemplatesWhoseHolesAreNotArguments) {
  const std::string add = R"(proc add(dst: [i32][4], src: [i32][4]):
    for k in seq(0, 4):
        dst[k] += src[k]
)";
  EXPECT_EQ(
      firstLine(errorOf(scheduled(add, "add", "    make_instr(\"add({dst_dta}, {src});\")\n"))),
      atColumn(add, 0, 16) + "make_instr: instr 's': unknown hole '{dst_dta}' in its c: template");
  EXPECT_EQ(firstLine(errorOf(scheduled(add, "add", "    make_instr(\"add({dst_stride_1});\")\n"))),
            atColumn(add, 0, 16) +
                "make_instr: instr 's': unknown hole '{dst_stride_1}' in its c: template");
  EXPECT_EQ(firstLine(errorOf(scheduled(add, "add",
                                        "    make_instr(\"add({dst}, {src});\")\n"
                                        "    make_instr(\"add({src}, {dst});\")\n"))),
            at(add, 1) + "make_instr: 's' is already an instr");
}

} // namespace
