// The differential-run harness (tests/unit/support/DiffRun.h): procs that
// compute the same thing pass, and the harness demonstrably fails, naming the
// buffer, when they do not: one element, one loop bound, a float beyond the
// tolerance, a different signature. Also sizes, windows, scalar data and an
// RVM proc run under qemu-riscv64.
#include "tests/unit/support/DiffRun.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>

using schedc::testing::errorOf;
using schedc::testing::printedProc;
using schedc::testing::runsLike;

namespace {

// The result failed and its message contains every one of `parts`. A failure
// expected here is no bug to investigate: its kept driver folder is removed.
::testing::AssertionResult failsWith(const ::testing::AssertionResult& result,
                                     std::initializer_list<std::string> parts) {
  if (result)
    return ::testing::AssertionFailure() << "expected a failure, but the procs agree:\n"
                                         << result.message();
  std::string message = result.message();
  const std::string kept = "driver kept at: ";
  if (size_t at = message.find(kept); at != std::string::npos) {
    size_t end = message.find('\n', at);
    std::filesystem::path driver = message.substr(at + kept.size(), end - at - kept.size());
    std::error_code ignored;
    std::filesystem::remove_all(driver.parent_path(), ignored);
  }
  for (const std::string& part : parts)
    if (message.find(part) == std::string::npos)
      return ::testing::AssertionFailure() << "the failure does not mention '" << part << "':\n"
                                           << message;
  return ::testing::AssertionSuccess();
}

// ----------------------------------------------------------- int32 matmul

const std::string kMatmul = R"(
proc matmul(A: i32[8, 8], B: i32[8, 8], C: i32[8, 8]):
    for i in seq(0, 8):
        for j in seq(0, 8):
            for k in seq(0, 8):
                C[i, j] += A[i, k] * B[k, j]
)";

// Tiled 4x4x4 by hand, in the loop order a schedule would produce; the
// innermost bound is the const KI, which is 4 when the tiling is right.
const std::string kTiledMatmul = R"(
proc matmul_tiled(A: i32[8, 8], B: i32[8, 8], C: i32[8, 8]):
    for io in seq(0, 2):
        for jo in seq(0, 2):
            for ko in seq(0, 2):
                for ii in seq(0, 4):
                    for ji in seq(0, 4):
                        for ki in seq(0, KI):
                            C[4 * io + ii, 4 * jo + ji] += (
                                A[4 * io + ii, 4 * ko + ki] * B[4 * ko + ki, 4 * jo + ji])
)";

TEST(DiffRun, TiledMatmulRunsLikeMatmul) {
  EXPECT_TRUE(runsLike("const KI = 4\n" + kMatmul + kTiledMatmul, "matmul_tiled", "matmul"));
}

TEST(DiffRun, OneWrongElementFailsNamingTheBuffer) {
  std::string source = kMatmul + R"(
proc matmul_off(A: i32[8, 8], B: i32[8, 8], C: i32[8, 8]):
    for i in seq(0, 8):
        for j in seq(0, 8):
            for k in seq(0, 8):
                C[i, j] += A[i, k] * B[k, j]
    C[3, 5] += 1
)";
  EXPECT_TRUE(failsWith(runsLike(source, "matmul_off", "matmul"),
                        {"buffer 'C'", "flat index 29 [3, 5]", "trial 0", "reference matmul",
                         "scheduled matmul_off", "driver kept at"}));
}

TEST(DiffRun, OneWrongLoopBoundFails) {
  EXPECT_TRUE(
      failsWith(runsLike("const KI = 3\n" + kMatmul + kTiledMatmul, "matmul_tiled", "matmul"),
                {"buffer 'C'"}));
}

TEST(DiffRun, MismatchedSignaturesFail) {
  std::string source = kMatmul + R"(
proc matmul_d(A: i32[8, 8], B: i32[8, 8], D: i32[8, 8]):
    for i in seq(0, 8):
        for j in seq(0, 8):
            D[i, j] = A[i, j] + B[i, j]

proc matmul_shape(A: i32[8, 8], B: i32[8, 8], C: i32[8, 4]):
    pass

proc matmul_short(A: i32[8, 8], B: i32[8, 8]):
    pass
)";
  EXPECT_TRUE(failsWith(runsLike(source, "matmul_d", "matmul"),
                        {"argument lists differ", "argument 3", "D: i32[8, 8]"}));
  EXPECT_TRUE(failsWith(runsLike(source, "matmul_shape", "matmul"), {"C: i32[8, 4]"}));
  EXPECT_TRUE(failsWith(runsLike(source, "matmul_short", "matmul"), {"3 arguments vs 2"}));
  EXPECT_TRUE(failsWith(runsLike(source, "matmul_missing", "matmul"),
                        {"no scheduled proc named 'matmul_missing'", "matmul_d"}));
}

TEST(DiffRun, CompileErrorsAreReported) {
  std::string source = R"(
proc bad(x: i32[4]):
    x[4] = 0
)";
  EXPECT_TRUE(failsWith(runsLike(source, "bad", "bad2"), {"does not compile", "test.sched:3"}));
}

