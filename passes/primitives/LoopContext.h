// What the loop primitives need to know about a place in a proc: the facts
// that hold there (for legality proofs), the names in scope there (for new
// expressions given as arguments, Exo's NewExprA), and the few argument
// forms Scheduling.h does not convert (names, "outer inner" loop nests).
//
// Other primitive groups may use these as well; nothing here is specific to
// loops except the file it lives in.
#pragma once

#include "passes/Scheduling.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace schedc::sched {

// ------------------------------------------------------------ facts

// Assumes what holds for the statements of block `where`: size arguments are
// >= 1, tensor arguments are dense (so asserts on stride(A, d) mean
// something), the proc's asserts, lo <= iter < hi for every enclosing loop,
// and for every enclosing if its condition (its negation in the else
// branch). Conditions that read data contribute only their control parts,
// as in the bounds check.
void assumeContext(Solver& solver, const Proc& proc, const BlockLoc& where);

// A solver scope holding the context of block `where` of the state's proc;
// popped when it goes out of scope (also when a check refuses).
class ContextScope {
public:
  ContextScope(ScheduleState& state, const BlockLoc& where);
  ContextScope(const ContextScope&) = delete;
  ContextScope& operator=(const ContextScope&) = delete;

  // True iff `cond` (a control condition) holds in the context. A condition
  // the solver cannot express (it reads data) is never proved.
  bool prove(const Expr& cond);
  Solver& solver() { return solver_; }

private:
  Solver& solver_;
  SolverScope scope_;
};

// ------------------------------------------------------------ arguments

// A name for something new (an iteration variable, a buffer): a string that
// is an identifier. Refused (located at the argument) otherwise.
std::string identifierArg(const Value& v, const SrcLoc& argLoc, const std::string& directive,
                          const std::string& what);

// Exactly two names, as a list or tuple (Exo's ListA(NameA, length=2)).
std::pair<std::string, std::string> twoNamesArg(const Value& v, const SrcLoc& argLoc,
                                                const std::string& directive,
                                                const std::string& what);

// An int >= 1 (Exo's PosIntA).
int64_t positiveIntArg(const Value& v, const SrcLoc& argLoc, const std::string& directive,
                       const std::string& what);

// A new control expression (Exo's NewExprA): an int, a bool, an expression
// cursor, or a string parsed in the scope of block `scope`: the loop
// variables of the enclosing loops, the proc's control arguments (size,
// index, bool, stride) and the module's consts. Index arithmetic follows the
// rules of procs: `/` and `%` by positive constants only, no product of two
// loop-dependent terms, no data.
Expr newExprArg(ScheduleState& state, const Value& v, const BlockLoc& scope, const SrcLoc& argLoc,
                const std::string& directive);

// The outer loop of two directly nested loops (Exo's NestedForCursorA): a
// loop cursor or pattern, including the shorthand "i j". Refused unless the
// loop's body is exactly one loop.
Path nestedLoopArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                   const std::string& directive);

// A loop or an if (Exo's ForOrIfCursorA): a cursor, a pattern, or a loop's
// name as shorthand.
Path loopOrIfArg(ScheduleState& state, const Value& v, const SrcLoc& argLoc,
                 const std::string& directive);

// ------------------------------------------------------------ scopes

// The first allocation or window binding among statements [begin, end) of
// block `where` whose name is used after them in the same block (moving those
// statements into a new scope would leave that use unbound).
std::optional<Sym> binderUsedAfter(const Proc& proc, const BlockLoc& where, size_t begin,
                                   size_t end);

} // namespace schedc::sched
