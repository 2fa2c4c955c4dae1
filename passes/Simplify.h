// The IR simplifier: normalises index arithmetic and folds constants. Every
// pass may call it on what it builds; the `simplify` directive runs it over a
// whole proc.
//
// What it does, and why each rule keeps the meaning:
// - Index expressions (size, index, stride and integer-literal types) are
//   brought to a canonical affine sum `c1 * a1 + c2 * a2 + ... + k`: like
//   terms are collected, zero terms dropped, `x * 1`, `x + 0`, `x * 0` and
//   `-(-x)` vanish. The atoms (variables, strides, and whatever is not affine:
//   products of two variables, min/max, select, non-constant division) keep
//   the order of their first appearance, left to right, so `4 * io + ii` stays
//   as written; the constant comes last. A coefficient other than +-1 is
//   written first (`4 * io`), a negative one as a subtraction (`i - 2 * j`).
//   Index integers are mathematical integers, so all of this is exact (a
//   step that would overflow int64 leaves the expression as it was).
// - `/` and `%` by a positive constant d have floor semantics (as in Exo):
//   multiples of d move out exactly (`(4 * io + r) / 4 -> io + r / 4`,
//   `(4 * io + r) % 4 -> r % 4`), and `r / 4 -> k`, `r % 4 -> r - 4 * k`
//   when `4 * k <= r < 4 * k + 4` is provable: from constant loop ranges, or
//   from the Solver's assumptions (the statement's context). `(x / a) / b`
//   becomes `x / (a * b)` and `(x % (m * d)) % d` becomes `x % d`.
// - Comparisons whose sides differ by a constant, and/or/not of constants,
//   select/min/max with a decided choice are folded; `not not c` is `c`.
// - Data expressions: only integer-typed data folds, with C's semantics
//   (the backend emits C: `/` and `%` truncate), and only while the value
//   fits in int32 (C computes narrower types in int). `x + 0`, `x * 1` and
//   `x * 0` fold for integer data; for floats nothing folds (`x * 0.0` is NaN
//   for x = inf, `x + 0.0` is 0.0 for x = -0.0), except `-(-x)`, which is
//   exact for every type. Indices inside data reads are index expressions.
// - Statements (simplifyProc): an `if` with a constant condition is replaced
//   by the branch taken; `assert True` is dropped. Loops are left alone (a
//   loop with an empty range is eliminate_dead_code's business). Rebuilt
//   statements keep their identity (StmtNode::id), so cursors follow them.
#pragma once

#include "ir/IR.h"
#include "passes/Solver.h"

#include <cstdint>
#include <map>
#include <optional>

namespace schedc {

// A closed integer interval; an empty side is unbounded.
struct IntRange {
  std::optional<int64_t> lo, hi;
};

// What the simplifier may assume where the expression stands.
struct SimplifyContext {
  // The proc's facts at this point (sizes >= 1, asserts, loop ranges, branch
  // conditions) already assumed in the solver's current scope; null: none.
  Solver* solver = nullptr;
  // Known ranges of control variables (Sym id), tried before the solver.
  std::map<uint64_t, IntRange> ranges;
};

// The simplified expression. Returns `e` itself (the same node) when nothing
// changed, so callers can tell by pointer comparison.
Expr simplifyExpr(const Expr& e, const SimplifyContext& context = {});

// The whole proc simplified, every expression in the context of its
// statement. `solver` (may be null: a private one is used) is left with the
// scopes it had.
ProcPtr simplifyProc(const Proc& proc, Solver* solver = nullptr);

// ------------------------------------------------------------ context helpers
// Shared with the passes that check rewrites in a statement's context.

// What every statement of `proc` may assume, into the solver's current scope:
// sizes are >= 1, the asserts hold, tensor arguments (not windows) are dense.
void assumeProcFacts(Solver& solver, const Proc& proc);

// What `cond == holds` says about control values. A condition that reads data
// says nothing the solver can use, but of `a and b` (taken) or `a or b` (not
// taken) the control-only parts still hold.
void assumeCondition(Solver& solver, const Expr& cond, bool holds);

} // namespace schedc
