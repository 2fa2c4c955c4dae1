// The expression and write primitives (passes/primitives/ExprPrimitives.h):
// every accepted case of tests/golden/schedules/expr_*.sched runs like its
// algorithm on random inputs, and each primitive refuses what could change
// the result with a located, exact message.
#include "tests/unit/support/DiffRun.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using schedc::testing::errorOf;
using schedc::testing::printedProc;
using schedc::testing::runsLike;

namespace {

std::string goldenSchedule(const std::string& primitive) {
  std::string path =
      std::string(SCHEDC_SOURCE_DIR) + "/tests/golden/schedules/expr_" + primitive + ".sched";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in)
    ADD_FAILURE() << "cannot read " << path;
  return text.str();
}

// Each (scheduled, algorithm) pair of the primitive's golden file runs alike.
void expectRunsLike(const std::string& primitive,
                    const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string source = goldenSchedule(primitive);
  for (const auto& [scheduled, reference] : pairs)
    EXPECT_TRUE(runsLike(source, scheduled, reference)) << scheduled;
}

std::string firstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

// The body of proc `name` (without its header line) as printed.
std::string printedBody(const std::string& source, const std::string& name) {
  std::string printed = printedProc(source, name);
  size_t start = printed.find('\n');
  return start == std::string::npos ? printed : printed.substr(start + 1);
}

// ------------------------------------------------------------ simplify, rename

TEST(ExprPrimitives, SimplifyRunsLikeTheAlgorithm) {
  expectRunsLike("simplify",
                 {{"simplify_a_scheduled", "simplify_a"}, {"simplify_b_scheduled", "simplify_b"}});
  std::string source = goldenSchedule("simplify");
  EXPECT_EQ(printedBody(source, "simplify_a_scheduled"), "    for i in seq(0, N):\n"
                                                         "        y[i] = x[i] * 2.0 + 0.0\n");
  EXPECT_EQ(printedBody(source, "simplify_b_scheduled"),
            "    for io in seq(0, 4):\n"
            "        for ii in seq(0, 4):\n"
            "            y[4 * io + ii] = x[4 * io + ii] + 5\n"
            "    y[0] = 0\n");
}

TEST(ExprPrimitives, SimplifyTakesNoArguments) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, y: f32[N]):
    for i in seq(0, N):
        y[i] = 0.0

schedule q from p:
    simplify(1)
)")),
            "test.sched:7:14: error: 'simplify' takes 0 arguments (1 given)");
}

TEST(ExprPrimitives, RenameRunsLikeTheAlgorithm) {
  expectRunsLike("rename", {{"rename_a_renamed", "rename_a"}, {"rename_b_tmp", "rename_b"}});
}

TEST(ExprPrimitives, RenameRefusesANameInUse) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, y: f32[N]):
    for i in seq(0, N):
        y[i] = 0.0

schedule q from p:
    rename("p")
)")),
            "test.sched:7:12: error: rename: 'p' is already defined");
}

TEST(ExprPrimitives, RenameRefusesAnInvalidName) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, y: f32[N]):
    for i in seq(0, N):
        y[i] = 0.0

schedule q from p:
    rename("not a name")
)")),
            "test.sched:7:12: error: rename: expected a valid name, got 'not a name'");
}

// ------------------------------------------------------------ commute_expr

TEST(ExprPrimitives, CommuteExprRunsLikeTheAlgorithm) {
  expectRunsLike("commute_expr",
                 {{"commute_a_scheduled", "commute_a"}, {"commute_b_scheduled", "commute_b"}});
  std::string source = goldenSchedule("commute_expr");
  EXPECT_EQ(printedBody(source, "commute_a_scheduled"), "    for i in seq(0, N):\n"
                                                        "        y[i] = 2.0 * x[i]\n");
  EXPECT_EQ(printedBody(source, "commute_b_scheduled"),
            "    for i in seq(0, N):\n"
            "        y[i] = (2.0 + x[i]) * (1.0 + x[i])\n");
}

TEST(ExprPrimitives, CommuteExprRefusesIndexExpressions) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N + 1], y: f32[N]):
    for i in seq(0, N):
        y[i] = x[i + 1]

schedule q from p:
    commute_expr("i + 1")
)")),
            "test.sched:7:5: error: commute_expr: only numeric (not index or size) expressions "
            "can commute, got 'i + 1' in:");
}

TEST(ExprPrimitives, CommuteExprRefusesSubtraction) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        y[i] = x[i] - 1.0