// ---------------------------------------------------------------- floats

const std::string kGemv = R"(
proc gemv(N: size, M: size, A: f32[N, M], x: f32[M], y: f32[N]):
    assert M % 2 == 0
    for i in seq(0, N):
        y[i] = 0.0
        for j in seq(0, M):
            y[i] += A[i, j] * x[j]

# Two partial sums: the float additions associate differently, so results
# agree only within the tolerance.
proc gemv_split(N: size, M: size, A: f32[N, M], x: f32[M], y: f32[N]):
    assert M % 2 == 0
    for i in seq(0, N):
        lo: f32
        hi: f32
        lo = 0.0
        hi = 0.0
        for j in seq(0, M / 2):
            lo += A[i, j] * x[j]
            hi += A[i, j + M / 2] * x[j + M / 2]
        y[i] = lo + hi
)";

// gemv, then y[0] moved by a little (within the tolerance) or by too much.
const std::string kGemvNudged = R"(
proc gemv_close(N: size, M: size, A: f32[N, M], x: f32[M], y: f32[N]):
    assert M % 2 == 0
    for i in seq(0, N):
        y[i] = 0.0
        for j in seq(0, M):
            y[i] += A[i, j] * x[j]
    y[0] += 0.00001

proc gemv_far(N: size, M: size, A: f32[N, M], x: f32[M], y: f32[N]):
    assert M % 2 == 0
    for i in seq(0, N):
        y[i] = 0.0
        for j in seq(0, M):
            y[i] += A[i, j] * x[j]
    y[0] += 0.001
)";

TEST(DiffRun, SplitGemvRunsLikeGemv) {
  EXPECT_TRUE(runsLike(kGemv, "gemv_split", "gemv", {{"N", 16}, {"M", 64}}));
}

TEST(DiffRun, FloatsCompareWithRelativeTolerance) {
  std::string source = kGemv + kGemvNudged;
  EXPECT_TRUE(runsLike(source, "gemv_close", "gemv"));
  EXPECT_TRUE(failsWith(runsLike(source, "gemv_far", "gemv"),
                        {"buffer 'y'", "flat index 0 [0]", "scheduled gemv_far"}));
}

TEST(DiffRun, HalfPrecisionHasAWiderTolerance) {
  std::string source = R"(
proc sum(n: size, x: f16[n], s: f16):
    s = 0.0
    for i in seq(0, n):
        s += x[i]

proc sum_backwards(n: size, x: f16[n], s: f16):
    s = 0.0
    for i in seq(0, n):
        s += x[n - 1 - i]
)";
  EXPECT_TRUE(runsLike(source, "sum_backwards", "sum", {{"n", 32}}));
}

// ------------------------------------------------------------------ sizes

const std::string kFill = R"(
proc fill(N: size, x: i32[N]):
    for i in seq(0, N):
        x[i] = 100

proc fill_first8(N: size, x: i32[N]):
    for i in seq(0, N):
        if i < 8:
            x[i] = 100

proc fill_by4(N: size, x: i32[N]):
    assert N % 4 == 0
    for io in seq(0, N / 4):
        for ii in seq(0, 4):
            x[4 * io + ii] = 100
)";

TEST(DiffRun, SizesDefaultTo8) {
  EXPECT_TRUE(runsLike(kFill, "fill_first8", "fill"));
}

TEST(DiffRun, SizesMapIsHonoured) {
  EXPECT_TRUE(failsWith(runsLike(kFill, "fill_first8", "fill", {{"N", 12}}),
                        {"buffer 'x'", "flat index 8 [8]", "gives 100"}));
  EXPECT_TRUE(runsLike(kFill, "fill_by4", "fill", {{"N", 12}}));
}

TEST(DiffRun, SizesMustFitPreconditionsAndArguments) {
  EXPECT_TRUE(failsWith(runsLike(kFill, "fill_by4", "fill", {{"N", 10}}),
                        {"N = 10", "assert N % 4 == 0", "fill_by4"}));
  EXPECT_TRUE(failsWith(runsLike(kFill, "fill_by4", "fill", {{"M", 4}}), {"sizes names 'M'"}));
  EXPECT_TRUE(failsWith(runsLike(kFill, "fill_by4", "fill", {{"N", 0}}), {"must be positive"}));
}

// ---------------------------------------------------------------- windows

const std::string kWindows = R"(
proc double_rows(N: size, src: [i32][N, 4], dst: [i32][N, 4]):
    for i in seq(0, N):
        for j in seq(0, 4):
            dst[i, j] = src[i, j] * 2

proc double_rows_bound(N: size, src: [i32][N, 4], dst: [i32][N, 4]):
    for i in seq(0, N):
        row = dst[i, 0:4]
        for j in seq(0, 4):
            row[j] = src[i, j] + src[i, j]

proc double_rows_reversed(N: size, src: [i32][N, 4], dst: [i32][N, 4]):
    for i in seq(0, N):
        for j in seq(0, 4):
            dst[i, j] = src[i, 3 - j] * 2
)";

