// The scheduling core: patterns, cursors and their navigation, forwarding of
// cursors across rewrites, argument errors, and --trace style diffs.
#include "passes/Cursor.h"
#include "passes/Pattern.h"
#include "passes/Pipeline.h"
#include "passes/Scheduling.h"
#include "support/TextDiff.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace schedc;
using namespace schedc::sched;

namespace {

const char* kGemv = R"(
proc gemv(N: size, A: f32[N, 8], x: f32[8], y: f32[N]):
    for i in seq(0, N):
        y[i] = 0.0
        for j in seq(0, 8):
            y[i] += A[i, j] * x[j]
    for k in seq(0, 4):
        pass
)";

PipelineOptions options(std::ostream* print = nullptr) {
  PipelineOptions o;
  o.frontend.stdlibDir = SCHEDC_STDLIB_DIR;
  o.schedulePrint = print;
  return o;
}

// What the schedule body prints with print(), or the error.
std::string run(const std::string& schedule) {
  std::ostringstream printed;
  try {
    compileString(std::string(kGemv) + "\nschedule s from gemv:\n" + schedule, "t.sched",
                  options(&printed));
  } catch (const CompileError& e) {
    return printed.str() + "error: " + e.loc().str() + ": " + e.message();
  }
  return printed.str();
}

} // namespace

TEST(Patterns, StatementsBlocksAndExpressions) {
  EXPECT_EQ(run("    print(find('for j in _:_'))\n"), "<cursor: for j in seq(0, 8):>\n");
  EXPECT_EQ(run("    print(find('j'))\n"), "<cursor: for j in seq(0, 8):>\n");
  // "i j" is loop i whose whole body is loop j: not so here (y[i] = 0.0 comes first)
  EXPECT_EQ(run("    print(find('i j'))\n"),
            "error: t.sched:11:16: find: pattern 'i j' matches nothing in s");
  EXPECT_EQ(run("    print(find('y[_] = _'))\n"), "<cursor: y[i] = 0.0>\n");
  EXPECT_EQ(run("    print(find('y[_] = 0.0; for j in _:_'))\n"), "<block cursor: 2 statements>\n");
  EXPECT_EQ(run("    print(find('A[_] * _'))\n"), "<expression cursor: A[i, j] * x[j]>\n");
  EXPECT_EQ(run("    print(find('for _ in _:_ #2'))\n"), "<cursor: for k in seq(0, 4):>\n");
  EXPECT_EQ(run("    print(len(find('for _ in _:_', many=True)))\n"), "3\n");
  EXPECT_EQ(run("    print(find('x[_]'))\n"), "<expression cursor: x[j]>\n");
}

TEST(Cursors, Navigation) {
  EXPECT_EQ(run("    c = find('for j in _:_')\n"
                "    print(c.parent(), c.parent().parent().is_loop(), c.hi().value())\n"
                "    print(c.prev(), c.next().is_invalid(), c.name(), c.is_loop())\n"
                "    b = c.parent().body()\n"
                "    print(len(b), b[0], b[-1] == c, c.expand(1, 0))\n"
                "    print(c.body()[0].rhs(), c.lo().is_literal())\n"),
            "<cursor: for i in seq(0, N):> False 8\n"
            "<cursor: y[i] = 0.0> True j True\n"
            "2 <cursor: y[i] = 0.0> True <block cursor: 2 statements>\n"
            "<expression cursor: A[i, j] * x[j]> True\n");
}

TEST(Cursors, LocatedErrors) {
  EXPECT_EQ(run("    find('for q in _:_')\n"),
            "error: t.sched:11:10: find: pattern 'for q in _:_' matches nothing in s");
  EXPECT_EQ(run("    c = find('for j in _:_')\n    c.hi().value(1)\n"),
            "error: t.sched:12:12: value() takes no arguments");
  EXPECT_EQ(run("    c = find('y[_] = _')\n    c.body()\n"),
            "error: t.sched:12:7: body(): the cursor is not a loop or an if");
  EXPECT_EQ(run("    c = find('for j in _:_').parent().parent()\n    c.name()\n"),
            "error: t.sched:12:7: invalid cursor (the proc body has no enclosing statement)");
}

TEST(Cursors, FollowTheirStatementAcrossRewrites) {
  Module m = loadModuleFromString(kGemv, "t.sched", options().frontend);
  ScheduleState state(m, m.findProc("gemv"));
  auto inner =
      Cursor::stmt(state, stmtAt(state.proc(), Path{{Branch::Body, 0}, {Branch::Body, 1}})->id);
  ASSERT_TRUE(inner->stmtPath());
  EXPECT_EQ(inner->stmtPath()->back().index, 1u);
  // insert a statement in front of it: the cursor follows to index 2
  ProcPtr moved = replaceRange(state.proc(), BlockLoc{Path{{Branch::Body, 0}}, Branch::Body}, 0, 0,
                               {Pass::make()});
  state.commit(moved, "test", SrcLoc{});
  ASSERT_TRUE(inner->stmtPath());
  EXPECT_EQ(inner->stmtPath()->back().index, 2u);
  // delete it: the cursor no longer resolves, and using it is a located error
  ProcPtr removed =
      replaceRange(state.proc(), BlockLoc{Path{{Branch::Body, 0}}, Branch::Body}, 2, 3, {});
  state.commit(removed, "test", SrcLoc{});
  EXPECT_FALSE(inner->stmtPath());
  try {
    inner->failStale(makeLoc("t.sched", 3, 4), "fission");
    FAIL();
  } catch (const CompileError& e) {
    EXPECT_EQ(e.message(), "fission: the cursor no longer points into the proc (an earlier "
                           "directive removed or split what it pointed to)");
  }
}

TEST(Cursors, CommitRefusesResultsOutOfBounds) {
  Module m = loadModuleFromString(kGemv, "t.sched", options().frontend);
  ScheduleState state(m, m.findProc("gemv"));
  // a loop that would run past the end of y
  const Stmt& loop = stmtAt(state.proc(), Path{{Branch::Body, 0}});
  auto* f = loop->as<For>();
  Stmt longer = keepIdentity(
      For::make(f->iter, f->lo, BinOp::make(BinOpKind::Add, f->hi, Const::makeInt(1)), f->body),
      *loop);
  ProcPtr bad = replaceStmt(state.proc(), Path{{Branch::Body, 0}}, {longer});
  EXPECT_THROW(state.commit(bad, "grow", makeLoc("t.sched", 1, 1)), DirectiveRefused);
  EXPECT_EQ(state.proc().body[0], loop); // unchanged
}

TEST(Trace, UnifiedDiffOfTwoTexts) {
  EXPECT_EQ(unifiedDiff("a\nb\nc\n", "a\nb\nc\n", "x", "y"), "");
  EXPECT_EQ(unifiedDiff("a\nb\nc\nd\n", "a\nB\nc\nd\n", "before", "after", 1),
            "--- before\n+++ after\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
}

TEST(Patterns, ExpressionPatternErrorsPointIntoTheString) {
  // the string starts at column 16 (its quote); its text at 17, the bad ')' at 22
  EXPECT_EQ(run("    print(find('x[_] )'))\n"),
            "error: t.sched:11:22: pattern 'x[_] )' does not parse: syntax error: "
            "unexpected ')', expecting {<EOF>, NEWLINE}");
}