schedule q from p:
    commute_expr("x[_] - _")
)")),
            "test.sched:7:5: error: commute_expr: only '+' or '*' can commute, got "
            "'x[i] - 1.0' in:");
}

// ------------------------------------------------------------ left_reassociate_expr

TEST(ExprPrimitives, LeftReassociateExprRunsLikeTheAlgorithm) {
  expectRunsLike("left_reassociate_expr", {{"reassociate_a_scheduled", "reassociate_a"},
                                           {"reassociate_b_scheduled", "reassociate_b"}});
  std::string source = goldenSchedule("left_reassociate_expr");
  EXPECT_EQ(printedBody(source, "reassociate_a_scheduled"), "    for i in seq(0, N):\n"
                                                            "        y[i] = x[i] + x[i] * 2 + 3\n");
  EXPECT_EQ(printedBody(source, "reassociate_b_scheduled"), "    for i in seq(0, N):\n"
                                                            "        y[i] = x[i] * x[i] * 0.5\n");
}

TEST(ExprPrimitives, LeftReassociateExprRefusesFloatsWithoutFastMath) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        y[i] = x[i] + (x[i] * 2.0 + 3.0)

schedule q from p:
    left_reassociate_expr("x[_] + _")
)")),
            "test.sched:7:5: error: left_reassociate_expr: reassociating f32 addition can change "
            "the result (pass fast_math=True to allow)");
}

TEST(ExprPrimitives, LeftReassociateExprNeedsTheSameOperationOnTheRight) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: i32[N], y: i32[N]):
    for i in seq(0, N):
        y[i] = x[i] + x[i] * 2

schedule q from p:
    left_reassociate_expr("x[_] + _")
)")),
            "test.sched:7:5: error: left_reassociate_expr: the right operand of 'x[i] + x[i] * "
            "2' must be the same operation ('+')");
}

// ------------------------------------------------------------ rewrite_expr

TEST(ExprPrimitives, RewriteExprRunsLikeTheAlgorithm) {
  expectRunsLike("rewrite_expr",
                 {{"rewrite_a_scheduled", "rewrite_a"}, {"rewrite_b_scheduled", "rewrite_b"}});
  std::string source = goldenSchedule("rewrite_expr");
  EXPECT_EQ(printedBody(source, "rewrite_a_scheduled"), "    for i in seq(0, N):\n"
                                                        "        y[i] = x[N - (i + 1)]\n");
  EXPECT_EQ(printedBody(source, "rewrite_b_scheduled"), "    assert N % 4 == 0\n"
                                                        "    for i in seq(0, N / 4 * 4):\n"
                                                        "        y[i] = x[i] * 2.0\n");
}

TEST(ExprPrimitives, RewriteExprRefusesANonEquivalentIndex) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N + 1], y: f32[N]):
    for i in seq(0, N):
        y[i] = x[N - 1 - i]

schedule q from p:
    rewrite_expr("N - 1 - i", "N - i")
)")),
            "test.sched:7:5: error: rewrite_expr: cannot prove that 'N - i' equals 'N - 1 - i' "
            "here (counterexample: i = 0, N = 1)");
}

TEST(ExprPrimitives, RewriteExprRefusesADifferentDataComputation) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        y[i] = (x[i] + 1.0) + 2.0

schedule q from p:
    rewrite_expr("_ + 2.0", "x[i] + 3.0")
)")),
            "test.sched:7:5: error: rewrite_expr: 'x[i] + 3.0' is not the same computation as "
            "'x[i] + 1.0 + 2.0' (data expressions are only rewritten to equal ones after "
            "simplification; commute_expr and left_reassociate_expr reorder them)");
}

TEST(ExprPrimitives, RewriteExprResolvesNamesInTheStatementsScope) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        y[i] = x[i]
    for j in seq(0, N):
        y[j] = x[j]

schedule q from p:
    rewrite_expr("x[_] #1", "x[i]")
)")),
            "test.sched:9:32: error: rewrite_expr: unknown name 'i' (not in scope at the "
            "statement)");
}

// ------------------------------------------------------------ bind_expr

TEST(ExprPrimitives, BindExprRunsLikeTheAlgorithm) {
  expectRunsLike("bind_expr", {{"bind_a_scheduled", "bind_a"}, {"bind_b_scheduled", "bind_b"}});
  std::string source = goldenSchedule("bind_expr");
  EXPECT_EQ(printedBody(source, "bind_b_scheduled"), "    for i in seq(0, N):\n"
                                                     "        s: f32 @ DRAM\n"
                                                     "        s = x[i] * 3.0\n"
                                                     "        y[i] = s\n"
                                                     "        z[i] = s + y[i]\n");
}

