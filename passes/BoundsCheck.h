// Bounds proofs: every access, window and call of a proc must be provably
// safe from what is known where it happens (size arguments >= 1, asserts,
// enclosing loop ranges and if conditions). Run on every proc at definition
// and after every schedule directive that may move or rewrite accesses.
#pragma once

#include "ir/Module.h"
#include "passes/Solver.h"

namespace schedc {

// Proves every access of p in bounds; throws CompileError at the first one
// that may not be:
// - a read, assignment or reduction `A[i, j]`: 0 <= index < extent per
//   dimension (extents from A's argument, allocation or window binding);
// - a window `A[i, lo:hi]`: 0 <= i < extent for a point, 0 <= lo <= hi <=
//   extent for an interval;
// - a call: each window passed has the callee parameter's extents (callee
//   sizes replaced by the actual arguments), each size argument is >= 1,
//   and each callee `assert` holds at the call site (stride(x, d) of a
//   parameter becomes the stride of the buffer passed).
// Conditions that read data (`if x[i] > 0`) are not assumed.
// Reads inside select(c, a, b) are checked under c (resp. not c), and the
// right operand of `and`/`or` under the left one (resp. its negation): the
// backends must evaluate these lazily, as C's ?:, && and || do.
void checkBounds(const Proc& p, const Module& module);

// What checkBounds throws when a callee's `assert` may not hold at a call:
// a broken precondition rather than an access out of bounds.
class PreconditionMayFail : public CompileError {
public:
  using CompileError::CompileError;
};
// The same with a caller-owned solver (shared z3 context, statistics); the
// solver's assumptions are as they were when this returns or throws.
void checkBounds(const Proc& p, const Module& module, Solver& solver);

} // namespace schedc