TEST(DiffRun, WindowArguments) {
  EXPECT_TRUE(runsLike(kWindows, "double_rows_bound", "double_rows", {{"N", 5}}));
  EXPECT_TRUE(failsWith(runsLike(kWindows, "double_rows_reversed", "double_rows"),
                        {"buffer 'dst'", "[0, 0]"}));
}

// ----------------------------------------------------------- scalar data

const std::string kScalars = R"(
proc axpy(n: size, a: f32, x: f32[n], y: f32[n]):
    for i in seq(0, n):
        y[i] += a * x[i]

proc axpy_by2(n: size, a: f32, x: f32[n], y: f32[n]):
    assert n % 2 == 0
    for io in seq(0, n / 2):
        y[2 * io] += a * x[2 * io]
        y[2 * io + 1] += a * x[2 * io + 1]

proc dot(n: size, x: i32[n], y: i32[n], r: i32):
    r = 0
    for i in seq(0, n):
        r += x[i] * y[i]

proc dot_skips_last(n: size, x: i32[n], y: i32[n], r: i32):
    r = 0
    for i in seq(0, n - 1):
        r += x[i] * y[i]
)";

TEST(DiffRun, ScalarDataArguments) {
  EXPECT_TRUE(runsLike(kScalars, "axpy_by2", "axpy", {{"n", 10}}));
  EXPECT_TRUE(failsWith(runsLike(kScalars, "dot_skips_last", "dot"),
                        {"buffer 'r'", "flat index 0:", "reference dot gives"}));
}

// -------------------------------------------------------------------- RVM

const std::string kRvmMatmul = R"(
import "rvm.sched"

proc matmul_ref(A: i32[8, 8], B: i32[8, 8], C: i32[8, 8]):
    for i in seq(0, 8):
        for j in seq(0, 8):
            for k in seq(0, 8):
                C[i, j] += A[i, k] * B[j, k]

proc matmul_rvm(A: i32[8, 8], B: i32[8, 8], C: i32[8, 8]):
    for io in seq(0, 2):
        for jo in seq(0, 2):
            acc: i32[4, 4] @ RVM_TILE
            rvm_mld(acc, C[4 * io:4 * io + 4, 4 * jo:4 * jo + 4])
            for ko in seq(0, 2):
                a: i32[4, 4] @ RVM_TILE
                b: i32[4, 4] @ RVM_TILE
                rvm_mld(a, A[4 * io:4 * io + 4, 4 * ko:4 * ko + 4])
                rvm_mld(b, B[4 * jo:4 * jo + 4, 4 * ko:4 * ko + 4])
                rvm_mmasa(acc, b, a)
            rvm_mst(acc, C[4 * io:4 * io + 4, 4 * jo:4 * jo + 4])

# The operands of mmasa swapped: computes C += B * A^T.
proc matmul_rvm_swapped(A: i32[8, 8], B: i32[8, 8], C: i32[8, 8]):
    for io in seq(0, 2):
        for jo in seq(0, 2):
            acc: i32[4, 4] @ RVM_TILE
            rvm_mld(acc, C[4 * io:4 * io + 4, 4 * jo:4 * jo + 4])
            for ko in seq(0, 2):
                a: i32[4, 4] @ RVM_TILE
                b: i32[4, 4] @ RVM_TILE
                rvm_mld(a, A[4 * io:4 * io + 4, 4 * ko:4 * ko + 4])
                rvm_mld(b, B[4 * jo:4 * jo + 4, 4 * ko:4 * ko + 4])
                rvm_mmasa(acc, a, b)
            rvm_mst(acc, C[4 * io:4 * io + 4, 4 * jo:4 * jo + 4])
)";

TEST(DiffRun, RvmProcRunsUnderQemu) {
  ::testing::AssertionResult agrees = runsLike(kRvmMatmul, "matmul_rvm", "matmul_ref");
  EXPECT_TRUE(agrees);
  // 5 trials of 4 output tiles, each 1 + 2 * 3 + 1 instructions: the
  // emulator really executed the RVM code
  EXPECT_NE(std::string(agrees.message()).find("160 RVM instructions emulated"), std::string::npos)
      << agrees.message();
  EXPECT_TRUE(failsWith(runsLike(kRvmMatmul, "matmul_rvm_swapped", "matmul_ref"),
                        {"buffer 'C'", "scheduled matmul_rvm_swapped"}));
}

// ------------------------------------------------------- printing, errors

TEST(DiffRun, PrintedProcAndErrorOf) {
  EXPECT_EQ(printedProc(kFill, "fill"), "proc fill(N: size, x: i32[N] @ DRAM):\n"
                                        "    for i in seq(0, N):\n"
                                        "        x[i] = 100\n");
  EXPECT_EQ(printedProc(kFill, "nothing"), "no proc named 'nothing'");
  EXPECT_EQ(errorOf(kFill), "no error");
  std::string outOfBounds = "proc bad(x: i32[4]):\n    x[4] = 0\n";
  EXPECT_EQ(errorOf(outOfBounds).rfind("test.sched:2:", 0), 0u) << errorOf(outOfBounds);
  EXPECT_EQ(printedProc(outOfBounds, "bad"), errorOf(outOfBounds));
}

} // namespace