TEST(ExprPrimitives, BindExprRefusesWhenAnInputIsWrittenBetween) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N], y: f32[N], z: f32[N]):
    for i in seq(0, N):
        y[i] = x[i] * 3.0
        x[i] = 0.0
        z[i] = x[i] * 3.0

schedule q from p:
    bind_expr("x[_] * 3.0", "s")
)")),
            "test.sched:9:5: error: bind_expr: cannot bind every occurrence of 'x[i] * 3.0': a "
            "buffer it reads is written before this one:");
}

TEST(ExprPrimitives, BindExprReturnsTheNewAllocation) {
  // inline_assign of the returned allocation undoes the binding.
  std::string source = R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        y[i] = x[i] * 2.0 + 1.0

schedule q from p:
    t = bind_expr("x[_] * 2.0", "t")
    inline_assign(t)
)";
  EXPECT_EQ(printedBody(source, "q"), "    for i in seq(0, N):\n"
                                      "        t: f32 @ DRAM\n"
                                      "        y[i] = x[i] * 2.0 + 1.0\n");
  EXPECT_TRUE(runsLike(source, "q", "p"));
}

// ------------------------------------------------------------ merge_writes

TEST(ExprPrimitives, CursorsFollowSplitAndMergedWrites) {
  // The cursor to the split statement follows its first half, and merging
  // the two halves again gives back the algorithm.
  std::string source = R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        y[i] = x[i] + 2.0 * x[i]

schedule q from p:
    s = find("y[_] = _")
    split_write(s)
    merge_writes(s.expand(0, 1))
)";
  EXPECT_EQ(printedBody(source, "q"), "    for i in seq(0, N):\n"
                                      "        y[i] = x[i] + 2.0 * x[i]\n");
}

TEST(ExprPrimitives, MergeWritesRunsLikeTheAlgorithm) {
  expectRunsLike("merge_writes", {{"merge_a_scheduled", "merge_a"},
                                  {"merge_b_scheduled", "merge_b"},
                                  {"merge_c_scheduled", "merge_c"}});
  std::string source = goldenSchedule("merge_writes");
  EXPECT_EQ(printedBody(source, "merge_a_scheduled"), "    for i in seq(0, N):\n"
                                                      "        y[i] = x[i] + 2.0 * x[i]\n");
  EXPECT_EQ(printedBody(source, "merge_b_scheduled"), "    for i in seq(0, N):\n"
                                                      "        y[i] += x[i] + 3\n");
}

TEST(ExprPrimitives, MergeWritesRefusesDifferentIndices) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N], y: f32[2 * N]):
    for i in seq(0, N):
        y[2 * i] = x[i]
        y[2 * i + 1] += x[i]

schedule q from p:
    merge_writes("y[_] = _; y[_] += _")
)")),
            "test.sched:8:5: error: merge_writes: expected the left hand side's indices to be the "
            "same, but y[2 * i] and y[2 * i + 1] may differ:");
}

TEST(ExprPrimitives, MergeWritesRefusesTwoFloatReductionsWithoutFastMath) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        y[i] += x[i]
        y[i] += 2.0

schedule q from p:
    merge_writes("y[_] += x[_]; y[_] += _")
)")),
            "test.sched:8:5: error: merge_writes: merging two f32 reductions regroups the "
            "additions and can change the result (pass fast_math=True to allow)");
}

// ------------------------------------------------------------ split_write

TEST(ExprPrimitives, SplitWriteRunsLikeTheAlgorithm) {
  expectRunsLike("split_write",
                 {{"split_a_scheduled", "split_a"}, {"split_b_scheduled", "split_b"}});
  std::string source = goldenSchedule("split_write");
  EXPECT_EQ(printedBody(source, "split_a_scheduled"), "    for i in seq(0, N):\n"
                                                      "        y[i] = x[i]\n"
                                                      "        y[i] += 2.0 * x[i]\n");
}

TEST(ExprPrimitives, SplitWriteRefusesAFloatReductionWithoutFastMath) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        y[i] += x[i] + 1.0

schedule q from p:
    split_write("y[_] += _")
)")),
            "test.sched:7:5: error: split_write: splitting an f32 reduction regroups the "
            "additions and can change the result (pass fast_math=True to allow)");
}

