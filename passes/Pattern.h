// Exo's pattern strings, matched against a proc.
//
// "for i in _:_", "x : _", "a[_] += _", "y = data[_]", "a = _; b = _" (a
// block), "x + _" (an expression), "#n" for the n-th match (0-based), "i" for
// the loop named i, "i j" for loop i whose body is loop j.
#pragma once

#include "ir/IR.h"
#include "passes/ProcEdit.h"

#include <optional>
#include <string>
#include <vector>

namespace schedc::sched {

struct StmtMatch {
  BlockLoc block;
  size_t begin = 0, end = 0; // the matched statements [begin, end) of the block
};

struct ExprMatch {
  Path stmt;
  std::vector<size_t> path; // see exprAt in Scheduling.h
};

struct PatternMatches {
  bool isExpr = false;
  std::vector<StmtMatch> stmts;
  std::vector<ExprMatch> exprs;
  std::optional<size_t> occurrence; // "#n"
};

// All matches of `pattern` in program order. Throws CompileError at `where`
// when the pattern does not parse.
PatternMatches matchPattern(const Proc& proc, const std::string& pattern, const SrcLoc& where);

} // namespace schedc::sched
