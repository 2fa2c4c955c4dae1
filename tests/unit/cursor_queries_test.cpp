// The cursor queries and is_legal that schedule helpers build on
// (stdlib/scheduling.sched): checked with `assert` inside schedules, so a
// wrong answer is a compile error.
#include "support/DiffRun.h"
#include "support/ScheduleText.h"

#include <gtest/gtest.h>

using schedc::testing::errorOf;
using schedc::testing::firstLine;
using schedc::testing::printedProc;
using schedc::testing::runsLike;
using schedc::testing::scheduled;

namespace {

const std::string kAlgorithm = R"(import "rvm.sched"

proc mixed(N: size, A: i32[N, 4], B: i32[N, 4], x: i32[4]):
    assert N >= 4
    t: i32[4, 4] @ RVM_TILE
    rvm_mld(t[0:4, 0:4], A[0:4, 0:4])
    rvm_mst(t[0:4, 0:4], B[0:4, 0:4])
    for i in seq(0, N):
        if i > 3:
            B[i, 1] += A[i, 0] * 2 - x[i % 4]
        y: i32
        y = -A[i, 2]
        B[i, 2] = y
)";

// The schedule's lines after `schedule s from mixed:`.
std::string checks(const std::string& lines) {
  return scheduled(kAlgorithm, "mixed", lines);
}

} // namespace

TEST(CursorQueries, AssignmentsAndExpressions) {
  std::string source = checks(R"(    s = find("B[_] += _")
    assert s.is_reduce() and not s.is_assign() and s.name() == "B"
    idx = s.idx()
    assert len(idx) == 2 and idx[0].is_read() and idx[0].name() == "i" and idx[1].value() == 1
    e = s.rhs()
    assert e.is_binop() and e.op() == "-"
    assert e.lhs().is_binop() and e.lhs().op() == "*" and e.lhs().rhs().value() == 2
    r = e.lhs().lhs()
    assert r.is_read() and r.name() == "A" and r.idx()[1].value() == 0
    m = e.rhs().idx()[0]
    assert m.op() == "%" and m.lhs().name() == "i"
    neg = find("y = _").rhs()
    assert neg.is_unary_minus() and neg.arg().name() == "A"
    assert find("B[_] = y").is_assign()
)");
  EXPECT_EQ(printedProc(source, "s"), printedProc(source, "mixed").replace(5, 5, "s"));
}

TEST(CursorQueries, AllocationsAndCalls) {
  std::string source = checks(R"(    t = find_alloc_or_arg("t")
    assert t.is_alloc() and t.mem() == "RVM_TILE" and len(t.shape()) == 2
    assert t.shape()[0].value() == 4 and t.shape()[1].is_literal()
    assert find("y : _").mem() == "DRAM" and len(find("y : _").shape()) == 0
    ld = t.next()
    assert ld.is_call() and ld.name() == "rvm_mld" and len(ld.args()) == 2
    assert ld.args()[0].is_window() and ld.args()[0].name() == "t"
    assert ld.args()[1].name() == "A"
)");
  EXPECT_EQ(firstLine(errorOf(source)), "no error");
}

TEST(CursorQueries, BlocksAndBranches) {
  std::string source = checks(R"(    branch = find("if _:_")
    assert branch.is_if() and branch.orelse().is_invalid()
    assert branch.cond().is_binop() and branch.cond().op() == ">"
    one = branch.as_block()
    assert len(one) == 1 and one[0] == branch and one.as_block() == one
    body = find_loop("i").body()
    assert len(body) == 4 and body[1].is_alloc() and body[3].next().is_invalid()
    assert find_loop("i").parent().is_invalid()
)");
  EXPECT_EQ(firstLine(errorOf(source)), "no error");
}

TEST(CursorQueries, WrongQueriesAreLocatedErrors) {
  std::string idx = checks("    find_loop(\"i\").idx()\n");
  EXPECT_EQ(firstLine(errorOf(idx)),
            "test.sched:16:20: error: idx(): the statement is not an assignment or a reduction");
  std::string shape = checks("    find(\"y = _\").shape()\n");
  EXPECT_EQ(firstLine(errorOf(shape)),
            "test.sched:16:19: error: shape(): the statement is not an allocation");
  // an if without else: orelse() is an invalid cursor, which says why when used
  std::string orelse = checks("    lift_scope(find(\"if _:_\").orelse())\n");
  EXPECT_EQ(firstLine(errorOf(orelse)),
            "test.sched:16:31: error: lift_scope: invalid cursor (the if has no else)");
}

// is_legal answers without applying: the proc afterwards is the same, and
// the answer matches what the directive then does.
TEST(IsLegal, LeavesTheProcUnchanged) {
  std::string source =
      checks(R"(    assert is_legal(divide_loop, find_loop("i"), 2, ["io", "ii"], tail="cut")
    assert not is_legal(divide_loop, find_loop("i"), 2, ["io", "ii"], perfect=True)
    assert is_legal(reorder_stmts, find("y : _").expand(1, 0))
    assert not is_legal(reorder_stmts, find("B[_] = y").expand(1, 0))
)");
  std::string printed = printedProc(source, "s");
  EXPECT_EQ(printed, printedProc(source, "mixed").replace(5, 5, "s"));
  EXPECT_TRUE(runsLike(source, "s", "mixed"));
  std::string notDirective = checks("    is_legal(print, 1)\n");
  EXPECT_EQ(firstLine(errorOf(notDirective)),
            "test.sched:16:14: error: is_legal(): 'print' is not a directive");
}