TEST(ExprPrimitives, SplitWriteRefusesASecondTermReadingTheBuffer) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: i32[N], y: i32[N]):
    for i in seq(0, N):
        y[i] = x[i] + y[i]

schedule q from p:
    split_write("y[_] = _")
)")),
            "test.sched:7:5: error: split_write: 'y[i]' reads 'y', which the first of the two "
            "writes would change");
}

// ------------------------------------------------------------ fold_into_reduce

TEST(ExprPrimitives, FoldIntoReduceRunsLikeTheAlgorithm) {
  expectRunsLike("fold_into_reduce",
                 {{"fold_a_scheduled", "fold_a"}, {"fold_b_scheduled", "fold_b"}});
  std::string source = goldenSchedule("fold_into_reduce");
  EXPECT_EQ(printedBody(source, "fold_b_scheduled"), "    for i in seq(0, N):\n"
                                                     "        y[i] += x[i] * 2\n");
}

TEST(ExprPrimitives, FoldIntoReduceRefusesAnotherLeftOperand) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N], y: f32[N]):
    for i in seq(0, N):
        y[i] = x[i] + y[i]

schedule q from p:
    fold_into_reduce("y[_] = _")
)")),
            "test.sched:7:5: error: fold_into_reduce: the left operand of the addition, 'x[i]', "
            "is not a read of the element assigned");
}

// ------------------------------------------------------------ inline_assign

TEST(ExprPrimitives, InlineAssignRunsLikeTheAlgorithm) {
  expectRunsLike("inline_assign",
                 {{"inline_a_scheduled", "inline_a"}, {"inline_b_scheduled", "inline_b"}});
  std::string source = goldenSchedule("inline_assign");
  EXPECT_EQ(printedBody(source, "inline_a_scheduled"), "    for i in seq(0, N):\n"
                                                       "        t: f32 @ DRAM\n"
                                                       "        y[i] = x[i] * 2.0 + x[i] * 2.0\n");
}

TEST(ExprPrimitives, InlineAssignRefusesWhenTheValueChangesBeforeAUse) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(x: f32[4], y: f32[4]):
    t: f32
    t = x[0]
    x[0] = 5.0
    y[0] = t

schedule q from p:
    inline_assign("t = _")
)")),
            "test.sched:9:5: error: inline_assign: 'x[0]' would be read after this statement "
            "changes it:");
}

TEST(ExprPrimitives, InlineAssignRefusesAnArgument) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(x: f32[4], y: f32[4]):
    y[0] = x[0]
    y[1] = y[0]

schedule q from p:
    inline_assign("y[0] = _")
)")),
            "test.sched:7:5: error: inline_assign: 'y' is an argument: the caller sees the value "
            "this assignment writes");
}

// ------------------------------------------------------------ lift_reduce_constant

TEST(ExprPrimitives, LiftReduceConstantRunsLikeTheAlgorithm) {
  expectRunsLike("lift_reduce_constant",
                 {{"lift_a_scheduled", "lift_a"}, {"lift_b_scheduled", "lift_b"}});
  std::string source = goldenSchedule("lift_reduce_constant");
  EXPECT_EQ(printedBody(source, "lift_a_scheduled"), "    y[0] = 0\n"
                                                     "    for i in seq(0, N):\n"
                                                     "        y[0] += x[i]\n"
                                                     "    y[0] = 3 * y[0]\n");
}

TEST(ExprPrimitives, LiftReduceConstantRefusesFloatsWithoutFastMath) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: f32[N], y: f32[1]):
    y[0] = 0.0
    for i in seq(0, N):
        y[0] += 2.0 * x[i]

schedule q from p:
    lift_reduce_constant("y[_] = _; for i in _:_")
)")),
            "test.sched:8:5: error: lift_reduce_constant: factoring a constant out of an f32 sum "
            "rounds differently and can change the result (pass fast_math=True to allow)");
}

TEST(ExprPrimitives, LiftReduceConstantRefusesANonZeroStart) {
  EXPECT_EQ(firstLine(errorOf(R"(
proc p(N: size, x: i32[N], y: i32[1]):
    y[0] = 1
    for i in seq(0, N):
        y[0] += 2 * x[i]

schedule q from p:
    lift_reduce_constant("y[_] = _; for i in _:_")
)")),
            "test.sched:8:5: error: lift_reduce_constant: expected the assignment to set 'y' to "
            "zero (the lifted constant would also scale its start value)");
}

} // namespace
